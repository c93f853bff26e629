import type { AnalysisResult } from '../analyze';
import { documentKinds } from '../documents/kinds';
import type { AnalysisUnit } from '../units';

/**
 * An analysis unit in a form that survives structured cloning: a document kind is named by its
 * id, because its functions cannot cross to a worker thread.
 */
export type UnitMessage = { kind: 'module'; dir: string } | { kind: 'document'; file: string; documentKindId: string };

/** A request from the pool to a worker: analyse one unit over the disk plus these file texts. */
export interface AnalyzeRequest {
  id: number;
  unit: UnitMessage;
  /** Texts that replace files on disk (open editors), as [absolute path, text] pairs. */
  overlay: [string, string][];
}

/** A worker's reply to one request. */
export type AnalyzeReply = { id: number; result: AnalysisResult } | { id: number; failure: string };

/** Converts a unit into its message form. */
export function toUnitMessage(unit: AnalysisUnit): UnitMessage {
  if (unit.kind === 'module') return { kind: 'module', dir: unit.dir };
  return { kind: 'document', file: unit.file, documentKindId: unit.documentKind.id };
}

/** Converts a unit message back into a unit; throws when the document kind is not registered. */
export function fromUnitMessage(message: UnitMessage): AnalysisUnit {
  if (message.kind === 'module') return { kind: 'module', dir: message.dir };
  const documentKind = documentKinds.find((kind) => kind.id === message.documentKindId);
  if (!documentKind) throw new Error(`document kind ${message.documentKindId} is not registered`);
  return { kind: 'document', file: message.file, documentKind };
}
