import picomatch from 'picomatch';
import spdxCorrect from 'spdx-correct';
import parseSpdx from 'spdx-expression-parse';
import spdxExceptions from 'spdx-exceptions/index.json';
import spdxDeprecated from 'spdx-license-ids/deprecated.json';
import spdxLicenses from 'spdx-license-ids/index.json';
import type { FileSystem } from '../fs/fileSystem';
import { joinPath } from '../fs/paths';

/**
 * PEP 639 (license expressions and license files), checked against the SPDX lists the
 * spdx-license-ids / spdx-exceptions packages keep in step with spdx.org. Offsets are in the
 * decoded string value, so the caller maps them into the TOML source.
 */

export interface ValueProblem {
  start: number;
  end: number;
  message: string;
}

// SPDX matches identifiers case-insensitively (spec annex D) and PEP 639 asks tools to normalise the
// case, so `mit` is valid and means `MIT`; spdx-expression-parse itself only knows the canonical case.
const CANONICAL_LICENSE = new Map<string, string>();
for (const id of [...spdxLicenses, ...spdxDeprecated]) CANONICAL_LICENSE.set(id.toLowerCase(), id);
const CANONICAL_EXCEPTION = new Map<string, string>(spdxExceptions.map((id) => [id.toLowerCase(), id]));
const DEPRECATED = new Set(spdxDeprecated);

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokenize(expr: string): { tokens: Token[]; badChar?: Token } {
  const tokens: Token[] = [];
  const re = /\s+|[()]|[A-Za-z0-9.+:-]+|./gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr))) {
    const text = m[0];
    if (/^\s+$/.test(text)) continue;
    const token = { text, start: m.index, end: m.index + text.length };
    if (!/^[()]$|^[A-Za-z0-9.+:-]+$/.test(text)) return { tokens, badChar: token };
    tokens.push(token);
  }
  return { tokens };
}

const OPERATORS = new Set(['and', 'or', 'with']);

function isLicenseRef(id: string): boolean {
  return /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(id);
}

