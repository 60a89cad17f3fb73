/**
 * The code point a `\N{NAME}` escape stands for, looked up the way CPython 3.13's unicodeescape decoder
 * does (Modules/unicodedata.c, `_getcode` without named sequences):
 * - `HANGUL SYLLABLE ` + jamo short names, and `CJK UNIFIED IDEOGRAPH-` + 4 or 5 upper-case hex digits
 *   in a unified-ideograph block, are read by rule, case-sensitively;
 * - any other name or alias is looked up case-insensitively (ASCII letters only) in the name table.
 *
 * The table (unicodeNameTable.ts, ~200 KB) is loaded on the first escape met, never before, from its
 * own file beside the bundle. A missing table is not an error: the answer is then `undefined` (unknown,
 * the caller keeps the escape as written), as opposed to `null` (CPython knows no such name).
 */

/** Blocks of CJK unified ideographs in Unicode 15.1 (CPython 3.13's `is_unified_ideograph`). */
const UNIFIED_IDEOGRAPHS: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0x20000, 0x2a6df], [0x2a700, 0x2b739], [0x2b740, 0x2b81d],
  [0x2b820, 0x2cea1], [0x2ceb0, 0x2ebe0], [0x2ebf0, 0x2ee5d], [0x30000, 0x3134a], [0x31350, 0x323af],
];

// Hangul jamo short names by column (Unicode chapter 3.12), as CPython's hangul_syllables table
const JAMO_L = ['G', 'GG', 'N', 'D', 'DD', 'R', 'M', 'B', 'BB', 'S', 'SS', '', 'J', 'JJ', 'C', 'K', 'T', 'P', 'H'];
const JAMO_V = ['A', 'AE', 'YA', 'YAE', 'EO', 'E', 'YEO', 'YE', 'O', 'WA', 'WAE', 'OE', 'YO', 'U', 'WEO', 'WE', 'WI', 'YU', 'EU', 'YI', 'I'];
const JAMO_T = ['', 'G', 'GG', 'GS', 'N', 'NJ', 'NH', 'D', 'L', 'LG', 'LM', 'LB', 'LS', 'LT', 'LP', 'LH', 'M', 'B', 'BS', 'S', 'SS', 'NG', 'J', 'C', 'K', 'T', 'P', 'H'];
const HANGUL_PREFIX = 'HANGUL SYLLABLE ';
const CJK_PREFIX = 'CJK UNIFIED IDEOGRAPH-';

let table: ReadonlyMap<string, number> | null | undefined;

function nameTable(): ReadonlyMap<string, number> | null {
  if (table === undefined) {
    try {
      // Resolved at run time: in the bundles to dist/unicodeNameTable.js (esbuild.mjs keeps it out of them),
      // from the sources to unicodeNameTable.ts.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('./unicodeNameTable') as typeof import('./unicodeNameTable');
      table = module.unicodeNameTable();
    } catch {
      table = null;
    }
  }
  return table;
}

/** The code point named `name`; null when CPython knows no such name; undefined when the table could not be loaded. */
export function lookupUnicodeName(name: string): number | null | undefined {
  if (name.startsWith(HANGUL_PREFIX)) return hangulSyllable(name, HANGUL_PREFIX.length);
  if (name.startsWith(CJK_PREFIX)) return unifiedIdeograph(name, CJK_PREFIX.length);
  const names = nameTable();
  if (names === null) return undefined;
  return names.get(asciiUpper(name)) ?? null;
}

/** Upper-cases ASCII letters only (CPython's Py_TOUPPER; JS's toUpperCase would turn 'ß' into 'SS'). */
function asciiUpper(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      let out = s.slice(0, i);
      for (let j = i; j < s.length; j++) {
        const d = s.charCodeAt(j);
        out += d >= 97 && d <= 122 ? String.fromCharCode(d - 32) : s[j];
      }
      return out;
    }
  }
  return s;
}

function hangulSyllable(name: string, from: number): number | null {
  // each column takes its longest matching short name, as CPython's find_syllable does
  let pos = from;
  const pick = (column: readonly string[]): number => {
    let best = -1;
    let bestLen = -1;
    for (let k = 0; k < column.length; k++) {
      const jamo = column[k]!;
      if (jamo.length > bestLen && name.startsWith(jamo, pos)) { best = k; bestLen = jamo.length; }
    }
    if (bestLen > 0) pos += bestLen;
    return best;
  };
  const l = pick(JAMO_L);
  const v = pick(JAMO_V);
  const t = pick(JAMO_T);
  if (l < 0 || v < 0 || t < 0 || pos !== name.length) return null;
  return 0xac00 + (l * JAMO_V.length + v) * JAMO_T.length + t;
}

function unifiedIdeograph(name: string, from: number): number | null {
  const digits = name.length - from;
  if (digits !== 4 && digits !== 5) return null;
  let v = 0;
  for (let i = from; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 48 && c <= 57) v = v * 16 + c - 48;
    else if (c >= 65 && c <= 70) v = v * 16 + c - 55;
    else return null;
  }
  for (const [lo, hi] of UNIFIED_IDEOGRAPHS) if (v >= lo && v <= hi) return v;
  return null;
}
