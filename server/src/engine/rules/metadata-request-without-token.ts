import type { MetadataRequest } from '../scripts/facts';
import type { Finding, Fix, TextEdit } from '../types';
import type { RuleMeta } from './registry';
import { spanLocation, spanText, type ScriptRule, type ScriptTarget } from './scriptRule';

const meta: RuleMeta = {
  id: 'metadata-request-without-token',
  title: 'Metadata request without a V2 token',
  summary:
    'A script reads instance metadata with curl, wget, Invoke-RestMethod or Invoke-WebRequest ' +
    'without the X-Metadata-Token header. Such V1 requests stop working once the server ' +
    'requires token (V2) requests.',
  defaultSeverity: 'warning',
};

/** Shell lines that fetch a V2 token valid for six hours, the maximum the service allows. */
const bashTokenLine =
  'METADATA_TOKEN=$(curl -s -X PUT http://169.254.169.254/meta-data/latest/api/token ' +
  '-H "X-Metadata-Token-Ttl-Seconds: 21600")';
const powerShellTokenLine =
  '$metadataToken = Invoke-RestMethod -Method Put -Uri http://169.254.169.254/meta-data/latest/api/token ' +
  "-Headers @{'X-Metadata-Token-Ttl-Seconds' = '21600'}";

export const metadataRequestWithoutToken: ScriptRule = {
  meta,
  check(target) {
    const missing = target.facts.metadataRequests.filter((request) => !request.hasTokenHeader && !request.isTokenRequest);
    if (missing.length === 0) return [];
    const fixes = tokenFixes(target, missing);
    return missing.map((request) => ({
      ruleId: meta.id,
      severity: 'warning',
      message:
        `${request.tool} reads ${request.url} without the X-Metadata-Token header. This V1 request ` +
        'fails once the server requires token (V2) requests: fetch a token with PUT ' +
        '/meta-data/latest/api/token first and send it with each request.',
      location: spanLocation(target, request.span),
      related: [],
      fixes,
    }));
  },
};

/**
 * One fix for the whole script: a header on each request, and the token request before the
 * first of them unless the script already stores a token in a variable before it.
 */
function tokenFixes(target: ScriptTarget, missing: MetadataRequest[]): Fix[] {
  const powerShell = target.facts.language === 'powershell';
  const first = missing.reduce((a, b) => (a.span.start <= b.span.start ? a : b));
  const edits: TextEdit[] = [];
  let variable = existingTokenVariable(target, first, powerShell);
  if (!variable) {
    const tokenLine = target.editor.insertLines(first.span.start, [powerShell ? powerShellTokenLine : bashTokenLine], 'before');
    if (!tokenLine) return [];
    edits.push(tokenLine);
    variable = powerShell ? '$metadataToken' : '$METADATA_TOKEN';
  }
  for (const request of missing) {
    const edit = headerEdit(target, request, variable);
    if (!edit || request.span.file !== first.span.file) return [];
    edits.push(edit);
  }
  return [{
    title: 'Request a V2 token first and send it in the X-Metadata-Token header',
    isPreferred: true,
    edits: [{ file: first.span.file, edits }],
  }];
}

/**
 * Returns the variable, with its `$`, that an earlier token request of the same file stores its
 * token in (`TOKEN=$(curl -X PUT ...)` or `$token = Invoke-RestMethod -Method Put ...`).
 */
function existingTokenVariable(target: ScriptTarget, first: MetadataRequest, powerShell: boolean): string | undefined {
  const lines = target.lines(first.span.file);
  if (!lines) return undefined;
  const earlier = target.facts.metadataRequests.filter(
    (request) => request.isTokenRequest && request.span.file === first.span.file && request.span.end <= first.span.start,
  );
  for (const request of earlier.reverse()) {
    const lineStart = lines.lineStart(lines.positionAt(request.span.start).line);
    const before = lines.text.slice(lineStart, request.span.start);
    const assignment = powerShell
      ? /(\$[A-Za-z_][A-Za-z0-9_]*)\s*=\s*$/.exec(before)
      : /(?:^|[\s;])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=["']?\$\(\s*$/.exec(before);
    if (assignment) return powerShell ? assignment[1] : `$${assignment[1]}`;
  }
  return undefined;
}

/** Adds the header option, sending the token in `variable`, right after the command name. */
function headerEdit(target: ScriptTarget, request: MetadataRequest, variable: string): TextEdit | undefined {
  const text = spanText(target, request.span);
  if (text === undefined || !text.startsWith(request.tool)) return undefined;
  const tool = request.tool.toLowerCase().replace(/\.exe$/, '');
  let option: string;
  if (tool === 'curl') option = ` -H "X-Metadata-Token: ${variable}"`;
  else if (tool === 'wget') option = ` --header="X-Metadata-Token: ${variable}"`;
  else if (/-headers\b/i.test(text)) return undefined;
  else option = ` -Headers @{'X-Metadata-Token' = ${variable}}`;
  return target.editor.insertInline(request.span.start + request.tool.length, option);
}