function suggestionFor(text: string): string | undefined {
  // spdx-correct tries many rewrites of its input; a long paste of license text is no identifier anyway.
  if (text.length > 200) return undefined;
  try {
    return spdxCorrect(text) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Problems of a `license = "..."` string: not an SPDX expression (unknown identifiers, bad structure). */
export function checkLicenseExpression(expr: string): ValueProblem[] {
  if (!expr.trim()) return [{ start: 0, end: expr.length, message: '`license` is empty: give an SPDX license expression such as "MIT" or "Apache-2.0 OR MIT".' }];
  const whole = suggestionFor(expr);
  const didYouMean = (fallback?: string) => {
    const s = whole ?? fallback;
    return s ? ` Did you mean \`${s}\`?` : ' Use an identifier from https://spdx.org/licenses/ or `LicenseRef-<name>` for a custom license.';
  };
  const { tokens, badChar } = tokenize(expr);
  if (badChar) return [{ start: badChar.start, end: badChar.end, message: `\`${shown(expr)}\` is not a valid SPDX license expression: \`${badChar.text}\` cannot appear in one (combine licenses with AND, OR and WITH).${didYouMean()}` }];

  // Canonical-case copy of the expression for the structural parse; every token keeps its length.
  let canonical = expr;
  const unknown: Token[] = [];
  tokens.forEach((t, i) => {
    if (t.text === '(' || t.text === ')' || OPERATORS.has(t.text.toLowerCase())) {
      canonical = canonical.slice(0, t.start) + t.text.toUpperCase() + canonical.slice(t.end);
      return;
    }
    const afterWith = tokens[i - 1]?.text.toLowerCase() === 'with';
    const id = !afterWith && t.text.endsWith('+') ? t.text.slice(0, -1) : t.text;
    if (isLicenseRef(id)) return;
    const known = afterWith ? CANONICAL_EXCEPTION.get(id.toLowerCase()) : CANONICAL_LICENSE.get(id.toLowerCase());
    if (!known) unknown.push(t);
    else canonical = canonical.slice(0, t.start) + known + canonical.slice(t.start + known.length);
  });
  if (unknown.length) {
    const first = unknown[0]!;
    const last = unknown[unknown.length - 1]!;
    const names = unknown.map((t) => `\`${t.text}\``).join(', ');
    const what = unknown.length === 1 ? `${names} is not an SPDX license identifier` : `${names} are not SPDX license identifiers`;
    return [{ start: first.start, end: last.end, message: `\`${shown(expr)}\` is not a valid SPDX license expression: ${what}.${didYouMean(unknown.length === 1 ? suggestionFor(first.text) : undefined)}` }];
  }
  try {
    // SPDX allows any whitespace between tokens; spdx-expression-parse only skips spaces.
    parseSpdx(canonical.replace(/\s/g, ' '));
  } catch {
    const bad = structuralProblem(tokens);
    const range = bad ? { start: bad.token.start, end: bad.token.end } : { start: 0, end: expr.length };
    return [{ ...range, message: `\`${shown(expr)}\` is not a valid SPDX license expression: ${bad?.message ?? 'join licenses with AND or OR and an exception with WITH, and balance the parentheses'}.` }];
  }
  return [];
}

/** The expression as quoted in a message: a pasted license text is cut short. */
function shown(expr: string): string {
  const flat = expr.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/** Where the grammar `license (WITH exception)? ((AND|OR) ...)*` with parentheses breaks, for an exact range. */
function structuralProblem(tokens: Token[]): { token: Token; message: string } | undefined {
  const op = (t: Token | undefined) => (t ? t.text.toUpperCase() : '');
  const open: Token[] = [];
  let expectOperand = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const kind = op(t);
    if (expectOperand) {
      if (t.text === '(') open.push(t);
      else if (kind === 'AND' || kind === 'OR' || kind === 'WITH' || t.text === ')') return { token: t, message: `\`${t.text}\` where a license identifier should be` };
      else expectOperand = false;
      continue;
    }
    if (kind === 'AND' || kind === 'OR') expectOperand = true;
    else if (kind === 'WITH') {
      const next = tokens[i + 1];
      if (!next || next.text === '(' || next.text === ')' || ['AND', 'OR', 'WITH'].includes(op(next))) return { token: t, message: '`WITH` needs an exception identifier after it (e.g. `Classpath-exception-2.0`)' };
      i++;
    } else if (t.text === ')') {
      if (!open.pop()) return { token: t, message: 'this `)` closes no `(`' };
    } else return { token: t, message: `\`${t.text}\` follows a license without AND or OR between them` };
  }
  if (open.length) return { token: open[open.length - 1]!, message: 'this `(` is never closed' };
  const last = tokens[tokens.length - 1];
  if (expectOperand && last) return { token: last, message: `it ends with \`${last.text}\`: a license identifier must follow` };
  return undefined;
}

export interface DeprecatedLicenseId extends ValueProblem {
  id: string;
  /** The identifier that means exactly what the deprecated one meant, when SPDX defines one (the GNU family). */
  replacement?: string;
}

const KNOWN_IDS = new Set(spdxLicenses);

/**
 * Deprecated SPDX identifiers in an expression. For the GNU licenses SPDX 3.0 split `GPL-3.0`
 * into `GPL-3.0-only` (its meaning) and `GPL-3.0-or-later` (what `GPL-3.0+` meant), so the
 * replacement is exact; for the others there is none to write for the user.
 */
export function deprecatedLicenseIds(expr: string): DeprecatedLicenseId[] {
  const out: DeprecatedLicenseId[] = [];
  const { tokens } = tokenize(expr);
  tokens.forEach((t, i) => {
    if (tokens[i - 1]?.text.toLowerCase() === 'with') return;
    const plus = t.text.endsWith('+');
    const canonical = CANONICAL_LICENSE.get((plus ? t.text.slice(0, -1) : t.text).toLowerCase());
    if (!canonical || !DEPRECATED.has(canonical)) return;
    const exact = `${canonical}${plus ? '-or-later' : '-only'}`;
    const replacement = KNOWN_IDS.has(exact) ? exact : undefined;
    const advice = replacement
      ? `write \`${replacement}\`${plus ? '' : ` (what \`${canonical}\` meant), or \`${canonical}-or-later\` if later versions are allowed`}`
      : 'https://spdx.org/licenses/ lists it among the deprecated identifiers with what to write instead';
    out.push({ start: t.start, end: t.end, id: t.text, ...(replacement ? { replacement } : {}), message: `\`${t.text}\` is a deprecated SPDX license identifier: ${advice}.` });
  });
  return out;
}

