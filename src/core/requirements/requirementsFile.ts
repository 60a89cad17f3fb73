/**
 * A pip requirements-file reader that keeps file offsets, following pip's own order of work
 * (pip/_internal/req/req_file.py): join `\` continuations, strip comments, then split each logical
 * line into requirement arguments and options. pip's quirks are kept on purpose, because the point
 * is to see the file the way pip sees it:
 * - a comment-only line (`# via x`, even indented) ends a continuation instead of joining it;
 * - `#` starts a comment only at the line start or after whitespace (`git+https://x#egg=y` keeps it);
 * - the requirement is every token before the first one starting with `-`; the rest are options.
 *
 * `${VAR}` references are left as written: pip expands them from the environment at install time,
 * and a static checker has no business guessing that environment.
 *
 * The scan is linear: each physical line is visited once and per-line work depends only on that
 * line (a 50 MB hashed lock takes about a second).
 */

export type RequirementsLine =
  | {
      kind: 'requirement';
      /** The requirement as pip sees it: continuations joined, comment and options removed. */
      text: string;
      /**
       * Offsets of the requirement text in the file. When the requirement itself is split over a
       * `\` continuation (rare: `numpy \` / `  ==1.0`), only its first physical piece is covered and
       * `spansContinuation` is set, because a single file range cannot skip the `\` and newline.
       */
      start: number;
      end: number;
      /** `--hash` values (`sha256:…`) from this logical line, continuation lines included. */
      hashes: string[];
      /** Other per-requirement options (`--config-settings=…`, `--global-option=…`), as written. */
      options: string[];
      spansContinuation?: true;
    }
  | { kind: 'include'; path: string; start: number; end: number; constraint: boolean }
  | { kind: 'editable' | 'option' | 'url' | 'path'; text: string; start: number; end: number };

export interface RequirementsFileError {
  message: string;
  start: number;
  end: number;
}

export interface RequirementsFile {
  lines: RequirementsLine[];
  errors: RequirementsFileError[];
}

/** One physical piece of a logical line: its text and where that text starts in the file. */
interface Piece {
  logicalStart: number;
  fileStart: number;
  length: number;
}

interface Token {
  text: string;
  /** Offsets in the logical line. */
  start: number;
  end: number;
}

/** Options pip accepts on their own line that take a value (`-i URL`, `--index-url=URL`). */
const VALUE_OPTIONS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--no-binary',
  '--only-binary',
  '--trusted-host',
  '--use-feature',
  '--config-settings',
  '--global-option',
  '--hash',
]);
/** Options pip accepts on their own line without a value. */
const FLAG_OPTIONS = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes']);
/** Options pip accepts after a requirement on the same logical line. */
const PER_REQUIREMENT_OPTIONS = new Set(['--hash', '--config-settings', '--global-option']);

const SHORT_VALUE_OPTIONS = new Set(['-r', '-c', '-e', '-i', '-f']);
const LONG_NAMES: Record<string, string> = {
  '-r': '--requirement',
  '-c': '--constraint',
  '-e': '--editable',
  '-i': '--index-url',
  '-f': '--find-links',
};

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 12 || code === 11;
}

export function parseRequirementsFile(text: string): RequirementsFile {
  const lines: RequirementsLine[] = [];
  const errors: RequirementsFileError[] = [];

  let logical = '';
  let pieces: Piece[] = [];
  const flush = () => {
    if (pieces.length) parseLogicalLine(logical, pieces, lines, errors);
    logical = '';
    pieces = [];
  };

  let pos = 0;
  const length = text.length;
  // Line ends: \n, \r\n and a bare \r, like Python's splitlines. indexOf is much faster than a
  // character loop; the next \r is remembered so that files without any stay a single search.
  let nextCR = text.indexOf('\r');
  while (pos <= length) {
    if (nextCR !== -1 && nextCR < pos) nextCR = text.indexOf('\r', pos);
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = length;
    if (nextCR !== -1 && nextCR < lineEnd) lineEnd = nextCR;
    let next = lineEnd;
    if (next < length) next += text.charCodeAt(next) === 13 && text.charCodeAt(next + 1) === 10 ? 2 : 1;
    else next = length + 1;

    const physical = text.slice(pos, lineEnd);
    const commentOnly = isCommentOnly(physical);
    if (physical.endsWith('\\') && !commentOnly) {
      // Continuation: drop the trailing backslashes and glue the next line on, as pip does.
      let cut = physical.length;
      while (cut > 0 && physical.charCodeAt(cut - 1) === 92) cut--;
      pieces.push({ logicalStart: logical.length, fileStart: pos, length: cut });
      logical += physical.slice(0, cut);
    } else {
      if (pieces.length && !commentOnly) {
        pieces.push({ logicalStart: logical.length, fileStart: pos, length: physical.length });
        logical += physical;
        flush();
      } else {
        // A comment-only line ends a pending continuation without joining it (pip's join_lines).
        flush();
        if (!commentOnly) {
          logical = physical;
          pieces = [{ logicalStart: 0, fileStart: pos, length: physical.length }];
          flush();
        }
      }
    }
    pos = next;
  }
  flush();
  return { lines, errors };
}

