/**
 * Infrastructure programs (Pulumi TypeScript, CDK for Terraform TypeScript, Pulumi YAML) turned
 * into the engine's Terraform model, so that the module rules check them unchanged. Each program
 * resource becomes a resource block of the Terraform type it creates, with its properties as
 * attributes under their Terraform names.
 */
import * as path from 'path';
import type { Attribute, Block, Expression, Module, SourceFile, Span } from '../terraform/model';
import { LineIndex } from '../text';

/** How a string literal is written in its program, which decides how a fix may edit it. */
export type LiteralStyle =
  | 'ts-double'
  | 'ts-single'
  | 'ts-template'
  | 'yaml-plain'
  | 'yaml-double'
  | 'yaml-single'
  | 'yaml-literal'
  | 'yaml-other';

/** The list a string literal is an item of, for fixes that write several items in its place. */
export type ListStyle = 'ts-array' | 'yaml-flow' | 'yaml-block';

/** What fixes need to know about a string literal beyond the model. */
export interface LiteralInfo {
  style: LiteralStyle;
  list?: ListStyle;
}

/** Where a resource's properties are written, for the fix that adds a property. */
export type PropertiesSite =
  | { kind: 'ts-object'; start: number; end: number; properties: Span[] }
  | { kind: 'yaml-map'; keyStart: number; entries: Span[]; hasProperties: boolean; itemIndent: string };

/** Facts about program source kept beside the model, keyed by model objects. */
export class ProgramSourceInfo {
  readonly literals = new WeakMap<Expression, LiteralInfo>();
  readonly properties = new WeakMap<Block, PropertiesSite>();
  private readonly literalSpans: Array<{ file: string; span: Span; style: LiteralStyle }> = [];

  /** Records a string literal of a program file, with its quotes. */
  addLiteral(file: string, span: Span, style: LiteralStyle): void {
    this.literalSpans.push({ file, span, style });
  }

  /** Finds the innermost string literal whose text contains `offset` (quotes excluded). */
  literalAt(file: string, offset: number): { span: Span; style: LiteralStyle } | undefined {
    let best: { span: Span; style: LiteralStyle } | undefined;
    for (const literal of this.literalSpans) {
      if (literal.file !== file || offset <= literal.span.start || offset >= literal.span.end) continue;
      if (!best || literal.span.end - literal.span.start < best.span.end - best.span.start) best = literal;
    }
    return best;
  }
}

/** Terraform type of each Pulumi resource, keyed by `module.Class` in lower case. */
const pulumiTypes: ReadonlyMap<string, string> = new Map([
  ['ecs.instance', 'huaweicloud_compute_instance'],
  ['bms.instance', 'huaweicloud_bms_instance'],
  ['as.configuration', 'huaweicloud_as_configuration'],
  ['as.group', 'huaweicloud_as_group'],
  ['cce.node', 'huaweicloud_cce_node'],
  ['cce.nodepool', 'huaweicloud_cce_node_pool'],
  ['iam.agency', 'huaweicloud_identity_agency'],
  ['iam.role', 'huaweicloud_identity_role'],
]);

/** Terraform type of each class that `cdktf get` generates for the huaweicloud provider. */
const cdktfTypes: ReadonlyMap<string, string> = new Map([
  ['ComputeInstance', 'huaweicloud_compute_instance'],
  ['BmsInstance', 'huaweicloud_bms_instance'],
  ['AsConfiguration', 'huaweicloud_as_configuration'],
  ['AsGroup', 'huaweicloud_as_group'],
  ['CceNode', 'huaweicloud_cce_node'],
  ['CceNodePool', 'huaweicloud_cce_node_pool'],
  ['IdentityAgency', 'huaweicloud_identity_agency'],
  ['IdentityRole', 'huaweicloud_identity_role'],
]);

/**
 * Property names that the Pulumi bridge pluralises for repeatable blocks, mapped back to the
 * Terraform block name after conversion to snake case.
 */
const pluralBlocks: ReadonlyMap<string, string> = new Map([
  ['project_roles', 'project_role'],
  ['personalities', 'personality'],
]);

/** Returns the Terraform type of a Pulumi resource from its module and class names. */
export function pulumiResourceType(module: string, className: string): string | undefined {
  return pulumiTypes.get(`${module.toLowerCase()}.${className.toLowerCase()}`);
}

/** Returns the Terraform type of a Pulumi YAML type token such as `huaweicloud:Ecs/instance:Instance`. */
export function pulumiTokenType(token: string): string | undefined {
  const match = /^huaweicloud:([A-Za-z0-9]+)\/[A-Za-z0-9]+:([A-Za-z0-9]+)$/.exec(token.trim());
  return match ? pulumiResourceType(match[1], match[2]) : undefined;
}

/** Returns the Terraform type of a CDK for Terraform provider class. */
export function cdktfResourceType(className: string): string | undefined {
  return cdktfTypes.get(className);
}

/** Converts a program property name (`allResourcesRoles`) to its Terraform name. */
export function terraformName(name: string): string {
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) return name;
  const snake = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return pluralBlocks.get(snake) ?? snake;
}

/** Creates the model's view of a program file. */
export function programFile(file: string, text: string): SourceFile {
  return { path: file, text, lines: new LineIndex(text), syntax: 'hcl', parseErrors: [] };
}

/** Creates an empty module for the program file, whose folder is where relative paths start. */
export function programModule(file: SourceFile): Module {
  return {
    dir: path.dirname(file.path),
    files: [file],
    resources: new Map(),
    dataSources: new Map(),
    variables: new Map(),
    locals: new Map(),
    tfvars: new Map(),
    readFiles: [file.path],
  };
}

/** Input of `resourceBlock`: one resource of a program. */
export interface ProgramResource {
  type: string;
  key: string;
  /** Where the resource is named: the name argument or the YAML key. */
  labelSpan: Span;
  span: Span;
  attributes: Attribute[];
  file: SourceFile;
}

/** Builds the resource block for one program resource. */
export function resourceBlock(resource: ProgramResource): Block {
  return {
    type: 'resource',
    labels: [resource.type, resource.key],
    labelSpans: [resource.labelSpan, resource.labelSpan],
    attributes: new Map(resource.attributes.map((attribute) => [attribute.name, attribute])),
    blocks: [],
    span: resource.span,
    openBrace: resource.span.start,
    closeBrace: resource.span.end - 1,
    file: resource.file,
  };
}

/** Returns a key not yet used in the module for `preferred`, adding a number when needed. */
export function uniqueKey(module: Module, type: string, preferred: string): string {
  const base = preferred.replace(/[^A-Za-z0-9_-]/g, '_') || 'resource';
  let key = base;
  for (let n = 2; module.resources.has(`${type}.${key}`); n++) key = `${base}_${n}`;
  return key;
}