/** A `license-files` glob that PEP 639 forbids: absolute, `..`, backslashes or characters outside its glob syntax. */
export function checkLicenseFileGlob(pattern: string): ValueProblem | undefined {
  if (!pattern) return { start: 0, end: 0, message: 'An empty `license-files` pattern matches nothing: remove it or name the license file.' };
  if (pattern.startsWith('/') || /^[A-Za-z]:/.test(pattern)) return { start: 0, end: Math.max(1, pattern.indexOf('/', 1) === -1 ? pattern.length : pattern.indexOf('/', 1)), message: `\`${pattern}\` is absolute: PEP 639 patterns are relative to the folder of pyproject.toml (e.g. "LICENSE").` };
  const dots = /(^|\/)\.\.(\/|$)/.exec(pattern);
  if (dots) {
    const start = dots.index + dots[1]!.length;
    return { start, end: start + 2, message: `\`${pattern}\` leaves the project folder with \`..\`, which PEP 639 forbids: copy the license file into the project.` };
  }
  const bad = /[^A-Za-z0-9_.\-*?/[\]]/.exec(pattern);
  if (bad) {
    const what = bad[0] === '\\' ? 'a backslash (use `/` between folders)' : `\`${bad[0]}\``;
    return { start: bad.index, end: bad.index + 1, message: `\`${pattern}\` contains ${what}, which PEP 639 glob patterns do not allow (letters, digits, \`_\`, \`-\`, \`.\`, \`/\`, \`*\`, \`?\`, \`**\` and \`[...]\`).` };
  }
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '[') depth++;
    else if (pattern[i] === ']') depth--;
    if (depth < 0 || depth > 1) return { start: i, end: i + 1, message: `\`${pattern}\` has an unbalanced \`${pattern[i]}\`.` };
  }
  if (depth !== 0) {
    const at = pattern.lastIndexOf('[');
    return { start: at, end: at + 1, message: `\`${pattern}\` has an unbalanced \`[\`.` };
  }
  return undefined;
}

// Folders a license file never lives in; `**` does not descend into them (they can be huge).
const NOT_SEARCHED = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '.tox', '.nox', '__pycache__', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages']);

/**
 * Whether a (valid) `license-files` pattern matches at least one file below `root`, as build
 * back-ends must check. Stops at the first match; undefined when the walk would exceed its budget
 * of folders, so a huge tree never yields a false "matches nothing".
 */
export async function licenseGlobMatchesFile(fs: FileSystem, root: string, pattern: string, maxFolders = 2000): Promise<boolean | undefined> {
  const segments = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const isGlob = (s: string) => /[*?[]/.test(s);
  const fixed: string[] = [];
  while (segments.length && !isGlob(segments[0]!)) fixed.push(segments.shift()!);
  if (!segments.length) {
    const st = await fs.stat(joinPath(root, ...fixed)).catch(() => undefined);
    return st?.kind === 'file';
  }
  const matcher = picomatch(pattern.replace(/^\.\//, ''), { dot: true });
  const recursive = segments.includes('**');
  const maxDepth = recursive ? Infinity : segments.length;
  let folders = 0;
  const stack: Array<{ dir: string; rel: string; depth: number }> = [{ dir: joinPath(root, ...fixed), rel: fixed.join('/'), depth: 1 }];
  while (stack.length) {
    const { dir, rel, depth } = stack.pop()!;
    if (++folders > maxFolders) return undefined;
    let entries;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.kind === 'file' || e.kind === 'symlink') {
        if (depth === maxDepth || recursive) {
          if (matcher(childRel)) {
            if (e.kind === 'file') return true;
            const st = await fs.stat(joinPath(dir, e.name)).catch(() => undefined);
            if (st?.kind === 'file') return true;
          }
        }
      } else if (e.kind === 'directory' && depth < maxDepth && !NOT_SEARCHED.has(e.name)) {
        stack.push({ dir: joinPath(dir, e.name), rel: childRel, depth: depth + 1 });
      }
    }
  }
  return false;
}
