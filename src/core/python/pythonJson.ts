/**
 * A byte-exact port of Python's `json.dumps(value, sort_keys=...)` with its defaults
 * (`ensure_ascii=True`, separators `", "` and `": "`, `allow_nan=True`). Poetry, PDM and DVC hash
 * these exact bytes, so any difference from Python (key order, escapes, float text) changes the hash.
 * The one port in the project: lockfile freshness and DVC directory hashes both use it.
 *
 * Numbers: JavaScript cannot tell TOML's `1` from `1.0` once parsed, so an integral `number` is
 * written as a Python int (what smol-toml's default parse of an integer gives) and a `bigint` always
 * is. Pass `{ numbersAreFloats: true }` when the value came from a parse that keeps integers as
 * `bigint` (smol-toml's `integersAsBigInt`): every `number` is then a Python float (`1.0`).
 */
export interface PythonJsonOptions {
  sortKeys?: boolean;
  numbersAreFloats?: boolean;
}

export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const parts: string[] = [];
  write(value, options, parts, new Set());
  return parts.join('');
}

/** Python compares `str` keys by code point; JavaScript's default sort compares UTF-16 code units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

const NAMED_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

/** `py_encode_basestring_ascii`: everything outside printable ASCII (0x20–0x7e) as lowercase `\uXXXX`, per UTF-16 unit. */
export function pythonJsonString(text: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += text.slice(runStart, i);
    out += NAMED_ESCAPES[c] ?? '\\u' + c.toString(16).padStart(4, '0');
    runStart = i + 1;
  }
  return out + text.slice(runStart) + '"';
}

/** Python's `float.__repr__`: shortest round-trip digits, scientific below 1e-4 and from 1e16 on. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, like Python's repr.
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1; // digits d1 d2 … with the point after `decimalPoint` of them
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${'0'.repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = decimalPoint - 1;
  return `${sign}${fraction}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function write(value: unknown, options: PythonJsonOptions, out: string[], seen: Set<object>): void {
  if (value === null) {
    out.push('null');
  } else if (value === true) {
    out.push('true');
  } else if (value === false) {
    out.push('false');
  } else if (typeof value === 'string') {
    out.push(pythonJsonString(value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (typeof value === 'number') {
    out.push(!options.numbersAreFloats && Number.isSafeInteger(value) ? String(value) : pythonFloatRepr(value));
  } else if (Array.isArray(value)) {
    if (seen.has(value)) throw new ValueError('Circular reference detected');
    seen.add(value);
    out.push('[');
    value.forEach((item, i) => {
      if (i) out.push(', ');
      write(item, options, out, seen);
    });
    out.push(']');
    seen.delete(value);
  } else if (typeof value === 'object' && !(value instanceof Date)) {
    if (seen.has(value)) throw new ValueError('Circular reference detected');
    seen.add(value);
    let keys = Object.keys(value);
    if (options.sortKeys) keys = keys.sort(compareCodePoints);
    out.push('{');
    keys.forEach((key, i) => {
      if (i) out.push(', ');
      out.push(pythonJsonString(key), ': ');
      write((value as Record<string, unknown>)[key], options, out, seen);
    });
    out.push('}');
    seen.delete(value);
  } else {
    // Python raises for types JSON cannot hold (datetime, functions); so do we, rather than guess.
    const kind = value instanceof Date ? 'datetime' : typeof value;
    throw new TypeError(`Object of type ${kind} is not JSON serializable`);
  }
}

class ValueError extends Error {}
