/**
 * Pulumi and CDK for Terraform programs written in TypeScript, read into the Terraform model.
 * Parsing uses `@typescript-eslint/typescript-estree` with ranges and no type information.
 */
import * as path from 'path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { SourceProvider } from '../source';
import type { Attribute, Expression, Module, SourceFile } from '../terraform/model';
import {
  cdktfResourceType,
  programFile,
  programModule,
  pulumiResourceType,
  resourceBlock,
  terraformName,
  uniqueKey,
  ProgramSourceInfo,
} from './model';
import { convertExpression, keyName, propertyName, spanOf, unwrapTypes, type TsScope } from './tsValues';

type Node = TSESTree.Node;

/** The package of the Huawei Cloud Pulumi provider. */
const pulumiPackage = '@huaweicloudos/pulumi';
/** Import paths of the classes `cdktf get` generates for the huaweicloud provider. */
const cdktfPath = /(^|\/)\.gen\/providers\/huaweicloud(\/|$)/;

/** A program read into the model, or the reason it could not be parsed. */
export interface LoadedProgram {
  module: Module;
  info: ProgramSourceInfo;
  parseError?: { start: number; end: number; message: string };
}

/**
 * True when a TypeScript text imports the Huawei Cloud Pulumi package or CDK for Terraform
 * provider classes. A plain substring test, so other TypeScript files cost almost nothing.
 */
export function importsHuaweiCloud(text: string): boolean {
  return text.includes(pulumiPackage) || /\.gen\/providers\/huaweicloud/.test(text);
}

/** Reads a TypeScript program file into a module of its resources. */
export function loadTypeScriptProgram(file: string, text: string, source: SourceProvider): LoadedProgram {
  const sourceFile = programFile(file, text);
  const module = programModule(sourceFile);
  const info = new ProgramSourceInfo();
  let ast: TSESTree.Program;
  try {
    ast = parseTypeScript(file, text);
  } catch (error) {
    return { module, info, parseError: parseErrorOf(error, text) };
  }
  const program = new TsFile(sourceFile, ast, info, source, module);
  program.readResources();
  return { module, info };
}

function parseTypeScript(file: string, text: string): TSESTree.Program {
  return tsParser().parse(text, { range: true, loc: false, comment: false, jsx: /\.tsx$/i.test(file), filePath: file });
}

function parseErrorOf(error: unknown, text: string): { start: number; end: number; message: string } {
  if (error instanceof tsParser().TSError) {
    const start = Math.min(error.index, text.length);
    return { start, end: Math.min(start + 1, text.length), message: error.message };
  }
  return { start: 0, end: 0, message: error instanceof Error ? error.message : String(error) };
}

/** Where a resource class comes from, which decides the order of its constructor arguments. */
type ResourceClass = { type: string; framework: 'pulumi' | 'cdktf' };

/** One TypeScript file: its imports, bindings and, for the analysed file, its resources. */
class TsFile implements TsScope {
  readonly bindings = new Map<string, Node | undefined>();
  readonly resourceVariables = new Map<string, string>();
  private readonly pulumiNamespaces = new Set<string>();
  private readonly pulumiModules = new Map<string, string>();
  private readonly cdktfClasses = new Map<string, string>();
  private readonly cdktfNamespaces = new Set<string>();
  private readonly relativeImports = new Map<string, { from: string; imported: string }>();
  private readonly imported = new Map<string, TsFile | undefined>();
  private resourcesRead = false;

