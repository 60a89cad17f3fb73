/**
 * Python 3.13 tokenizer, hand-written for speed (see parser.ts for why no library serves).
 *
 * It turns the whole source into parallel typed arrays (kind, sub-kind, start, end) in one linear
 * pass over char codes: no regexes and no substrings in the hot loop, no object per token. The
 * parser indexes those arrays, so lookahead and the few places that must backtrack cost nothing.
 *
 * It follows CPython's tokenizer (Parser/tokenizer.c, 3.13):
 * - indentation with tabs to multiples of 8 checked against tabs of width 1 (TabError when the two
 *   disagree), form feeds resetting the column, blank and comment-only lines ignored;
 * - explicit (backslash) and implicit (inside brackets) line joining; CRLF, CR and LF line ends;
 *   a leading BOM;
 * - PEP 701 f-strings as FSTRING_START / FSTRING_MIDDLE / FSTRING_END with ordinary tokens for
 *   the replacement fields in between, any nesting depth and quote reuse;
 * - at most 200 nested brackets ("too many nested parentheses") and 100 indentation levels.
 *
 * Errors are recorded with an exact range, an ERROR token marks the spot for the parser, and the
 * tokenizer carries on. When brackets are left open and a later line starts with a keyword that can
 * only begin a statement, at an indentation no deeper than the bracket's line, the bracket is reported
 * as never closed and tokenizing resumes at that line, so one missing `)` does not swallow a cell.
 */

export const enum Tok {
  EndMarker = 0,
  Name = 1,
  Number = 2,
  String = 3,
  Newline = 4,
  Indent = 5,
  Dedent = 6,
  Op = 7,
  FStringStart = 8,
  FStringMiddle = 9,
  FStringEnd = 10,
  Error = 11,
}

/** Operator sub-kinds (the `sub` array of an Op token). */
export const enum Op {
  LPar = 1, RPar, LSqb, RSqb, LBrace, RBrace, Colon, Comma, Semi, Plus, Minus, Star, Slash, VBar, Amper,
  Less, Greater, Equal, Dot, Percent, EqEqual, NotEqual, LessEqual, GreaterEqual, Tilde, Circumflex,
  LeftShift, RightShift, DoubleStar, PlusEqual, MinEqual, StarEqual, SlashEqual, PercentEqual,
  AmperEqual, VBarEqual, CircumflexEqual, LeftShiftEqual, RightShiftEqual, DoubleStarEqual,
  DoubleSlash, DoubleSlashEqual, At, AtEqual, RArrow, Ellipsis, ColonEqual, Exclamation,
}

/** Keyword sub-kinds (the `sub` array of a Name token; 0 for an identifier). */
export const enum Kw {
  None_ = 0, False = 1, NoneKw, True, And, As, Assert, Async, Await, Break, Class, Continue, Def, Del, Elif,
  Else, Except, Finally, For, From, Global, If, Import, In, Is, Lambda, Nonlocal, Not, Or, Pass, Raise,
  Return, Try, While, With, Yield,
}

const KEYWORDS: Record<string, number> = {
  False: Kw.False, None: Kw.NoneKw, True: Kw.True, and: Kw.And, as: Kw.As, assert: Kw.Assert,
  async: Kw.Async, await: Kw.Await, break: Kw.Break, class: Kw.Class, continue: Kw.Continue, def: Kw.Def,
  del: Kw.Del, elif: Kw.Elif, else: Kw.Else, except: Kw.Except, finally: Kw.Finally, for: Kw.For,
  from: Kw.From, global: Kw.Global, if: Kw.If, import: Kw.Import, in: Kw.In, is: Kw.Is, lambda: Kw.Lambda,
  nonlocal: Kw.Nonlocal, not: Kw.Not, or: Kw.Or, pass: Kw.Pass, raise: Kw.Raise, return: Kw.Return,
  try: Kw.Try, while: Kw.While, with: Kw.With, yield: Kw.Yield,
};
/** Keywords by first character code, to recognise one without slicing the source. */
const KEYWORDS_BY_FIRST: Array<Array<[string, number]> | undefined> = [];
for (const [k, v] of Object.entries(KEYWORDS)) (KEYWORDS_BY_FIRST[k.charCodeAt(0)] ??= []).push([k, v]);

function keywordAt(source: string, start: number, length: number): number {
  const list = KEYWORDS_BY_FIRST[source.charCodeAt(start)];
  if (list === undefined) return 0;
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]!;
    if (entry[0].length === length && source.startsWith(entry[0], start)) return entry[1];
  }
  return 0;
}
export const KEYWORD_NAMES: string[] = [];
for (const [k, v] of Object.entries(KEYWORDS)) KEYWORD_NAMES[v] = k;

