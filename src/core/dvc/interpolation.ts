import { dvcToStr, isPyDict, type PyDict, type PyValue } from './pyValue';

/**
 * DVC's `${...}` interpolation (dvc/parsing): `${a.b}`, `${a[0]}`, `${item.labels.0}`; `\${` is a
 * literal `${`. A string that is exactly one expression keeps the value's type (for foreach/matrix);
 * inside a longer string values are converted with DVC's `to_str`, and in `cmd` a dict becomes
 * `--key value` arguments and a list is joined with spaces.
 */
export const INTERPOLATION_RE = /(?<!\\)\$\{([^}]*)\}/g;

export interface InterpolationHit {
  /** The whole `${...}` text. */
  text: string;
  /** Index of the match in the (unescaped) source string. */
  index: number;
  inner: string;
  ok: boolean;
  error?: string;
}

/** Splits `a.b[0].c` / `a.b.0` into keys. */
export function parseExpression(inner: string): string[] | undefined {
  const expr = inner.trim();
  if (!expr) return undefined;
  const parts: string[] = [];
  const re = /([^.[\]]+)|\[\s*([^\]]*)\s*\]|\./g;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(expr))) {
    if (m.index !== last) return undefined;
    last = re.lastIndex;
    if (m[1] !== undefined) parts.push(m[1].trim());
    else if (m[2] !== undefined) parts.push(m[2].trim().replace(/^['"]|['"]$/g, ''));
  }
  return last === expr.length && parts.length ? parts : undefined;
}

export function resolveExpression(inner: string, ctx: PyDict): { ok: true; value: PyValue } | { ok: false; error: string } {
  const parts = parseExpression(inner);
  if (!parts) return { ok: false, error: `'${inner.trim()}' is not a valid expression` };
  let cur: PyValue | undefined = ctx;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (isPyDict(cur) && Object.prototype.hasOwnProperty.call(cur, p)) cur = cur[p];
    else if (Array.isArray(cur) && /^-?\d+$/.test(p)) cur = cur[Number(p) < 0 ? cur.length + Number(p) : Number(p)];
    else cur = undefined;
    if (cur === undefined) {
      const where = parts.slice(0, i + 1).join('.');
      return { ok: false, error: `'${where}' is not defined` };
    }
  }
  return { ok: true, value: cur! };
}

export interface InterpolateResult {
  value: PyValue;
  hits: InterpolationHit[];
}

export function interpolate(raw: string, ctx: PyDict, options: { inCmd?: boolean } = {}): InterpolateResult {
  const hits: InterpolationHit[] = [];
  const matches = [...raw.matchAll(INTERPOLATION_RE)];
  if (!matches.length) return { value: unescape(raw), hits };
  const whole = matches.length === 1 && matches[0]!.index === 0 && matches[0]![0].length === raw.length;
  let out = '';
  let last = 0;
  for (const m of matches) {
    const r = resolveExpression(m[1]!, ctx);
    hits.push({ text: m[0], index: m.index!, inner: m[1]!, ok: r.ok, ...(r.ok ? {} : { error: r.error }) });
    out += unescape(raw.slice(last, m.index));
    last = m.index! + m[0].length;
    if (!r.ok) {
      out += m[0];
      continue;
    }
    if (whole) return { value: r.value, hits };
    const v = r.value;
    if (Array.isArray(v) || isPyDict(v)) {
      if (!options.inCmd) {
        hits[hits.length - 1] = { ...hits[hits.length - 1]!, ok: false, error: `cannot interpolate data of type ${Array.isArray(v) ? 'list' : 'dict'} into a string` };
        out += m[0];
      } else out += cmdArgs(v);
    } else out += dvcToStr(v);
  }
  out += unescape(raw.slice(last));
  return { value: out, hits };
}

function unescape(s: string): string {
  return s.replace(/\\\$\{/g, '${');
}

function cmdArgs(v: PyValue): string {
  if (Array.isArray(v)) return v.map((x) => dvcToStr(x)).join(' ');
  if (isPyDict(v)) {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x === true) parts.push(`--${k}`);
      else if (x === false || x === null) continue;
      else parts.push(`--${k} ${Array.isArray(x) ? x.map((y) => dvcToStr(y)).join(' ') : dvcToStr(x)}`);
    }
    return parts.join(' ');
  }
  return dvcToStr(v);
}
