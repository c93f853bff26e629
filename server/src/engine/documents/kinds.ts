import type { Parsers } from '../parsing/treeSitter';
import { ansibleDocument } from './ansible';
import { cloudInitDocument, powerShellDocument, shellDocument } from './scripts';
import { pulumiYamlKind, typeScriptProgramKind } from '../programs/analyze';
import type { SourceProvider } from '../source';
import type { Finding, Notice } from '../types';

/** The services a document kind uses to analyse one file. */
export interface DocumentContext {
  source: SourceProvider;
  parsers: Parsers;
}

/** The outcome of analysing one stand-alone document, before suppressions. */
export interface DocumentAnalysis {
  findings: Finding[];
  notices: Notice[];
  /** Files the analysis read besides the document itself (relative imports, scripts). */
  dependencies: string[];
}

/**
 * A kind of file analysed on its own rather than as part of a Terraform module folder:
 * a shell script, a cloud-init file, a program. `matches` must be cheap, because it gets the file name
 * and the first line only.
 */
export interface DocumentKind {
  id: string;
  /** Comment syntax of the kind, for the "ignore with a comment" fix; undefined when it has none. */
  commentSyntax: 'hcl' | 'bash' | 'powershell' | 'yaml' | 'typescript' | undefined;
  matches(file: string, firstLine: string): boolean;
  analyze(file: string, text: string, context: DocumentContext): DocumentAnalysis;
}

/**
 * Every stand-alone document kind, tried in order; the first that matches a file analyses it.
 * Terraform files are not here: they are analysed per module folder.
 */
export const documentKinds: DocumentKind[] = [
  typeScriptProgramKind,
  pulumiYamlKind,
  shellDocument,
  powerShellDocument,
  cloudInitDocument,
  ansibleDocument,
];