  constructor(
    readonly file: SourceFile,
    private readonly ast: TSESTree.Program,
    readonly info: ProgramSourceInfo,
    private readonly source: SourceProvider,
    private readonly module: Module,
  ) {
    for (const statement of ast.body) if (statement.type === 'ImportDeclaration') this.addImport(statement);
    walk(ast, (node) => {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) this.addBinding(node);
    });
  }

  private addImport(statement: TSESTree.ImportDeclaration): void {
    const from = statement.source.value;
    for (const specifier of statement.specifiers) {
      const local = specifier.local.name;
      const imported = specifier.type === 'ImportSpecifier' ? importedName(specifier) : undefined;
      if (from === pulumiPackage) {
        if (imported) this.pulumiModules.set(local, imported);
        else this.pulumiNamespaces.add(local);
      } else if (cdktfPath.test(from)) {
        if (imported) this.cdktfClasses.set(local, imported);
        else this.cdktfNamespaces.add(local);
      } else if (from.startsWith('.')) {
        this.relativeImports.set(local, { from, imported: imported ?? 'default' });
      }
    }
  }

  private addBinding(node: TSESTree.VariableDeclarator): void {
    const name = (node.id as TSESTree.Identifier).name;
    const declaration = node.parent;
    const isConst = declaration?.type === 'VariableDeclaration' && declaration.kind === 'const';
    // A name bound twice, or bound with `let`, has no single static value.
    if (this.bindings.has(name) || !isConst) this.bindings.set(name, undefined);
    else this.bindings.set(name, node.init!);
  }

  /** Finds the resources of the file and adds them to the module, in file order. */
  readResources(): void {
    if (this.resourcesRead) return;
    this.resourcesRead = true;
    const found: Array<{ node: TSESTree.NewExpression; resource: ResourceClass; variable?: string }> = [];
    walk(this.ast, (node) => {
      if (node.type !== 'NewExpression') return;
      const resource = this.resourceClass(unwrapTypes(node.callee));
      if (!resource) return;
      const declarator = node.parent?.type === 'VariableDeclarator' ? node.parent : undefined;
      const variable = declarator?.id.type === 'Identifier' ? declarator.id.name : undefined;
      found.push({ node, resource, variable });
    });
    const keys = found.map(({ node, resource, variable }) => {
      const key = uniqueKey(this.module, resource.type, this.resourceName(node, resource) ?? variable ?? 'resource');
      // Reserves the key so that the next resource gets another one; addResource stores the block.
      this.module.resources.set(`${resource.type}.${key}`, undefined as never);
      if (variable) this.resourceVariables.set(variable, `${resource.type}.${key}`);
      return key;
    });
    found.forEach(({ node, resource }, index) => this.addResource(node, resource, keys[index]));
  }

  private resourceClass(callee: Node): ResourceClass | undefined {
    const chain = memberChain(callee);
    if (!chain) return undefined;
    const [root, ...rest] = chain;
    const last = chain[chain.length - 1];
    if (this.pulumiNamespaces.has(root) && rest.length === 2) return pulumi(rest[0], rest[1]);
    if (this.pulumiModules.has(root) && rest.length === 1) return pulumi(this.pulumiModules.get(root)!, rest[0]);
    if (chain.length === 1 && this.cdktfClasses.has(root)) return cdktf(this.cdktfClasses.get(root)!);
    if (this.cdktfNamespaces.has(root) && rest.length > 0) return cdktf(last);
    return undefined;
  }

  private resourceName(node: TSESTree.NewExpression, resource: ResourceClass): string | undefined {
    const argument = node.arguments[resource.framework === 'pulumi' ? 0 : 1];
    const value = argument && unwrapTypes(argument);
    return value?.type === 'Literal' && typeof value.value === 'string' ? value.value : undefined;
  }

  private addResource(node: TSESTree.NewExpression, resource: ResourceClass, key: string): void {
    const nameArgument = node.arguments[resource.framework === 'pulumi' ? 0 : 1];
    const propsArgument = node.arguments[resource.framework === 'pulumi' ? 1 : 2];
    const props = propsArgument && this.objectLiteral(propsArgument);
    const attributes: Attribute[] = [];
    for (const property of props?.properties ?? []) {
      if (property.type !== 'Property') continue;
      const name = keyName(property);
      if (name === undefined) continue;
      const expr = convertExpression(property.value as Node, this);
      attributes.push({ name: terraformName(name), nameSpan: spanOf(property.key), expr, span: spanOf(property) });
    }
    const labelNode = nameArgument && unwrapTypes(nameArgument).type === 'Literal' ? nameArgument : node.callee;
    const block = resourceBlock({
      type: resource.type,
      key,
      labelSpan: spanOf(labelNode),
      span: spanOf(node),
      attributes,
      file: this.file,
    });
    if (props) {
      const properties = props.properties.map((property) => spanOf(property));
      this.info.properties.set(block, { kind: 'ts-object', start: props.range[0], end: props.range[1], properties });
    }
    this.module.resources.set(`${resource.type}.${key}`, block);
  }

  /** Returns the object literal a properties argument is, or is bound to by a `const`. */
  private objectLiteral(node: Node): TSESTree.ObjectExpression | undefined {
    let value = unwrapTypes(node);
    if (value.type === 'Identifier' && this.bindings.get(value.name)) value = unwrapTypes(this.bindings.get(value.name)!);
    return value.type === 'ObjectExpression' ? value : undefined;
  }

  importedValue(name: string, depth: number): Expression | undefined {
    const target = this.relativeImports.get(name);
    if (!target) return undefined;
    const other = this.importedFile(target.from);
    const bound = other?.bindings.get(target.imported);
    return bound && other ? convertExpression(bound, other, depth + 1) : undefined;
  }

  importedResource(name: string): string | undefined {
    const target = this.relativeImports.get(name);
    const other = target && this.importedFile(target.from);
    if (!target || !other) return undefined;
    // The imported file's resources join the module, so references to them resolve. Their own
    // findings are reported by the analysis of that file.
    other.readResources();
    return other.resourceVariables.get(target.imported);
  }

  private importedFile(from: string): TsFile | undefined {
    if (this.imported.has(from)) return this.imported.get(from);
    this.imported.set(from, undefined);
    const base = path.resolve(path.dirname(this.file.path), from);
    for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base]) {
      if (!/\.tsx?$/.test(candidate) || !this.source.exists(candidate) || this.source.isDirectory(candidate)) continue;
      const loaded = this.loadImport(candidate);
      this.imported.set(from, loaded);
      return loaded;
    }
    return undefined;
  }

  private loadImport(file: string): TsFile | undefined {
    try {
      const text = this.source.readText(file);
      this.module.readFiles.push(file);
      return new TsFile(programFile(file, text), parseTypeScript(file, text), this.info, this.source, this.module);
    } catch {
      // NOTE: an imported file that cannot be read or parsed leaves its values unknown.
      return undefined;
    }
  }
}

