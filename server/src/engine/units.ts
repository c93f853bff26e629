import * as path from 'path';
import { documentKinds, type DocumentKind } from './documents/kinds';
import type { SourceProvider } from './source';

/**
 * The unit of analysis a file belongs to: a Terraform module folder, whose files are analysed
 * together, or a stand-alone document analysed alone.
 */
export type AnalysisUnit = { kind: 'module'; dir: string } | { kind: 'document'; file: string; documentKind: DocumentKind };

export function isTerraformFile(file: string): boolean {
  return file.endsWith('.tf') || file.endsWith('.tf.json');
}

/** True for files read as part of their folder's module: configuration and variable files. */
export function isModuleFile(file: string): boolean {
  return isTerraformFile(file) || file.endsWith('.tfvars') || file.endsWith('.tfvars.json');
}

/** Returns a unit's key: the module folder or the document's path. */
export function unitKey(unit: AnalysisUnit): string {
  return unit.kind === 'module' ? unit.dir : unit.file;
}

/**
 * Finds the unit a file belongs to, or undefined when no analysis applies to it. Only the first
 * line of a file is read, and only when its name does not decide.
 */
export function analysisUnitOf(file: string, source: SourceProvider): AnalysisUnit | undefined {
  if (isModuleFile(file)) return { kind: 'module', dir: path.dirname(file) };
  if (documentKinds.length === 0) return undefined;
  const firstLine = readFirstLine(file, source);
  const documentKind = documentKinds.find((kind) => kind.matches(file, firstLine));
  return documentKind ? { kind: 'document', file, documentKind } : undefined;
}

/** Number of characters read to find a file's first line. A longer first line is cut there. */
const firstLineLimit = 4096;

function readFirstLine(file: string, source: SourceProvider): string {
  try {
    // The start is read apart, so a file over the size limit still finds its kind and its
    // analysis reports it as too large.
    const text = source.readHead ? source.readHead(file, firstLineLimit) : source.readText(file);
    const end = text.search(/\r|\n/);
    return end < 0 ? text : text.slice(0, end);
  } catch {
    return '';
  }
}
