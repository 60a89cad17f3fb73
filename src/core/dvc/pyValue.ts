/**
 * Values read from params files and `vars`, with the few Python behaviours DVC's results depend on:
 * Python equality (`1 == 1.0`, `True == 1`), `str()` of floats (`1.0`, `1e-05`) and DVC's `to_str`
 * (`true`/`false` for booleans). JavaScript numbers lose the difference between `1` and `1.0`, which
 * shows in an interpolated command (`--lr 1.0`), so integral floats are wrapped in `PyFloat`.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = null | boolean | number | string | PyFloat | PyValue[] | PyDict;
export interface PyDict {
  [key: string]: PyValue;
}

export function isPyDict(v: unknown): v is PyDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** Numeric view of a value for Python comparisons (bool is an int in Python). */
function numericOf(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Python `==` on parsed values: `0.20 == 0.2`, `1 == 1.0`, dicts by keys regardless of order. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numericOf(a);
  const nb = numericOf(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i]!));
  }
  if (!isPyDict(a) || !isPyDict(b)) return false;
  const da = a;
  const db = b;
  const ka = Object.keys(da);
  if (ka.length !== Object.keys(db).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(db, k) && pyEquals(da[k]!, db[k]!));
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp >= -5 && exp < 16) {
    // Python switches to exponent form when the decimal exponent is < -4 (i.e. 0.00001 -> 1e-05).
    if (exp < -4) return expForm();
    if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
    const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
    const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
    return sign + intPart + '.' + frac;
  }
  return expForm();
  function expForm(): string {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const e = Math.abs(exp);
    return sign + m + 'e' + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
  }
}

/** Python `str()` of a number as parsed from YAML/JSON/TOML (integers stay integers). */
export function pyNumberStr(v: number | PyFloat): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
}

/** DVC's `to_str` for interpolation: booleans lowercase, numbers as Python prints them. */
export function dvcToStr(v: PyValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'None';
  if (typeof v === 'number' || v instanceof PyFloat) return pyNumberStr(v);
  if (typeof v === 'string') return v;
  return displayValue(v);
}

/** A short, Python-like rendering for the tree view (`0.2`, `[1, 2]`, `{'a': 1}`). */
export function displayValue(v: PyValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || v instanceof PyFloat) return pyNumberStr(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return '[' + v.map(displayValue).join(', ') + ']';
  return '{' + Object.entries(v).map(([k, x]) => `${k}: ${displayValue(x)}`).join(', ') + '}';
}

/** Converts plain JS data (JSON.parse, smol-toml) into PyValues. */
export function fromPlain(v: unknown): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const out: PyDict = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromPlain(x);
    return out;
  }
  return String(v);
}

/**
 * DVC looks params up with dpath and "." as separator: `train.lr` is `config["train"]["lr"]`, and a
 * numeric segment indexes a list. Returns `undefined` when the path is absent.
 */
export function lookupDotted(root: PyValue, dotted: string): PyValue | undefined {
  if (isPyDict(root) && Object.prototype.hasOwnProperty.call(root, dotted)) return root[dotted];
  let cur: PyValue | undefined = root;
  for (const part of dotted.split('.')) {
    if (cur === undefined) return undefined;
    if (isPyDict(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
      cur = cur[part];
    } else if (Array.isArray(cur) && /^\d+$/.test(part)) {
      cur = cur[Number(part)];
    } else return undefined;
  }
  return cur;
}
