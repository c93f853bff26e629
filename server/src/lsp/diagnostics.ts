import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Notice, Severity } from '../engine';
import type { FindingRef } from './results';

/** The `source` of every diagnostic this server publishes. */
export const diagnosticSource = 'metadata-guard';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/**
 * Converts a finding to a diagnostic. `uriOf` turns the engine's absolute paths into the URIs
 * the client uses, and `docUrl` is the rule's documentation page, when one is known.
 */
export function findingToDiagnostic(
  finding: Finding,
  ref: FindingRef,
  uriOf: (file: string) => string,
  docUrl: string | undefined,
): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.location.range,
    severity: severities[finding.severity],
    source: diagnosticSource,
    code: finding.ruleId,
    message: finding.message,
    data: ref,
  };
  if (docUrl) diagnostic.codeDescription = { href: docUrl };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      location: { uri: uriOf(related.location.file), range: related.location.range },
      message: related.message,
    }));
  }
  return diagnostic;
}

/** Converts a notice that has a range, such as a parse error, to an information diagnostic. */
export function noticeToDiagnostic(notice: Required<Notice>): Diagnostic {
  return {
    range: notice.range,
    severity: DiagnosticSeverity.Information,
    source: diagnosticSource,
    message: notice.message,
  };
}

/** Reads a finding reference back from a diagnostic's `data`; undefined when it is not one. */
export function findingRefOf(diagnostic: Diagnostic): FindingRef | undefined {
  if (diagnostic.source !== diagnosticSource) return undefined;
  const data = diagnostic.data as Partial<FindingRef> | undefined;
  if (!data || typeof data !== 'object') return undefined;
  const { ruleId, moduleDir, run, index } = data;
  if (typeof ruleId !== 'string' || typeof moduleDir !== 'string') return undefined;
  if (typeof run !== 'number' || typeof index !== 'number') return undefined;
  return { ruleId, moduleDir, run, index };
}
