import { PyFloat, isPyDict, pyFloatRepr, type PyValue } from './pyValue';

/**
 * Python's `json.dumps(value, sort_keys=True)` byte for byte: separators ", " and ": ", ensure_ascii
 * (every char outside ' '..'~' becomes lowercase \uXXXX, astral chars as surrogate pairs, with the
 * short forms \n \r \t \b \f), keys sorted by code point. DVC hashes a directory as the md5 of this
 * text, so it has to match exactly. (A shared `src/core/lockfiles/pythonJson.ts` was announced but not
 * present when this was written; this one is kept small and local to the DVC engine.)
 */
export function pythonJsonDumps(value: PyValue, options: { sortKeys?: boolean } = {}): string {
  const sortKeys = options.sortKeys ?? false;
  const dump = (v: PyValue): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return pyJsonString(v);
    if (v instanceof PyFloat) return jsonFloat(v.value);
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : jsonFloat(v);
    if (Array.isArray(v)) return '[' + v.map(dump).join(', ') + ']';
    if (isPyDict(v)) {
      let keys = Object.keys(v);
      if (sortKeys) keys = keys.sort(compareCodePoints);
      return '{' + keys.map((k) => pyJsonString(k) + ': ' + dump(v[k]!)).join(', ') + '}';
    }
    throw new TypeError('unsupported value');
  };
  return dump(value);
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(x);
}

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i); // UTF-16 units: astral chars come out as the surrogate pair Python writes
    const short = SHORT_ESCAPES[c];
    if (short) out += short;
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** Python compares str by code point; JS `<` compares UTF-16 units, which differs for astral chars. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}
