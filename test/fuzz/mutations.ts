/**
 * Mutations of text files as fast-check arbitraries, so a failing input shrinks to a small list of
 * edits and replays from the seed. The tokens are the ones that matter to our parsers: quotes,
 * brackets, TOML/YAML/JSON punctuation, line endings, interpolation, NUL, BOM and surrogates.
 */
import fc from 'fast-check';

const TOKENS = [
  '"', "'", '"""', "'''", '[', ']', '[[', ']]', '{', '}', '=', ':', ',', '#', '\n', '\r\n', '\r', '\t', ' ', '\\', '\u0000', '\ufeff',
  '${', '${item}', '}', '- ', '---', '...', '&a', '*a', '<<: *a', '!!python/object', '~', 'null', 'true', '1e999', '-0', '0x10', '9'.repeat(40),
  '>=', '==', '~=', '===', '!=', '<', ';', ' and ', ' or ', '@', 'python_version', '[extra]', '-r ', '-c ', '--hash=sha256:', '%', '%%', '!', '?',
  '\ud83d\ude00', '\ud800', 'é', '\u2028', 'dependencies = [', 'stages:', 'deps:', 'cmd:', '"cell_type"', '"source"', 'null,', '[]', '{}',
];

export type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'repeatLine'; at: number; times: number }
  | { kind: 'replaceNumber'; at: number; text: string };

const position = fc.nat({ max: 1_000_000 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapLines' as const), a: position, b: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeatLine' as const), at: position, times: fc.integer({ min: 2, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replaceNumber' as const), at: position, text: fc.constantFrom('-1', '1e309', '99999999999999999999', 'NaN', '0.0.0', '', '"1"') }) },
);

export function applyMutation(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length ? n % (text.length + 1) : 0);
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'duplicate': {
      const s = at(m.at);
      return text.slice(0, s) + text.slice(s, s + m.length) + text.slice(s);
    }
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'swapLines': {
      const lines = text.split('\n');
      const a = m.a % lines.length;
      const b = m.b % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'repeatLine': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, ...Array<string>(m.times - 1).fill(lines[i]!));
      return lines.join('\n');
    }
    case 'replaceNumber': {
      const numbers = [...text.matchAll(/\d+(\.\d+)*/g)];
      if (!numbers.length) return text;
      const n = numbers[m.at % numbers.length]!;
      return text.slice(0, n.index) + m.text + text.slice(n.index + n[0].length);
    }
  }
}

export function applyMutations(text: string, mutations: Mutation[]): string {
  return mutations.reduce(applyMutation, text);
}
