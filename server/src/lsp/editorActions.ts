import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Hover,
  type HoverParams,
  type Range,
  type TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { rules, suppressionRuleAt, type Fix, type TextEdit } from '../engine';
import { findingRefOf } from './diagnostics';
import type { OpenDocuments } from './documents';
import type { ResultStore, StoredFinding } from './results';

/** The code action kind of "fix all": every preferred fix of a document in one edit. */
export const fixAllKind = `${CodeActionKind.SourceFixAll}.metadataGuard`;

/** Commands the server runs through `workspace/executeCommand`. */
export const commands = {
  scanWorkspace: 'metadataGuard.scanWorkspace',
  showRuleDocumentation: 'metadataGuard.showRuleDocumentation',
} as const;

/** Tells whether a request's `only` list includes the fix-all kind. */
export function wantsFixAll(only: string[] | undefined): boolean {
  return only !== undefined && only.some((kind) => fixAllKind === kind || fixAllKind.startsWith(`${kind}.`));
}

/**
 * Builds the fix-all action of a document from its findings: the preferred fix of each, skipping
 * a fix whose edits overlap an edit already taken. Returns undefined when no fix applies.
 */
export function buildFixAll(
  findings: StoredFinding[],
  documents: OpenDocuments,
  documentChanges: boolean,
): CodeAction | undefined {
  const taken = new Map<string, TextEdit[]>();
  const versions = new Map<string, number | null>();
  for (const { finding, result } of findings) {
    const fix = finding.fixes.find((candidate) => candidate.isPreferred);
    if (!fix || overlapsTaken(fix, taken)) continue;
    for (const fileEdit of fix.edits) {
      taken.set(fileEdit.file, [...(taken.get(fileEdit.file) ?? []), ...fileEdit.edits]);
      const open = documents.byPath(fileEdit.file) !== undefined;
      versions.set(fileEdit.file, open ? (result.versions.get(fileEdit.file) ?? null) : null);
    }
  }
  if (taken.size === 0) return undefined;
  const edit: WorkspaceEdit = documentChanges
    ? {
        documentChanges: [...taken].map(([file, edits]) =>
          TextDocumentEdit.create({ uri: documents.uriOf(file), version: versions.get(file) ?? null }, edits),
        ),
      }
    : { changes: Object.fromEntries([...taken].map(([file, edits]) => [documents.uriOf(file), edits])) };
  return { title: 'Fix all Metadata Guard findings', kind: fixAllKind, edit };
}

function overlapsTaken(fix: Fix, taken: Map<string, TextEdit[]>): boolean {
  return fix.edits.some((fileEdit) =>
    fileEdit.edits.some((edit) => (taken.get(fileEdit.file) ?? []).some((other) => rangesOverlap(edit.range, other.range))),
  );
}

/** Tells whether two edit ranges overlap; two insertions at one position overlap too. */
function rangesOverlap(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * Builds one "Show documentation" action per rule among the request's diagnostics that are up
 * to date and that `usable` keeps.
 */
export function buildDocumentationActions(
  params: CodeActionParams,
  docUrls: Map<string, string>,
  store: ResultStore,
  usable: (stored: StoredFinding[]) => StoredFinding[] = (stored) => stored,
): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const ruleIds = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    const ref = findingRefOf(diagnostic);
    const stored = ref && store.lookup(ref);
    if (ref && stored && usable([stored]).length > 0) ruleIds.add(ref.ruleId);
  }
  return [...ruleIds]
    .filter((ruleId) => docUrls.has(ruleId))
    .map((ruleId) => ({
      title: `Show documentation for ${ruleId}`,
      kind: CodeActionKind.QuickFix,
      command: { title: `Show documentation for ${ruleId}`, command: commands.showRuleDocumentation, arguments: [ruleId] },
    }));
}

/** Builds the hover of a rule id in a suppression comment: the rule's title and summary. */
export function suppressionHover(params: HoverParams, textDocuments: TextDocuments<TextDocument>): Hover | null {
  const document = textDocuments.get(params.textDocument.uri);
  if (!document) return null;
  const { line, character } = params.position;
  const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  const span = suppressionRuleAt(lineText.replace(/\r?\n$/, ''), character);
  const rule = span && rules.find((candidate) => candidate.id === span.ruleId);
  if (!span || !rule) return null;
  return {
    contents: { kind: 'markdown', value: `**${rule.title}** (\`${rule.id}\`)\n\n${rule.summary}` },
    range: { start: { line, character: span.start }, end: { line, character: span.end } },
  };
}