function isCommentOnly(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (isSpace(c)) continue;
    return c === 35; // '#'
  }
  return false;
}

/** Index where a comment starts (`#` at the start or after whitespace), or the length. */
function commentStart(line: string): number {
  let i = line.indexOf('#');
  while (i !== -1) {
    if (i === 0 || isSpace(line.charCodeAt(i - 1))) return i;
    i = line.indexOf('#', i + 1);
  }
  return line.length;
}

function tokenize(line: string, end: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < end) {
    while (i < end && isSpace(line.charCodeAt(i))) i++;
    if (i >= end) break;
    const start = i;
    while (i < end && !isSpace(line.charCodeAt(i))) i++;
    tokens.push({ text: line.slice(start, i), start, end: i });
  }
  return tokens;
}

function pieceAt(pieces: Piece[], logicalOffset: number): number {
  // Pieces are few per line (one per continuation), so a backwards scan is cheapest.
  for (let k = pieces.length - 1; k > 0; k--) if (pieces[k]!.logicalStart <= logicalOffset) return k;
  return 0;
}

function toFile(pieces: Piece[], logicalOffset: number): number {
  const piece = pieces[pieceAt(pieces, logicalOffset)]!;
  return piece.fileStart + Math.min(logicalOffset - piece.logicalStart, piece.length);
}

/**
 * File span of logical [start, end). When the range crosses a continuation, the span is clipped to
 * the first piece (trailing whitespace trimmed), and `split` says so.
 */
function fileSpan(logical: string, pieces: Piece[], start: number, end: number): { start: number; end: number; split: boolean } {
  const first = pieceAt(pieces, start);
  const last = pieceAt(pieces, Math.max(start, end - 1));
  if (first === last) return { start: toFile(pieces, start), end: toFile(pieces, end), split: false };
  const piece = pieces[first]!;
  let clipped = piece.logicalStart + piece.length;
  while (clipped > start && isSpace(logical.charCodeAt(clipped - 1))) clipped--;
  return { start: toFile(pieces, start), end: toFile(pieces, clipped), split: true };
}

function parseLogicalLine(logical: string, pieces: Piece[], out: RequirementsLine[], errors: RequirementsFileError[]): void {
  const tokens = tokenize(logical, commentStart(logical));
  if (!tokens.length) return;
  const span = (start: number, end: number) => fileSpan(logical, pieces, start, end);
  const error = (message: string, start: number, end: number) => {
    const s = span(start, end);
    errors.push({ message, start: s.start, end: s.end });
  };

  if (tokens[0]!.text.startsWith('-')) {
    parseOptionLine(logical, tokens, out, span, error);
    return;
  }

  // pip's break_args_options: the requirement is every token before the first option.
  let argEnd = 0;
  while (argEnd < tokens.length && !tokens[argEnd]!.text.startsWith('-')) argEnd++;
  const reqStart = tokens[0]!.start;
  const reqEnd = tokens[argEnd - 1]!.end;
  const requirementText = logical.slice(reqStart, reqEnd);
  const reqSpan = span(reqStart, reqEnd);

  const hashes: string[] = [];
  const options: string[] = [];
  for (let k = argEnd; k < tokens.length; k++) {
    const token = tokens[k]!;
    const eq = token.text.indexOf('=');
    const name = eq === -1 ? token.text : token.text.slice(0, eq);
    let value: string | undefined = eq === -1 ? undefined : token.text.slice(eq + 1);
    let valueEnd = token.end;
    if (!PER_REQUIREMENT_OPTIONS.has(name)) {
      error(`'${name}' is not an option pip accepts after a requirement`, token.start, token.end);
      continue;
    }
    if (value === undefined) {
      const next = tokens[k + 1];
      if (next && !next.text.startsWith('-')) {
        value = next.text;
        valueEnd = next.end;
        k++;
      }
    }
    if (!value) {
      error(`'${name}' needs a value`, token.start, token.end);
      continue;
    }
    if (name === '--hash') {
      if (!/^[A-Za-z0-9]+:[0-9A-Fa-f]+$/.test(value)) error(`'${value}' is not a hash of the form algorithm:hexdigest`, token.start, valueEnd);
      hashes.push(value);
    } else {
      options.push(logical.slice(token.start, valueEnd));
    }
  }

  const kind = classifyArgument(requirementText);
  if (kind === 'requirement') {
    const line: RequirementsLine = { kind, text: requirementText, start: reqSpan.start, end: reqSpan.end, hashes, options };
    if (reqSpan.split) line.spansContinuation = true;
    out.push(line);
  } else {
    out.push({ kind, text: requirementText, start: reqSpan.start, end: reqSpan.end });
  }
}

