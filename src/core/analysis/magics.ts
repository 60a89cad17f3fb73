/**
 * IPython syntax inside a code cell: `%line` magics, `%%cell` magics, `!shell`, `x = !ls`, `x = %magic`,
 * and `?`/`??` help. They are not Python, so before parsing we mask each one with text of the same width
 * (a comment, or `0` where a statement is required), so every offset in the masked source is an offset in
 * the original cell.
 *
 * Like IPython's own input transformers, a magic is only recognised at the start of a logical line:
 * `% 2` on a continuation line inside brackets, or `%` inside a triple-quoted string, is Python.
 * A small lexical scan (strings, comments, brackets, backslash continuations) tracks that; it never
 * interprets Python structure beyond that.
 *
 * Per-magic decisions (why):
 * - `%time stmt`: IPython executes `stmt` in the user namespace, so its reads and bindings are real. We
 *   replace the `%time [options] ` prefix with `if 1:` padded to the same width, so `stmt` keeps its
 *   true offsets and the line keeps its indentation (blanking the prefix to spaces would indent `stmt`
 *   and attach it to the block above). The analysis treats these wrappers as unconditional.
 * - `%timeit stmt`: the statement runs inside a timing function, so its reads are real but its bindings
 *   are local to that function. Same masking; the wrapper is marked `isolated`.
 * - `%%time`, `%%prun`: the body is executed in the user namespace; only the first line is masked.
 * - `%%timeit`: body runs inside the timing function: reads count, bindings do not (`discardWrites`).
 * - `%%capture [out]`: body is ordinary Python; `out` (if given) is bound to the captured output.
 * - every other `%%` magic (`%%bash`, `%%writefile`, `%%html`, `%%sql`, unknown ones...) makes the cell
 *   opaque: its body is not Python, or not executed as Python in this namespace.
 * - `x = !ls` / `x = %sx ls` bind `x`: the right-hand side is replaced by `0` padded with a comment.
 */

export type MagicKind = 'line' | 'cell' | 'shell' | 'help';

export interface MagicSpan {
  kind: MagicKind;
  start: number;
  end: number;
  text: string;
}

export interface MaskedCell {
  /** Same length as the source; magic text replaced, everything else identical. */
  masked: string;
  magics: MagicSpan[];
  /** The cell starts with a cell magic whose body is not Python run in the notebook namespace. */
  opaque: boolean;
  /** `%%timeit`: the body runs in a throwaway namespace, so it binds nothing in the notebook. */
  discardWrites: boolean;
  /**
   * `if 1:` wrappers standing in for `%time`/`%timeit` prefixes, by offset of the `if`. `isolated`
   * (`%timeit`): the wrapped statement binds nothing in the notebook.
   */
  statementWrappers: Map<number, { isolated: boolean }>;
  /** Names bound by the magics themselves, e.g. `out` in `%%capture out`. */
  magicWrites: Array<{ name: string; start: number; end: number }>;
}

const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'prun', 'capture', 'timeit']);
/** Line magics whose argument is a Python statement; option letters that take a value follow each. */
const PYTHON_STATEMENT_LINE_MAGICS: Record<string, { isolated: boolean; valueOptions: string }> = {
  time: { isolated: false, valueOptions: '' },
  timeit: { isolated: true, valueOptions: 'nrp' },
};

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f';
const IDENTIFIER_CHAR = /[\p{ID_Continue}]/u;
/** ASCII answered without the Unicode regex: this runs on nearly every character of every cell. */
const isIdentifierChar = (c: string): boolean => {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
  return IDENTIFIER_CHAR.test(c);
};