function pulumi(module: string, className: string): ResourceClass | undefined {
  const type = pulumiResourceType(module, className);
  return type ? { type, framework: 'pulumi' } : undefined;
}

function cdktf(className: string): ResourceClass | undefined {
  const type = cdktfResourceType(className);
  return type ? { type, framework: 'cdktf' } : undefined;
}

function importedName(specifier: TSESTree.ImportSpecifier): string {
  return specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
}

/** Returns `a.b.c` as `['a', 'b', 'c']`, or undefined for anything but names and members. */
function memberChain(node: Node): string[] | undefined {
  if (node.type === 'Identifier') return [node.name];
  if (node.type !== 'MemberExpression') return undefined;
  const property = propertyName(node);
  const object = memberChain(unwrapTypes(node.object));
  return property !== undefined && object ? [...object, property] : undefined;
}

/** Calls `visit` on every node of a tree, parents first, and sets each node's `parent`. */
function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    if (key === 'parent') continue;
    const value = (node as unknown as Record<string, unknown>)[key];
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (!child || typeof child !== 'object' || typeof (child as Node).type !== 'string') continue;
      (child as { parent?: Node }).parent = node;
      walk(child as Node, visit);
    }
  }
}

/** Loads the TypeScript parser on first use; the bundles keep `./tsParser` as a file of its own. */
function tsParser(): typeof import('./tsParser') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./tsParser') as typeof import('./tsParser');
}