/**
 * pip treats an argument that is a URL or a path to an archive/directory as a direct install, and
 * anything else as a PEP 508 requirement (`name @ url` is PEP 508 and stays a requirement).
 */
function classifyArgument(arg: string): 'requirement' | 'url' | 'path' {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(arg) || /^(git|hg|svn|bzr)\+/.test(arg) || arg.startsWith('file:')) return 'url';
  // Only the part before a direct reference or marker can make it a path (`x @ https://…/y` is not).
  const head = arg.split(/[;@]/)[0]!.trim();
  if (head === '.' || head === '..' || /[/\\]/.test(head) || /^~/.test(head) || ARCHIVE.test(head)) return 'path';
  return 'requirement';
}

const ARCHIVE = /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i;

function parseOptionLine(
  logical: string,
  tokens: Token[],
  out: RequirementsLine[],
  span: (start: number, end: number) => { start: number; end: number; split: boolean },
  error: (message: string, start: number, end: number) => void,
): void {
  const first = tokens[0]!;
  let name: string;
  let value: string | undefined;
  let valueStart = first.end;
  let valueEnd = first.end;
  let consumed = 1;

  if (first.text.startsWith('--')) {
    const eq = first.text.indexOf('=');
    name = eq === -1 ? first.text : first.text.slice(0, eq);
    if (eq !== -1) {
      value = first.text.slice(eq + 1);
      valueStart = first.start + eq + 1;
    }
  } else {
    // Short options: `-r file`, `-rfile` and `-r=file` are all accepted by optparse-style parsing.
    name = first.text.slice(0, 2);
    const rest = first.text.slice(2);
    if (rest) {
      const skip = rest.startsWith('=') ? 1 : 0;
      value = rest.slice(skip);
      valueStart = first.start + 2 + skip;
    }
    name = LONG_NAMES[name] ?? name;
    if (!SHORT_VALUE_OPTIONS.has(first.text.slice(0, 2))) {
      error(`unknown option '${first.text.slice(0, 2)}'`, first.start, first.end);
      return;
    }
  }

  const takesValue = name === '--requirement' || name === '--constraint' || name === '--editable' || VALUE_OPTIONS.has(name);
  if (!takesValue && !FLAG_OPTIONS.has(name)) {
    error(`unknown option '${name}'`, first.start, first.end);
    return;
  }
  if (takesValue && value === undefined) {
    const next = tokens[1];
    if (next) {
      valueStart = next.start;
      consumed = 2;
      // An editable may be written with spaces inside its URL fragment; take the rest of the line.
      value = name === '--editable' ? logical.slice(next.start, tokens[tokens.length - 1]!.end) : next.text;
      if (name === '--editable') consumed = tokens.length;
    }
  }
  if (value !== undefined) valueEnd = valueStart + value.length;
  if (takesValue && !value) {
    error(`'${name}' needs a value`, first.start, first.end);
    return;
  }
  if (consumed < tokens.length) {
    const extra = tokens[consumed]!;
    error(`unexpected '${extra.text}' after '${name}'`, extra.start, tokens[tokens.length - 1]!.end);
  }

  if (name === '--requirement' || name === '--constraint') {
    const s = span(valueStart, valueEnd);
    out.push({ kind: 'include', path: value!, start: s.start, end: s.end, constraint: name === '--constraint' });
  } else if (name === '--editable') {
    const s = span(valueStart, valueEnd);
    out.push({ kind: 'editable', text: value!, start: s.start, end: s.end });
  } else {
    const lastEnd = value !== undefined ? Math.max(valueEnd, first.end) : first.end;
    const s = span(first.start, lastEnd);
    out.push({ kind: 'option', text: logical.slice(first.start, lastEnd), start: s.start, end: s.end });
  }
}
