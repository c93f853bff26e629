import * as fc from 'fast-check';

/** One edit the fuzzer makes to a seed text. Positions are fractions of the text, in [0, 1). */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

/**
 * Fragments that break the grammars the engine reads: quotes, heredoc markers, Terraform
 * interpolation and directives, brackets, NUL and other control characters, line breaks of
 * each style, and characters outside the Basic Multilingual Plane.
 */
export const hostileFragments: readonly string[] = [
  '"', "'", '`', '\\', '<<EOF\n', '<<-EOT\n', '\nEOF\n', '\nEOT\n', "<<'EOF'\n", '${', '%{', '}',
  '{', '[', ']', '(', ')', '#', '//', '/*', '*/', '\0', '\r', '\r\n', '\n\n', '\t', '$(', '@"\n',
  '\n"@', '\u2028', '\ud83d\ude00', '\ud800', '\ufeff', '*', '0.0.0.0/0', '169.254.169.254',
];

const position = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const insertedText = fc.oneof(
  fc.constantFrom(...hostileFragments),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

/** Generates one mutation of any kind. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: position }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: insertedText }),
);

/** Applies mutations in order; each position is taken relative to the text at that step. */
export function applyMutations(text: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(applyMutation, text);
}

function applyMutation(text: string, mutation: Mutation): string {
  const at = Math.floor(mutation.at * text.length);
  switch (mutation.kind) {
    case 'flip': {
      if (text.length === 0) return text;
      const flipped = String.fromCharCode(text.charCodeAt(at) ^ (1 << mutation.bit));
      return text.slice(0, at) + flipped + text.slice(at + 1);
    }
    case 'truncate':
      return text.slice(0, at);
    case 'deleteLine': {
      const { start, end } = lineAround(text, at);
      return text.slice(0, start) + text.slice(end);
    }
    case 'duplicateLine': {
      const { start, end } = lineAround(text, at);
      return text.slice(0, end) + text.slice(start, end) + text.slice(end);
    }
    case 'insert':
      return text.slice(0, at) + mutation.text + text.slice(at);
  }
}

/** Returns the line containing offset `at`, with its line break. */
function lineAround(text: string, at: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const next = text.indexOf('\n', at);
  return { start, end: next < 0 ? text.length : next + 1 };
}
