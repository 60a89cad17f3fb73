/**
 * The literals of a string expression as written. The syntax tree keeps an implicitly concatenated
 * string (`"a" f"{b}" 'c'`) as one Constant or JoinedStr, CPython's shape; the rules want each literal
 * with its own range (a secret, an absolute path or a data file is one literal), and extraction needs
 * each literal's lines. This reads them back from the source span the parser gave.
 */

export interface StringPiece {
  /** The literal, prefix and quotes included. */
  start: number;
  end: number;
  /** The text between the quotes, as written. */
  bodyStart: number;
  bodyEnd: number;
  /**
   * What a reader of the value sees: escapes decoded unless raw, `{}` for each f-string replacement
   * field, `{{`/`}}` undoubled.
   */
  value: string;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

export function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i++;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + width);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(code) || code > 0x10ffff) out += c;
      else {
        out += String.fromCodePoint(code);
        i += 1 + width;
      }
    } else if (next >= '0' && next <= '7') {
      let j = i + 1;
      while (j < text.length && j < i + 4 && text[j]! >= '0' && text[j]! <= '7') j++;
      out += String.fromCharCode(parseInt(text.slice(i + 1, j), 8));
      i = j - 1;
    } else out += c; // unknown escapes (and \N{...}) keep their backslash, as Python does for unknown ones
  }
  return out;
}

export const isSpaceCode = (c: number): boolean => c === 32 || c === 9 || c === 12 || c === 10 || c === 13;
const isLetter = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/** The literals of the string expression spanning [start, end) of `source`, in order. */
export function stringPieces(source: string, start: number, end: number): StringPiece[] {
  return new PieceScanner(source, end).pieces(start);
}

class PieceScanner {
  constructor(
    private readonly s: string,
    private readonly end: number,
  ) {}

  pieces(from: number): StringPiece[] {
    const out: StringPiece[] = [];
    let i = from;
    while (i < this.end) {
      i = this.skipTrivia(i);
      if (i >= this.end) break;
      const piece = this.literal(i);
      if (!piece) break; // not a literal: the span does not hold what the tree says; guess nothing
      out.push(piece);
      i = piece.end;
    }
    return out;
  }

  /** Whitespace, comments and backslash continuations between concatenated literals. */
  private skipTrivia(i: number): number {
    const s = this.s;
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (isSpaceCode(c)) i++;
      else if (c === 92 /* \ */) i += 2;
      else if (c === 35 /* # */) {
        while (i < this.end && s[i] !== '\n' && s[i] !== '\r') i++;
      } else break;
    }
    return i;
  }

  /** One literal at i: prefix letters, quotes, body. */
  private literal(i: number): StringPiece | null {
    const s = this.s;
    let p = i;
    while (p < this.end && isLetter(s[p])) p++;
    const prefix = s.slice(i, p).toLowerCase();
    const q = s[p];
    if (q !== '"' && q !== "'") return null;
    const quote = s.startsWith(q.repeat(3), p) ? q.repeat(3) : q;
    const raw = prefix.includes('r');
    const bodyStart = p + quote.length;
    if (prefix.includes('f') || prefix.includes('t')) {
      const f = this.fStringBody(bodyStart, quote, raw);
      return { start: i, end: f.end, bodyStart, bodyEnd: f.bodyEnd, value: f.value.replace(/\{\{/g, '{').replace(/\}\}/g, '}') };
    }
    const close = this.closingQuote(bodyStart, quote);
    const body = s.slice(bodyStart, close);
    return { start: i, end: Math.min(close + quote.length, this.end), bodyStart, bodyEnd: close, value: raw ? body : decodeEscapes(body) };
  }

  private closingQuote(i: number, quote: string): number {
    const s = this.s;
    while (i < this.end) {
      if (s[i] === '\\') i += 2;
      else if (s.startsWith(quote, i)) return i;
      else i++;
    }
    return this.end;
  }

  /** An f-string body: literal segments and `{...}` fields, which may nest strings (PEP 701). */
  private fStringBody(i: number, quote: string, raw: boolean): { value: string; bodyEnd: number; end: number } {
    const s = this.s;
    let value = '';
    let segment = i;
    const flush = (to: number): void => {
      const text = s.slice(segment, to);
      value += raw ? text : decodeEscapes(text);
    };
    while (i < this.end) {
      const c = s[i]!;
      if (c === '\\') i += s[i + 1] === '{' ? 1 : 2; // `\{x}` is a backslash, then a field
      else if (s.startsWith(quote, i)) {
        flush(i);
        return { value, bodyEnd: i, end: i + quote.length };
      } else if ((c === '{' && s[i + 1] === '{') || (c === '}' && s[i + 1] === '}')) i += 2;
      else if (c === '{') {
        flush(i);
        value += '{}';
        i = this.field(i + 1);
        segment = i;
      } else i++;
    }
    flush(this.end);
    return { value, bodyEnd: this.end, end: this.end };
  }

  /** Past the `}` closing a replacement field whose expression starts at i. */
  private field(i: number): number {
    const s = this.s;
    let depth = 0;
    while (i < this.end) {
      const c = s[i]!;
      if (c === '(' || c === '[' || c === '{') {
        depth++;
        i++;
      } else if (c === ')' || c === ']') {
        depth--;
        i++;
      } else if (c === '}') {
        if (depth === 0) return i + 1;
        depth--;
        i++;
      } else if (c === ':' && depth === 0) return this.formatSpec(i + 1);
      else if (c === '"' || c === "'" || isLetter(c)) {
        // A nested string (possibly prefixed), else a name.
        let p = i;
        while (p < this.end && isLetter(s[p])) p++;
        if (s[p] === '"' || s[p] === "'") i = this.literal(i)?.end ?? p + 1;
        else i = p === i ? i + 1 : p;
      } else if (c === '#') {
        while (i < this.end && s[i] !== '\n' && s[i] !== '\r') i++;
      } else if (c === '!' && s[i + 1] !== '=' && depth === 0) {
        // `!r` conversion, then maybe a format spec
        i += 2;
      } else i++;
    }
    return this.end;
  }

  /** A format spec: literal text with nested `{...}` fields, ending at the field's `}`. */
  private formatSpec(i: number): number {
    const s = this.s;
    while (i < this.end) {
      const c = s[i]!;
      if (c === '{') i = this.field(i + 1);
      else if (c === '}') return i + 1;
      else i++;
    }
    return this.end;
  }
}