/** Keywords that can only start a statement: seeing one at a line start inside brackets means a bracket was left open. */
const STATEMENT_ONLY = new Set(['def', 'class', 'import', 'return', 'pass', 'break', 'continue', 'raise', 'global',
  'nonlocal', 'del', 'try', 'while', 'with', 'assert', 'elif', 'except', 'finally']);

export interface TokenError {
  start: number;
  end: number;
  message: string;
}

export interface Tokens {
  count: number;
  kind: Uint8Array;
  sub: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  errors: TokenError[];
  /** Offsets where each line starts (for "on line N" in messages). */
  source: string;
}

const MAX_PARENS = 200;
const MAX_INDENT = 100;
/** CPython's MAXFSTRINGLEVEL: at most 149 f-strings inside one another. */
const MAX_FSTRING_NESTING = 150;

// ASCII classes: 1 identifier start, 2 identifier continue (digits), 4 whitespace
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) CLASS[c] = 3;
  else if (c >= 48 && c <= 57) CLASS[c] = 2;
}
const ID_START = /[\p{ID_Start}\u1885\u1886\u2118\u212E\u309B\u309C]/u;
const ID_CONTINUE = /[\p{ID_Continue}\u00B7\u0387\u1369-\u1371\u19DA\u200C\u200D\u30FB\uFF65]/u;

export function isIdentifierStartCode(cp: number): boolean {
  if (cp < 128) return (CLASS[cp]! & 1) !== 0;
  return ID_START.test(String.fromCodePoint(cp));
}
function isIdentifierContinueCode(cp: number): boolean {
  if (cp < 128) return CLASS[cp]! !== 0;
  return ID_CONTINUE.test(String.fromCodePoint(cp)) || ID_START.test(String.fromCodePoint(cp));
}

let lineStartsOf: { source: string; starts: number[] } | null = null;

/**
 * Line number (1-based) of an offset, for messages. The line starts of the last source asked about are
 * kept, so a source with an error on every line costs a binary search per error, not a rescan.
 */
