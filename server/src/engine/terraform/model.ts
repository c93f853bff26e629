import type { LineIndex, SourceMap } from '../text';

/**
 * Terraform configuration as the rules see it, the same whether it came from `.tf` (HCL) or
 * `.tf.json`. Every node keeps offsets (UTF-16 code units) into the text of its file.
 */

export interface SourceFile {
  path: string;
  text: string;
  lines: LineIndex;
  syntax: 'hcl' | 'json';
  /** Offsets of the first parse errors, empty when the file parsed cleanly. */
  parseErrors: Array<{ start: number; end: number; message: string }>;
}

export interface Span {
  start: number;
  end: number;
}

/** A piece of a template: literal text, or a `${...}` / `%{...}` sequence. */
export type TemplatePart =
  | { kind: 'literal'; text: string; map: SourceMap; span: Span }
  | { kind: 'interpolation'; expr: Expression | undefined; span: Span }
  | { kind: 'directive'; span: Span };

export interface HeredocInfo {
  marker: string;
  /** True for `<<-` heredocs, whose common leading indentation Terraform removes. */
  stripIndent: boolean;
  /** Offset just after the line break that ends the opening `<<EOT` line. */
  contentStart: number;
  /** Offset of the start of the line holding the closing marker. */
  contentEnd: number;
}

export type Expression =
  | { kind: 'template'; parts: TemplatePart[]; heredoc?: HeredocInfo; span: Span; file: SourceFile }
  | { kind: 'number' | 'bool' | 'null'; raw: string; span: Span; file: SourceFile }
  | { kind: 'reference'; path: string[]; span: Span; file: SourceFile }
  | { kind: 'call'; name: string; args: Expression[]; span: Span; file: SourceFile }
  | { kind: 'conditional'; condition: Expression; whenTrue: Expression; whenFalse: Expression; span: Span; file: SourceFile }
  | { kind: 'object'; entries: ObjectEntry[]; span: Span; file: SourceFile }
  | { kind: 'tuple'; items: Expression[]; span: Span; file: SourceFile }
  | {
      kind: 'other';
      span: Span;
      file: SourceFile;
      /** Sub-expressions of an operator, `for` or splat expression, kept for reference lookups. */
      children?: Expression[];
    };

export interface ObjectEntry {
  /** The key as text: an identifier, a quoted key without quotes, or undefined when computed. */
  key: string | undefined;
  keySpan: Span;
  value: Expression;
}

export interface Attribute {
  name: string;
  nameSpan: Span;
  expr: Expression;
  /** The whole `name = value` statement. */
  span: Span;
}

export interface Block {
  type: string;
  labels: string[];
  labelSpans: Span[];
  attributes: Map<string, Attribute>;
  blocks: Block[];
  /** The whole block, from its type keyword to its closing brace. */
  span: Span;
  /** Offset of the opening `{`, and of the closing `}` (equal to `span.end` - 1 in HCL). */
  openBrace: number;
  closeBrace: number;
  file: SourceFile;
}

/** One Terraform module: the `.tf` and `.tf.json` files of one folder, plus its variable files. */
export interface Module {
  dir: string;
  files: SourceFile[];
  /** `resource` blocks, keyed by `type.name`. */
  resources: Map<string, Block>;
  /** `data` blocks, keyed by `type.name`. */
  dataSources: Map<string, Block>;
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  /** Values from `terraform.tfvars` and `*.auto.tfvars` (later files win, as in Terraform). */
  tfvars: Map<string, Attribute>;
  /** Every file the module read, for dependency tracking: `.tf`, `.tf.json` and tfvars. */
  readFiles: string[];
}