interface Line {
  start: number;
  /** End of the line's text, before `\r`/`\n`. */
  end: number;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push({ start, end: i });
      if (c === 13 && source.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push({ start, end: source.length });
  return lines;
}

/** Lexical state carried from one physical line to the next. */
interface LexState {
  /** Open triple-quoted string delimiter, or null. */
  tripleQuote: string | null;
  bracketDepth: number;
  /** The previous physical line ended with a backslash continuation. */
  continued: boolean;
}

const BACKSLASH = 92;

/**
 * The first `needle` at or after `from` and before `end` that a left-to-right scan starting at `from`
 * and stepping over each backslash-escaped character would stop at, or -1. Such a scan lands on a
 * position exactly when the backslashes right before it (from `from` on) are even in number, so native
 * `indexOf` finds the candidates and only the backslashes before each are looked at.
 */
function findUnescaped(source: string, needle: string, from: number, end: number): number {
  for (let p = source.indexOf(needle, from); p !== -1 && p < end; p = source.indexOf(needle, p + 1)) {
    let run = p;
    while (run > from && source.charCodeAt(run - 1) === BACKSLASH) run--;
    if ((p - run) % 2 === 0) return p;
  }
  return -1;
}

/**
 * Scans one physical line of Python and updates the state. Returns the index of the last significant
 * character outside strings and comments (or -1), used to find `obj?` help lines.
 */
function scanLine(source: string, line: Line, state: LexState): number {
  let lastSignificant = -1;
  let i = line.start;
  const end = line.end;
  state.continued = false;
  while (i < end) {
    if (state.tripleQuote) {
      const close = findUnescaped(source, state.tripleQuote, i, end);
      if (close < 0) return lastSignificant; // the string continues on the next line
      i = close + 3;
      state.tripleQuote = null;
      lastSignificant = i - 1;
      continue;
    }
    const c = source.charCodeAt(i);
    if (c === 35) break; // #
    if (c === 34 || c === 39) {
      const quote = c === 34 ? '"' : "'";
      if (source.charCodeAt(i + 1) === c && source.charCodeAt(i + 2) === c) {
        state.tripleQuote = quote.repeat(3);
        i += 3;
        continue;
      }
      // Single-quoted string: ends at the matching quote on this line (or at a line continuation).
      let j = findUnescaped(source, quote, i + 1, end);
      if (j < 0) {
        j = end;
        if (source.charCodeAt(end - 1) === BACKSLASH) state.continued = true;
      }
      i = j + 1;
      lastSignificant = Math.min(j, end - 1);
      continue;
    }
    if (c === 40 || c === 91 || c === 123) state.bracketDepth++; // ( [ {
    else if (c === 41 || c === 93 || c === 125) state.bracketDepth = Math.max(0, state.bracketDepth - 1); // ) ] }
    if (c === BACKSLASH && i === end - 1) {
      state.continued = true;
      break;
    }
    if (c !== 32 && c !== 9 && c !== 12) lastSignificant = i; // not isSpace
    i++;
  }
  return lastSignificant;
}

/** `lhs = !cmd` or `lhs = %magic`: returns the index of the `!`/`%`, else -1. Mirrors IPython's MagicAssign. */
function assignedMagicStart(source: string, from: number, end: number): number {
  let i = from;
  let sawTarget = false;
  while (i < end) {
    const c = source[i]!;
    if (isIdentifierChar(c) || c === '.' || c === ',' || c === '*' || isSpace(c) || c === '(' || c === ')' || c === '[' || c === ']') {
      if (isIdentifierChar(c)) sawTarget = true;
      i++;
      continue;
    }
    break;
  }
  if (!sawTarget || source[i] !== '=' || source[i + 1] === '=') return -1;
  i++;
  while (isSpace(source[i])) i++;
  return i < end && (source[i] === '!' || source[i] === '%') ? i : -1;
}

class Masker {
  /**
   * Replacements in the order they were made. Masking edits a few lines of a cell; building the result
   * from slices costs far less than editing an array of every character of the cell.
   */
  private readonly edits: Array<{ start: number; end: number; text: string }> = [];
  constructor(private readonly source: string) {}
  /** Replace [start, end) with a comment, or with `0` + comment when a statement is needed there. */
  blank(start: number, end: number, needsStatement: boolean): void {
    if (end <= start) return;
    const head = needsStatement ? (end - start > 1 ? '0#' : '0') : '#';
    this.edits.push({ start, end, text: head + ' '.repeat(end - start - head.length) });
  }
  /** Replace [start, end) (at least 6 wide) with `if 1:` and spaces. */
  wrapper(start: number, end: number): void {
    const width = Math.max(end - start, 5);
    this.edits.push({ start, end: start + width, text: 'if 1:' + ' '.repeat(width - 5) });
  }
  toString(): string {
    if (!this.edits.length) return this.source;
    let out = '';
    let at = 0;
    for (const e of this.edits) {
      // Lines are masked in order, one replacement per line at most, so replacements never overlap.
      if (e.start < at) throw new Error('overlapping magic masks');
      out += this.source.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.source.slice(at);
  }
}

function firstNonSpace(source: string, line: Line): number {
  let i = line.start;
  while (i < line.end && isSpace(source[i])) i++;
  return i;
}

/** Splits `%name rest` into the magic name and the index where its arguments start. */
function magicName(source: string, at: number, end: number): { name: string; argsStart: number } {
  let i = at;
  while (i < end && source[i] === '%') i++;
  const nameStart = i;
  while (i < end && !isSpace(source[i])) i++;
  const name = source.slice(nameStart, i);
  while (i < end && isSpace(source[i])) i++;
  return { name, argsStart: i };
}

/** Skips `-n 10 -r3 -q` style options of `%timeit`; returns where the Python statement starts. */
function skipOptions(source: string, at: number, end: number, valueOptions: string): number {
  let i = at;
  while (i < end && source[i] === '-') {
    const letter = source[i + 1] ?? '';
    let j = i + 1;
    while (j < end && !isSpace(source[j])) j++;
    const fused = j - i > 2;
    while (j < end && isSpace(source[j])) j++;
    if (valueOptions.includes(letter) && !fused) {
      while (j < end && !isSpace(source[j])) j++;
      while (j < end && isSpace(source[j])) j++;
    }
    i = j;
  }
  return i;
}

/** Every magic form above starts with, or is recognised by, one of these characters. */
const MAGIC_CHARACTER = /[%!?]/;

export function maskMagics(source: string): MaskedCell {
  const result: MaskedCell = {
    masked: source,
    magics: [],
    opaque: false,
    discardWrites: false,
    statementWrappers: new Map(),
    magicWrites: [],
  };
  // Most cells hold no `%`, `!` or `?` at all, and then nothing can be masked: one native search
  // instead of the line-by-line lexical scan (nearly nine cells in ten of a typical workspace).
  if (!MAGIC_CHARACTER.test(source)) return result;
  const lines = splitLines(source);
  const masker = new Masker(source);
  const state: LexState = { tripleQuote: null, bracketDepth: 0, continued: false };
  let sawCode = false;
  let lineIndex = 0;

  /** Masks a magic that starts at `at` on lines[lineIndex] and runs to the end of its logical line. */
  const maskMagicLines = (kind: MagicKind, at: number, needsStatement: boolean, keepPython = -1): void => {
    let line = lines[lineIndex]!;
    const start = at;
    if (keepPython >= 0) masker.wrapper(at, keepPython);
    else masker.blank(at, line.end, needsStatement);
    // IPython joins a magic line ending in a backslash with the next line.
    while (source[line.end - 1] === '\\' && lineIndex + 1 < lines.length) {
      lineIndex++;
      line = lines[lineIndex]!;
      if (keepPython < 0) masker.blank(line.start, line.end, false);
    }
    result.magics.push({ kind, start, end: line.end, text: source.slice(start, line.end) });
  };

  for (; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    const atLogicalStart = state.tripleQuote === null && state.bracketDepth === 0 && !state.continued;
    const first = firstNonSpace(source, line);
    if (!atLogicalStart || first >= line.end || source[first] === '#') {
      if (first < line.end && source[first] !== '#') sawCode = true;
      scanLine(source, line, state);
      continue;
    }
    const c = source[first];
    const indented = first > line.start;
    if (c === '%' && source[first + 1] === '%' && !sawCode) {
      const { name, argsStart } = magicName(source, first, line.end);
      maskMagicLines('cell', first, false);
      sawCode = true;
      if (!PYTHON_BODY_CELL_MAGICS.has(name)) {
        result.opaque = true;
        break;
      }
      if (name === 'timeit') result.discardWrites = true;
      if (name === 'capture') {
        // `%%capture [--no-stdout] [--no-stderr] [--no-display] [output]`
        let i = skipOptions(source, argsStart, line.end, '');
        const nameStart = i;
        while (i < line.end && isIdentifierChar(source[i]!)) i++;
        if (i > nameStart) result.magicWrites.push({ name: source.slice(nameStart, i), start: nameStart, end: i });
      }
      continue;
    }
    sawCode = true;
    if (c === '%' || c === '!') {
      const kind: MagicKind = c === '!' ? 'shell' : 'line';
      if (c === '%') {
        const { name, argsStart } = magicName(source, first, line.end);
        const statementMagic = PYTHON_STATEMENT_LINE_MAGICS[name];
        if (statementMagic && !source.startsWith('%%', first)) {
          const pythonStart = skipOptions(source, argsStart, line.end, statementMagic.valueOptions);
          if (pythonStart < line.end && pythonStart - first >= 'if 1: '.length) {
            maskMagicLines(kind, first, indented, pythonStart);
            result.statementWrappers.set(first, { isolated: statementMagic.isolated });
            continue;
          }
        }
      }
      maskMagicLines(kind, first, indented);
      continue;
    }
    if (c === '?') {
      maskMagicLines('help', first, indented);
      continue;
    }
    const assigned = assignedMagicStart(source, first, line.end);
    if (assigned >= 0) {
      // Keep `lhs =` so the binding stays visible to the parser; replace the command with `0`.
      maskMagicLines(source[assigned] === '!' ? 'shell' : 'line', assigned, true);
      continue;
    }
    const lastSignificant = scanLine(source, line, state);
    const endsLogicalLine = state.tripleQuote === null && state.bracketDepth === 0 && !state.continued;
    if (lastSignificant >= 0 && source[lastSignificant] === '?' && endsLogicalLine) {
      // `obj?` / `obj.attr??`: IPython help. A `?` is never valid Python outside strings and comments.
      masker.blank(first, line.end, indented);
      result.magics.push({ kind: 'help', start: first, end: line.end, text: source.slice(first, line.end) });
    }
  }
  result.masked = masker.toString();
  return result;
}
