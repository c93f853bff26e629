import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Fix } from '../engine';
import type { OpenDocuments } from './documents';
import { findingRefOf } from './diagnostics';
import { uriToPath } from './paths';
import type { ModuleResult, ResultStore, StoredFinding } from './results';

/** Server state that building code actions reads. */
export interface CodeActionContext {
  store: ResultStore;
  documents: OpenDocuments;
  /** Whether the client applies `documentChanges` in a workspace edit. */
  documentChanges: boolean;
  toDiagnostic: (stored: StoredFinding) => Diagnostic;
  /**
   * Keeps the findings that may get actions, with their configured severity: it drops findings
   * of rules turned off and findings computed for an older version of an open document.
   */
  usable: (stored: StoredFinding[]) => StoredFinding[];
}

/**
 * Builds the quick fixes for the findings behind the request's diagnostics and for the findings
 * whose range meets the requested range. Out-of-date diagnostics and findings that `usable`
 * drops get no actions.
 */
export function buildCodeActions(
  params: CodeActionParams,
  context: CodeActionContext,
): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const file = uriToPath(params.textDocument.uri);
  if (!file) return [];

  const targets = new Map<string, { stored: StoredFinding; diagnostic: Diagnostic }>();
  for (const diagnostic of params.context.diagnostics) {
    const ref = findingRefOf(diagnostic);
    const found = ref && context.store.lookup(ref);
    const [stored] = found ? context.usable([found]) : [];
    if (stored) targets.set(keyOf(stored), { stored, diagnostic });
  }
  for (const stored of context.usable(context.store.findingsIn(file))) {
    if (targets.has(keyOf(stored))) continue;
    if (!rangesMeet(stored.finding.location.range, params.range)) continue;
    targets.set(keyOf(stored), { stored, diagnostic: context.toDiagnostic(stored) });
  }
  return [...targets.values()].flatMap(({ stored, diagnostic }) =>
    stored.finding.fixes.map((fix) => toCodeAction(fix, stored.result, diagnostic, context)),
  );
}

/**
 * Tells whether a finding was computed from the current version of every open document it is
 * located in or its fixes edit, so its range and edits still fit the text.
 */
export function isUpToDate(stored: StoredFinding, documents: OpenDocuments): boolean {
  const { finding, result } = stored;
  const files = [finding.location.file, ...finding.fixes.flatMap((fix) => fix.edits.map((edit) => edit.file))];
  return files.every((file) => {
    const document = documents.byPath(file);
    return document === undefined || result.versions.get(file) === document.version;
  });
}

function toCodeAction(
  fix: Fix,
  result: ModuleResult,
  diagnostic: Diagnostic,
  context: CodeActionContext,
): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    isPreferred: fix.isPreferred,
    diagnostics: [diagnostic],
    edit: toWorkspaceEdit(fix, result, context),
  };
}

/**
 * Converts a fix to a workspace edit. When one of the edited files is open, the edit carries the
 * document version the analysis read, so the client rejects it if the text has changed since.
 */
function toWorkspaceEdit(
  fix: Fix,
  result: ModuleResult,
  context: CodeActionContext,
): WorkspaceEdit {
  const { documents } = context;
  const anyOpen = fix.edits.some((fileEdit) => documents.byPath(fileEdit.file) !== undefined);
  if (context.documentChanges && anyOpen) {
    const documentChanges = fix.edits.map((fileEdit) => {
      const open = documents.byPath(fileEdit.file) !== undefined;
      const version = open ? (result.versions.get(fileEdit.file) ?? null) : null;
      const uri = documents.uriOf(fileEdit.file);
      return TextDocumentEdit.create({ uri, version }, fileEdit.edits);
    });
    return { documentChanges };
  }
  const changes: WorkspaceEdit['changes'] = {};
  for (const fileEdit of fix.edits) {
    const uri = documents.uriOf(fileEdit.file);
    changes[uri] = [...(changes[uri] ?? []), ...fileEdit.edits];
  }
  return { changes };
}

function keyOf(stored: StoredFinding): string {
  const { moduleDir, run, index } = stored.ref;
  return `${moduleDir}\n${run}\n${index}`;
}

function comparePositions(a: Range['start'], b: Range['start']): number {
  return a.line === b.line ? a.character - b.character : a.line - b.line;
}

/** Tells whether two ranges overlap or touch. */
function rangesMeet(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}