export function lineOf(source: string, offset: number): number {
  if (lineStartsOf === null || lineStartsOf.source !== source) {
    const starts = [0];
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
    lineStartsOf = { source, starts };
  }
  const starts = lineStartsOf.starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const enum Mode {
  FString = 0, // literal part of an f-string
  Field = 1, // inside `{...}` of an f-string: ordinary tokens
  Spec = 2, // format spec after `:` in a field
}

export function tokenize(source: string): Tokens {
  // Unclosed brackets at the end: tokenize again, closing each such bracket at the first line that is
  // indented no deeper than the bracket's own line, so the statements after it are still read.
  const forced: number[] = [];
  for (;;) {
    const result = tokenizeOnce(source, forced);
    if (result.unclosed < 0 || forced.length >= 8 || forced.includes(result.unclosed)) return result;
    forced.push(result.unclosed);
  }
}

function tokenizeOnce(source: string, forced: readonly number[]): Tokens & { unclosed: number } {
  const n = source.length;
  let cap = Math.max(64, (n >> 2) + 16);
  let kind = new Uint8Array(cap);
  let sub = new Uint8Array(cap);
  let starts = new Int32Array(cap);
  let ends = new Int32Array(cap);
  let count = 0;
  const errors: TokenError[] = [];

  function grow(): void {
    cap *= 2;
    const k = new Uint8Array(cap); k.set(kind); kind = k;
    const s = new Uint8Array(cap); s.set(sub); sub = s;
    const a = new Int32Array(cap); a.set(starts); starts = a;
    const b = new Int32Array(cap); b.set(ends); ends = b;
  }
  function push(k: number, sb: number, s: number, e: number): void {
    if (count === cap) grow();
    kind[count] = k; sub[count] = sb; starts[count] = s; ends[count] = e; count++;
  }
  function error(s: number, e: number, message: string): void {
    errors.push({ start: s, end: e, message });
    push(Tok.Error, 0, s, e);
  }

  const indents: number[] = [0];
  const altIndents: number[] = [0];
  // bracket stack: char code and offset of each open bracket
  const parenChar: number[] = [];
  const parenPos: number[] = [];
  // indentation column of the line where the outermost open bracket is
  let parenLineIndent = 0;
  // f-string modes: kind, and per-entry data
  const modeKind: number[] = [];
  const modeQuote: number[] = []; // FString: quote char code; Field: paren depth after its `{`
  const modeTriple: boolean[] = [];
  const modeRaw: boolean[] = [];
  const modeStart: number[] = [];

  let pos = 0;
  if (n > 0 && source.charCodeAt(0) === 0xfeff) pos = 1;
  const nul = source.indexOf('\0');
  if (nul >= 0) errors.push({ start: nul, end: nul + 1, message: 'source code cannot contain null bytes' });
  let atLineStart = true;
  let lineHasTokens = false; // a NEWLINE is due at the end of this logical line
  let currentLineIndent = 0;

  const isLineEnd = (c: number): boolean => c === 10 || c === 13;

  main: while (true) {
    // --- f-string literal / format-spec scanning
    const depth = modeKind.length;
    if (depth > 0 && modeKind[depth - 1] !== Mode.Field) {
      const inSpec = modeKind[depth - 1] === Mode.Spec;
      // find the f-string this literal belongs to
      let fi = depth - 1;
      while (modeKind[fi] !== Mode.FString) fi--;
      const quote = modeQuote[fi]!;
      const triple = modeTriple[fi]!;
      const raw = modeRaw[fi]!;
      const litStart = pos;
      while (true) {
        if (pos >= n) {
          if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
          const fs = modeStart[fi]!;
          error(fs, n, triple ? `unterminated triple-quoted f-string literal (detected at line ${lineOf(source, n)})`
            : `unterminated f-string literal (detected at line ${lineOf(source, fs)})`);
          modeKind.length = fi; modeQuote.length = fi; modeTriple.length = fi; modeRaw.length = fi; modeStart.length = fi;
          parenChar.length = 0; parenPos.length = 0;
          continue main;
        }
        const c = source.charCodeAt(pos);
        if (c === quote && (!triple || (source.charCodeAt(pos + 1) === quote && source.charCodeAt(pos + 2) === quote))) {
          if (inSpec) {
            // the f-string ends inside a format spec: CPython reports the missing '}'
            if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
            error(pos, pos + 1, "f-string: expecting '}'");
            // unwind to the f-string
            modeKind.length = fi + 1; modeQuote.length = fi + 1; modeTriple.length = fi + 1; modeRaw.length = fi + 1; modeStart.length = fi + 1;
            continue main;
          }
          if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
          const e = pos + (triple ? 3 : 1);
          push(Tok.FStringEnd, 0, pos, e);
          pos = e;
          modeKind.pop(); modeQuote.pop(); modeTriple.pop(); modeRaw.pop(); modeStart.pop();
          lineHasTokens = true;
          continue main;
        }
        if (c === 123 /* { */) {
          if (!inSpec && source.charCodeAt(pos + 1) === 123) { pos += 2; continue; }
          if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
          if (inSpec) {
            let specs = 0;
            for (let m = depth - 1; m > fi; m--) if (modeKind[m] === Mode.Spec) specs++;
            if (specs >= 3) error(pos, pos + 1, 'f-string: expressions nested too deeply');
          }
          if (parenChar.length >= MAX_PARENS) {
            error(pos, pos + 1, 'too many nested parentheses');
            pos++;
            continue main;
          }
          push(Tok.Op, Op.LBrace, pos, pos + 1);
          if (parenChar.length === 0) parenLineIndent = currentLineIndent;
          parenChar.push(123); parenPos.push(pos);
          modeKind.push(Mode.Field); modeQuote.push(parenChar.length); modeTriple.push(false); modeRaw.push(false); modeStart.push(pos);
          pos++;
          continue main;
        }
        if (c === 125 /* } */) {
          if (inSpec) {
            if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
            modeKind.pop(); modeQuote.pop(); modeTriple.pop(); modeRaw.pop(); modeStart.pop();
            // close the field
            push(Tok.Op, Op.RBrace, pos, pos + 1);
            parenChar.pop(); parenPos.pop();
            modeKind.pop(); modeQuote.pop(); modeTriple.pop(); modeRaw.pop(); modeStart.pop();
            pos++;
            continue main;
          }
          if (source.charCodeAt(pos + 1) === 125) { pos += 2; continue; }
          if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
          error(pos, pos + 1, "f-string: single '}' is not allowed");
          pos++;
          continue main;
        }
        if (c === 92 /* \ */) {
          const d = source.charCodeAt(pos + 1);
          if (!raw && d === 78 /* N */ && source.charCodeAt(pos + 2) === 123) {
            // \N{NAME}: its braces are not a replacement field
            let q = pos + 3;
            while (q < n && source.charCodeAt(q) !== 125 && source.charCodeAt(q) !== quote && !isLineEnd(source.charCodeAt(q))) q++;
            if (source.charCodeAt(q) === 125) { pos = q + 1; continue; }
          }
          if (pos + 1 < n && d !== 123 && d !== 125) { pos += d === 13 && source.charCodeAt(pos + 2) === 10 ? 3 : 2; continue; }
          pos++;
          continue;
        }
        if (isLineEnd(c) && !triple) {
          if (litStart < pos) push(Tok.FStringMiddle, 0, litStart, pos);
          const fs = modeStart[fi]!;
          if (inSpec) error(pos, pos + 1, 'f-string: newlines are not allowed in format specifiers for single quoted f-strings');
          else error(fs, pos, `unterminated f-string literal (detected at line ${lineOf(source, fs)})`);
          modeKind.length = fi; modeQuote.length = fi; modeTriple.length = fi; modeRaw.length = fi; modeStart.length = fi;
          // drop brackets opened inside this f-string
          parenChar.length = 0; parenPos.length = 0;
          continue main;
        }
        pos++;
      }
    }

    // --- start of a logical line: indentation
    if (atLineStart) {
      atLineStart = false;
      let col = 0;
      let alt = 0;
      let p = pos;
      while (p < n) {
        const c = source.charCodeAt(p);
        if (c === 32) { col++; alt++; } else if (c === 9) { col = ((col >> 3) + 1) << 3; alt++; } else if (c === 12) { col = 0; alt = 0; } else break;
        p++;
      }
      const c = p < n ? source.charCodeAt(p) : -1;
      if (c === 35 /* # */ || c === 10 || c === 13 || c === -1) {
        // blank line: no indentation processing; skip comment and line end
        while (p < n && !isLineEnd(source.charCodeAt(p))) p++;
        if (p >= n) { pos = p; break main; }
        p += source.charCodeAt(p) === 13 && source.charCodeAt(p + 1) === 10 ? 2 : 1;
        pos = p;
        atLineStart = true;
        continue main;
      }
      if (c === 92 /* \ */ && (isLineEnd(source.charCodeAt(p + 1)))) {
        // a line holding only a continuation: CPython joins it to the next, indentation taken here
      }
      const top = indents[indents.length - 1]!;
      const altTop = altIndents[altIndents.length - 1]!;
      if (col === top) {
        if (alt !== altTop) error(pos, p, 'inconsistent use of tabs and spaces in indentation');
      } else if (col > top) {
        if (indents.length >= MAX_INDENT) error(pos, p, 'too many levels of indentation');
        else if (alt <= altTop) error(pos, p, 'inconsistent use of tabs and spaces in indentation');
        else {
          indents.push(col); altIndents.push(alt);
          push(Tok.Indent, 0, pos, p);
        }
      } else {
        while (indents.length > 1 && col < indents[indents.length - 1]!) {
          indents.pop(); altIndents.pop();
          push(Tok.Dedent, 0, p, p);
        }
        if (col !== indents[indents.length - 1]) error(pos, p, 'unindent does not match any outer indentation level');
        else if (alt !== altIndents[altIndents.length - 1]) error(pos, p, 'inconsistent use of tabs and spaces in indentation');
      }
      currentLineIndent = col;
      pos = p;
    }

    // --- ordinary tokens
    // skip whitespace
    let c = 0;
    while (pos < n) {
      c = source.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 12) { pos++; continue; }
      if (c === 35 /* # */) {
        while (pos < n && !isLineEnd(source.charCodeAt(pos))) pos++;
        continue;
      }
      if (c === 92 /* \ */) {
        const d = source.charCodeAt(pos + 1);
        if (d === 10 || d === 13) {
          pos += d === 13 && source.charCodeAt(pos + 2) === 10 ? 3 : 2;
          if (pos >= n) { error(pos, pos, 'unexpected EOF while parsing'); break main; }
          continue;
        }
        if (pos + 1 >= n) { error(pos, pos + 1, 'unexpected EOF while parsing'); pos++; break main; }
        error(pos, pos + 1, 'unexpected character after line continuation character');
        pos++;
        continue;
      }
      break;
    }
    if (pos >= n) break;
    const start = pos;

    // newline
    if (c === 10 || c === 13) {
      pos += c === 13 && source.charCodeAt(pos + 1) === 10 ? 2 : 1;
      if (parenChar.length > 0) {
        if (modeKind.length === 0 && recoverUnclosed(pos)) {
          push(Tok.Newline, 0, start, pos);
          lineHasTokens = false;
          atLineStart = true;
        }
        continue;
      }
      if (lineHasTokens) push(Tok.Newline, 0, start, pos);
      lineHasTokens = false;
      atLineStart = true;
      continue;
    }
    lineHasTokens = true;

    // identifiers, keywords and string prefixes
    if ((c < 128 && (CLASS[c]! & 1) !== 0) || (c >= 128 && isIdentStartAt(pos))) {
      let p = pos + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
      let ascii = c < 128;
      while (p < n) {
        const d = source.charCodeAt(p);
        if (d < 128) { if (CLASS[d] === 0) break; p++; } else if (isIdentContinueAt(p)) { ascii = false; p += d >= 0xd800 && d <= 0xdbff ? 2 : 1; } else break;
      }
      if (c >= 128) ascii = false;
      const q = source.charCodeAt(p);
      if ((q === 34 || q === 39) && p - pos <= 2 && ascii) {
        const prefix = stringPrefix(source, pos, p);
        if (prefix >= 0) {
          if (prefix & 4) { startFString(pos, p, (prefix & 1) !== 0); continue main; }
          pos = scanString(pos, p);
          push(Tok.String, 0, start, pos);
          continue main;
        }
      }
      pos = p;
      const kw = ascii && p - start >= 2 && p - start <= 8 ? keywordAt(source, start, p - start) : 0;
      push(Tok.Name, kw, start, p);
      continue;
    }

    // numbers
    if ((c >= 48 && c <= 57) || (c === 46 && isDigit(source.charCodeAt(pos + 1)))) {
      pos = scanNumber(pos);
      continue;
    }

    // strings
    if (c === 34 || c === 39) {
      pos = scanString(pos, pos);
      push(Tok.String, 0, start, pos);
      continue;
    }

    // operators
    const d = pos + 1 < n ? source.charCodeAt(pos + 1) : 0;
    const e = pos + 2 < n ? source.charCodeAt(pos + 2) : 0;
    let op = 0;
    let len = 1;
    switch (c) {
      case 40: case 91: case 123: { // ( [ {
        if (parenChar.length >= MAX_PARENS) { error(pos, pos + 1, 'too many nested parentheses'); pos++; continue main; }
        if (parenChar.length === 0) parenLineIndent = currentLineIndent;
        parenChar.push(c); parenPos.push(pos);
        push(Tok.Op, c === 40 ? Op.LPar : c === 91 ? Op.LSqb : Op.LBrace, pos, pos + 1);
        pos++;
        continue main;
      }
      case 41: case 93: case 125: { // ) ] }
        const open = c === 41 ? 40 : c === 93 ? 91 : 123;
        if (parenChar.length === 0) {
          error(pos, pos + 1, `unmatched '${String.fromCharCode(c)}'`);
          pos++;
          continue main;
        }
        // inside an f-string field, the field's own `{` is closed only by `}`
        const fieldTop = modeKind.length > 0 && modeKind[modeKind.length - 1] === Mode.Field ? modeQuote[modeKind.length - 1]! : -1;
        const top = parenChar[parenChar.length - 1]!;
        if (top !== open) {
          if (fieldTop === parenChar.length && c !== 125) {
            error(pos, pos + 1, `f-string: unmatched '${String.fromCharCode(c)}'`);
          } else {
            error(pos, pos + 1, `closing parenthesis '${String.fromCharCode(c)}' does not match opening parenthesis '${String.fromCharCode(top)}'`);
          }
          pos++;
          continue main;
        }
        parenChar.pop(); parenPos.pop();
        push(Tok.Op, c === 41 ? Op.RPar : c === 93 ? Op.RSqb : Op.RBrace, pos, pos + 1);
        pos++;
        if (fieldTop === parenChar.length + 1) {
          // closed an f-string replacement field: back to the literal
          modeKind.pop(); modeQuote.pop(); modeTriple.pop(); modeRaw.pop(); modeStart.pop();
        }
        continue main;
      }
      case 58: // :
        if (d === 61 && !(modeKind.length > 0 && modeKind[modeKind.length - 1] === Mode.Field && modeQuote[modeKind.length - 1] === parenChar.length)) { op = Op.ColonEqual; len = 2; break; }
        op = Op.Colon;
        if (modeKind.length > 0 && modeKind[modeKind.length - 1] === Mode.Field && modeQuote[modeKind.length - 1] === parenChar.length) {
          push(Tok.Op, Op.Colon, pos, pos + 1);
          pos++;
          modeKind.push(Mode.Spec); modeQuote.push(0); modeTriple.push(false); modeRaw.push(false); modeStart.push(pos);
          continue main;
        }
        break;
      case 44: op = Op.Comma; break;
      case 59: op = Op.Semi; break;
      case 43: if (d === 61) { op = Op.PlusEqual; len = 2; } else op = Op.Plus; break;
      case 45: if (d === 61) { op = Op.MinEqual; len = 2; } else if (d === 62) { op = Op.RArrow; len = 2; } else op = Op.Minus; break;
      case 42:
        if (d === 42) { if (e === 61) { op = Op.DoubleStarEqual; len = 3; } else { op = Op.DoubleStar; len = 2; } } else if (d === 61) { op = Op.StarEqual; len = 2; } else op = Op.Star;
        break;
      case 47:
        if (d === 47) { if (e === 61) { op = Op.DoubleSlashEqual; len = 3; } else { op = Op.DoubleSlash; len = 2; } } else if (d === 61) { op = Op.SlashEqual; len = 2; } else op = Op.Slash;
        break;
      case 124: if (d === 61) { op = Op.VBarEqual; len = 2; } else op = Op.VBar; break;
      case 38: if (d === 61) { op = Op.AmperEqual; len = 2; } else op = Op.Amper; break;
      case 60:
        if (d === 60) { if (e === 61) { op = Op.LeftShiftEqual; len = 3; } else { op = Op.LeftShift; len = 2; } } else if (d === 61) { op = Op.LessEqual; len = 2; } else if (d === 62) { op = Op.NotEqual; len = 2; error(pos, pos + 2, 'invalid syntax'); pos += 2; continue main; } else op = Op.Less;
        break;
      case 62:
        if (d === 62) { if (e === 61) { op = Op.RightShiftEqual; len = 3; } else { op = Op.RightShift; len = 2; } } else if (d === 61) { op = Op.GreaterEqual; len = 2; } else op = Op.Greater;
        break;
      case 61: if (d === 61) { op = Op.EqEqual; len = 2; } else op = Op.Equal; break;
      case 46: if (d === 46 && e === 46) { op = Op.Ellipsis; len = 3; } else op = Op.Dot; break;
      case 37: if (d === 61) { op = Op.PercentEqual; len = 2; } else op = Op.Percent; break;
      case 33: if (d === 61) { op = Op.NotEqual; len = 2; } else op = Op.Exclamation; break;
      case 126: op = Op.Tilde; break;
      case 94: if (d === 61) { op = Op.CircumflexEqual; len = 2; } else op = Op.Circumflex; break;
      case 64: if (d === 61) { op = Op.AtEqual; len = 2; } else op = Op.At; break;
      default: {
        const cp = source.codePointAt(pos)!;
        const w = cp > 0xffff ? 2 : 1;
        if (cp === 0) error(pos, pos + 1, 'source code cannot contain null bytes');
        else if (cp < 128 && cp >= 32 && cp !== 127) error(pos, pos + w, 'invalid syntax');
        else error(pos, pos + w, `invalid character '${String.fromCodePoint(cp)}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`);
        pos += w;
        continue main;
      }
    }
    push(Tok.Op, op, pos, pos + len);
    pos += len;
  }

  // end of input
  if (modeKind.length > 0) {
    let fi = 0;
    while (fi < modeKind.length && modeKind[fi] !== Mode.FString) fi++;
    const fs = modeStart[fi] ?? n;
    const triple = modeTriple[fi];
    error(fs, n, triple ? `unterminated triple-quoted f-string literal (detected at line ${lineOf(source, n)})` : `unterminated f-string literal (detected at line ${lineOf(source, fs)})`);
    parenChar.length = 0;
  }
  let unclosed = -1;
  if (parenChar.length > 0) {
    const p = parenPos[0]!;
    unclosed = p;
    error(p, p + 1, `'${String.fromCharCode(parenChar[0]!)}' was never closed`);
  }
  if (lineHasTokens) push(Tok.Newline, 0, n, n);
  while (indents.length > 1) { indents.pop(); push(Tok.Dedent, 0, n, n); }
  push(Tok.EndMarker, 0, n, n);
  return { count, kind, sub, start: starts, end: ends, errors, source, unclosed };

  // --- helpers (function declarations: hoisted, no closure allocated per token)

  function isDigit(ch: number): boolean {
    return ch >= 48 && ch <= 57;
  }

  function isIdentStartAt(p: number): boolean {
    return isIdentifierStartCode(source.codePointAt(p)!);
  }
  function isIdentContinueAt(p: number): boolean {
    return isIdentifierContinueCode(source.codePointAt(p)!);
  }

  /** After a newline inside brackets: does the next line show that a bracket was never closed? */
  function recoverUnclosed(p: number): boolean {
    let col = 0;
    let q = p;
    while (q < n) {
      const ch = source.charCodeAt(q);
      if (ch === 32) col++; else if (ch === 9) col = ((col >> 3) + 1) << 3; else if (ch === 12) col = 0; else break;
      q++;
    }
    if (col > parenLineIndent) return false;
    const blank = q >= n || isLineEnd(source.charCodeAt(q)) || source.charCodeAt(q) === 35;
    if (!blank && forced.length > 0 && forced.includes(parenPos[0]!)) {
      const b = parenPos[0]!;
      error(b, b + 1, `'${String.fromCharCode(parenChar[0]!)}' was never closed`);
      parenChar.length = 0; parenPos.length = 0;
      return true;
    }
    let r = q;
    while (r < n && source.charCodeAt(r) >= 97 && source.charCodeAt(r) <= 122) r++;
    if (r === q || r - q > 8) return false;
    const ch = r < n ? source.charCodeAt(r) : 32;
    if (ch < 128 && CLASS[ch] !== 0) return false;
    if (!STATEMENT_ONLY.has(source.slice(q, r))) return false;
    const b = parenPos[0]!;
    error(b, b + 1, `'${String.fromCharCode(parenChar[0]!)}' was never closed`);
    parenChar.length = 0; parenPos.length = 0;
    return true;
  }

  function startFString(s: number, quotePos: number, raw: boolean): void {
    let nested = 0;
    for (let m = modeKind.length - 1; m >= 0 && nested < MAX_FSTRING_NESTING; m--) if (modeKind[m] === Mode.FString) nested++;
    if (nested + 1 >= MAX_FSTRING_NESTING) {
      // give up on the whole nest: report it and read on as ordinary code (no unbounded mode stack)
      error(s, quotePos + 1, 'too many nested f-strings');
      modeKind.length = 0; modeQuote.length = 0; modeTriple.length = 0; modeRaw.length = 0; modeStart.length = 0;
      parenChar.length = 0; parenPos.length = 0;
    }
    const q = source.charCodeAt(quotePos);
    const triple = source.charCodeAt(quotePos + 1) === q && source.charCodeAt(quotePos + 2) === q;
    const e = quotePos + (triple ? 3 : 1);
    push(Tok.FStringStart, 0, s, e);
    modeKind.push(Mode.FString); modeQuote.push(q); modeTriple.push(triple); modeRaw.push(raw); modeStart.push(s);
    pos = e;
  }

  /** Scans a (non-f) string whose quote is at `q`; returns its end. Records unterminated strings. */
  function scanString(s: number, q: number): number {
    const quote = source.charCodeAt(q);
    let p = q + 1;
    if (source.charCodeAt(p) === quote && source.charCodeAt(p + 1) === quote) {
      p += 2;
      while (p < n) {
        const ch = source.charCodeAt(p);
        if (ch === 92) { p += 2; continue; }
        if (ch === quote && source.charCodeAt(p + 1) === quote && source.charCodeAt(p + 2) === quote) return p + 3;
        p++;
      }
      errors.push({ start: s, end: n, message: `unterminated triple-quoted string literal (detected at line ${lineOf(source, n)})` });
      push(Tok.Error, 0, s, n);
      return n;
    }
    if (source.charCodeAt(p) === quote) return p + 1;
    while (p < n) {
      const ch = source.charCodeAt(p);
      if (ch === 92) {
        const d = source.charCodeAt(p + 1);
        p += d === 13 && source.charCodeAt(p + 2) === 10 ? 3 : 2;
        continue;
      }
      if (ch === quote) return p + 1;
      if (ch === 10 || ch === 13) break;
      p++;
    }
    if (p > n) p = n;
    errors.push({ start: s, end: p, message: `unterminated string literal (detected at line ${lineOf(source, s)})` });
    push(Tok.Error, 0, s, p);
    return p;
  }

  function digitsWithUnderscores(p: number, radix: number): number {
    // returns end of a run like 1_000; -1 marks a bad underscore
    while (p < n) {
      const ch = source.charCodeAt(p);
      if (isRadixDigit(ch, radix)) { p++; continue; }
      if (ch === 95) {
        const nx = source.charCodeAt(p + 1);
        if (isRadixDigit(nx, radix)) { p += 2; continue; }
        return -(p + 1) - 1;
      }
      break;
    }
    return p;
  }

  function isRadixDigit(ch: number, radix: number): boolean {
    if (radix === 10) return ch >= 48 && ch <= 57;
    if (radix === 16) return (ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 102) || (ch >= 65 && ch <= 70);
    if (radix === 8) return ch >= 48 && ch <= 55;
    return ch === 48 || ch === 49;
  }

  function numberError(s: number, p: number, message: string): number {
    // swallow the rest of the bad literal
    let e = p;
    while (e < n && source.charCodeAt(e) < 128 && CLASS[source.charCodeAt(e)] !== 0) e++;
    error(s, Math.max(e, s + 1), message);
    return Math.max(e, s + 1);
  }

  /** Checks what follows a number: a letter glued to it is an error except for the keywords CPython allows. */
  function endOfNumber(s: number, p: number, what: string): number {
    const ch = p < n ? source.charCodeAt(p) : 0;
    if (ch < 128 ? (CLASS[ch]! & 1) === 0 : !isIdentStartAt(p)) {
      push(Tok.Number, 0, s, p);
      return p;
    }
    for (const kw of ['and', 'else', 'for', 'if', 'in', 'is', 'not', 'or']) {
      if (source.startsWith(kw, p)) {
        push(Tok.Number, 0, s, p);
        return p;
      }
    }
    return numberError(s, p, `invalid ${what} literal`);
  }

  function scanNumber(s: number): number {
    let p = s;
    const c0 = source.charCodeAt(p);
    if (c0 === 48) {
      const x = source.charCodeAt(p + 1) | 32;
      const radix = x === 120 ? 16 : x === 111 ? 8 : x === 98 ? 2 : 0;
      if (radix) {
        p += 2;
        if (source.charCodeAt(p) === 95) p++;
        if (!isRadixDigit(source.charCodeAt(p), radix)) {
          const what = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
          if (isDigit(source.charCodeAt(p))) return numberError(s, p, `invalid digit '${source[p]}' in ${what} literal`);
          return numberError(s, p, `invalid ${what} literal`);
        }
        const e = digitsWithUnderscores(p, radix);
        const what = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
        if (e < 0) return numberError(s, -e - 1, `invalid ${what} literal`);
        if (radix !== 16 && isDigit(source.charCodeAt(e))) return numberError(s, e, `invalid digit '${source[e]}' in ${what} literal`);
        return endOfNumber(s, e, what);
      }
    }
    let intPart = true;
    let leadingZeroNonzero = false;
    if (c0 !== 46) {
      const e = digitsWithUnderscores(p, 10);
      if (e < 0) return numberError(s, -e - 1, 'invalid decimal literal');
      if (c0 === 48) {
        for (let i = s; i < e; i++) { const ch = source.charCodeAt(i); if (ch !== 48 && ch !== 95) { leadingZeroNonzero = true; break; } }
      }
      p = e;
    }
    if (source.charCodeAt(p) === 46) {
      intPart = false;
      p++;
      if (isDigit(source.charCodeAt(p))) {
        const e = digitsWithUnderscores(p, 10);
        if (e < 0) return numberError(s, -e - 1, 'invalid decimal literal');
        p = e;
      }
    }
    const ex = source.charCodeAt(p) | 32;
    if (ex === 101) {
      let q = p + 1;
      const sg = source.charCodeAt(q);
      if (sg === 43 || sg === 45) q++;
      if (isDigit(source.charCodeAt(q))) {
        const e = digitsWithUnderscores(q, 10);
        if (e < 0) return numberError(s, -e - 1, 'invalid decimal literal');
        p = e;
        intPart = false;
      } else {
        return numberError(s, p, 'invalid decimal literal');
      }
    }
    if ((source.charCodeAt(p) | 32) === 106) {
      p++;
      return endOfNumber(s, p, 'imaginary');
    }
    if (intPart && leadingZeroNonzero) {
      error(s, p, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers');
      return p;
    }
    return endOfNumber(s, p, 'decimal');
  }
}

/**
 * String prefix flags for `source[s..e)`: 1 raw, 2 bytes, 4 f-string, 8 unicode; -1 when not a prefix.
 */
export function stringPrefix(source: string, s: number, e: number): number {
  let flags = 0;
  for (let i = s; i < e; i++) {
    const ch = source.charCodeAt(i) | 32;
    let bit = 0;
    if (ch === 114) bit = 1; else if (ch === 98) bit = 2; else if (ch === 102) bit = 4; else if (ch === 117) bit = 8; else return -1;
    if (flags & bit) return -1;
    flags |= bit;
  }
  if ((flags & 8) && flags !== 8) return -1;
  if ((flags & 6) === 6) return -1;
  return flags;
}
