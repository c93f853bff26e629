import type { MetadataOptionsCall } from '../scripts/facts';
import type { Finding, Fix } from '../types';
import type { RuleMeta } from './registry';
import { spanLocation, spanText, type ScriptRule, type ScriptTarget } from './scriptRule';

const meta: RuleMeta = {
  id: 'metadata-v1-enabled',
  title: 'Metadata options allow V1 requests',
  summary:
    'A KooCLI call or an ECS API request sets http_tokens to optional, which lets any process ' +
    'on the server read instance metadata with plain V1 requests, without a token.',
  defaultSeverity: 'warning',
};

export const metadataV1Enabled: ScriptRule = {
  meta,
  check(target) {
    const findings: Finding[] = [];
    for (const call of target.facts.metadataOptionsCalls) {
      if (call.httpTokens?.toLowerCase() !== 'optional') continue;
      findings.push({
        ruleId: meta.id,
        severity: 'warning',
        message:
          'This call sets http_tokens to optional, so every process on the server can read instance ' +
          'metadata with V1 requests that need no token. Set it to required.',
        location: spanLocation(target, call.span),
        related: [],
        fixes: requiredFixes(target, call),
      });
    }
    return findings;
  },
};

/** Replaces the `optional` that follows `http_tokens` in the call. */
function requiredFixes(target: ScriptTarget, call: MetadataOptionsCall): Fix[] {
  const text = spanText(target, call.span);
  const match = text && /http_?tokens['"]?\s*[:=]?\s*['"]?(optional)/i.exec(text);
  if (!match) return [];
  const start = call.span.start + match.index + match[0].length - match[1].length;
  const replacement = match[1] === 'OPTIONAL' ? 'REQUIRED' : 'required';
  const edit = target.editor.replace(start, start + match[1].length, replacement);
  if (!edit) return [];
  return [{
    title: 'Set http_tokens to required (token requests only)',
    isPreferred: true,
    edits: [{ file: call.span.file, edits: [edit] }],
  }];
}
