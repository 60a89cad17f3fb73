/** Posix path helpers for the core. The core never uses node:path so it behaves the same everywhere. */

// Already-normal paths (absolute, no backslash, no empty/`.`/`..` segment, no trailing slash) are
// the common case inside the engine; recognising them is much cheaper than splitting and joining.
const NEEDS_NORMALIZING = /\\|\/\/|\/\.\.?(\/|$)|.\/$/;

export function normalizePath(p: string): string {
  if (p.charCodeAt(0) === 47 && !NEEDS_NORMALIZING.test(p)) return p;
  let s = p.replace(/\\/g, '/');
  if (/^[A-Za-z]:\//.test(s)) s = '/' + s; // C:/x -> /C:/x keeps it absolute
  const parts: string[] = [];
  for (const part of s.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

export function joinPath(base: string, ...rest: string[]): string {
  return normalizePath([base, ...rest].join('/'));
}

export function dirname(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  return i <= 0 ? '/' : n.slice(0, i);
}

export function basename(p: string): string {
  const n = normalizePath(p);
  return n.slice(n.lastIndexOf('/') + 1);
}

/** Path of `target` relative to `from` (a directory), posix style, without leading "./". */
export function relativePath(from: string, target: string): string {
  const f = normalizePath(from);
  const t = normalizePath(target);
  // The usual case (a finding's file below the working directory) without splitting either path.
  if (t === f) return '.';
  if (f === '/') return t.slice(1);
  if (t.startsWith(f) && t.charCodeAt(f.length) === 47) return t.slice(f.length + 1);
  const a = f.split('/').filter(Boolean);
  const b = t.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const rel = [...up, ...b.slice(i)].join('/');
  return rel === '' ? '.' : rel;
}

export function isInside(parent: string, child: string): boolean {
  const p = normalizePath(parent);
  const c = normalizePath(child);
  return c === p || c.startsWith(p === '/' ? '/' : p + '/');
}
