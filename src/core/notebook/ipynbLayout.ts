/**
 * Where things are in the text of a `.ipynb` that `JSON.parse` has already accepted: the offsets the
 * notebook model keeps (each cell's `source` and its lines, each output's extent), found in one pass
 * that skips every string with `indexOf` instead of decoding it.
 *
 * It also declines (returns undefined) whenever `JSON.parse`'s values could differ from what the tree
 * reader (jsonc-parser plus `prop`) would read: a repeated key in an object the reader looks into
 * (`JSON.parse` keeps the last, `prop` the first), an escaped key (it might spell a repeated one), or
 * nesting deep enough that the recursive tree reader could run out of stack where `JSON.parse` does not.
 */

export interface CellLayout {
  /** Offset of the `source` value, when the cell has one. */
  sourceStart?: number;
  /** When `source` is an array: the offset of each element, in order. */
  sourceElements?: number[];
  /** When `outputs` is an array: start and end offsets of each element, flattened (`[s0, e0, s1, e1, ...]`). */
  outputSpans?: number[];
}

export interface IpynbLayout {
  /** One entry per element of the root's `cells` array; undefined for an element that is not an object. */
  cells: Array<CellLayout | undefined>;
}

/** Far below the depth (~2,000 here) at which jsonc-parser's recursion exhausts the stack; notebooks nest ~10 deep. */
const MAX_DEPTH = 256;

class Decline extends Error {}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** `text` must be valid JSON (`JSON.parse` accepted it) whose root is an object. */
export function ipynbLayout(text: string): IpynbLayout | undefined {
  const scanner = new LayoutScanner(text);
  try {
    return scanner.root();
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

class LayoutScanner {
  private pos = 0;
  private readonly cells: Array<CellLayout | undefined> = [];

  constructor(private readonly text: string) {}

  root(): IpynbLayout {
    this.skipWhitespace();
    this.object(1, (key, depth) => {
      if (key === 'metadata') this.objectOrSkip(depth, (k, d) => (k === 'kernelspec' || k === 'language_info' ? this.objectOrSkip(d, noMembers) : false));
      else if (key === 'cells') this.cellsArray(depth);
      else return false;
      return true;
    });
    return { cells: this.cells };
  }

  private cellsArray(depth: number): void {
    if (!this.at(OPEN_BRACKET)) return this.skipValue(depth);
    this.array(depth, (d) => {
      if (!this.at(OPEN_BRACE)) {
        this.cells.push(undefined);
        return this.skipValue(d);
      }
      const cell: CellLayout = {};
      this.cells.push(cell);
      this.object(d + 1, (key, dd) => {
        if (key === 'source') {
          cell.sourceStart = this.pos;
          if (this.at(OPEN_BRACKET)) cell.sourceElements = this.elementStarts(dd);
          else this.skipValue(dd);
        } else if (key === 'outputs') {
          if (this.at(OPEN_BRACKET)) cell.outputSpans = this.outputSpans(dd);
          else this.skipValue(dd);
        } else return false;
        return true;
      });
    });
  }

  private elementStarts(depth: number): number[] {
    const starts: number[] = [];
    this.array(depth, (d) => {
      starts.push(this.pos);
      this.skipValue(d);
    });
    return starts;
  }

  private outputSpans(depth: number): number[] {
    const spans: number[] = [];
    this.array(depth, (d) => {
      spans.push(this.pos);
      // An output's `data` is looked into too: the reader takes its `text/plain`.
      this.objectOrSkip(d, (key, dd) => (key === 'data' ? this.objectOrSkip(dd, noMembers) : false));
      spans.push(this.pos);
    });
    return spans;
  }

  private at(code: number): boolean {
    return this.text.charCodeAt(this.pos) === code;
  }

  /** An object whose keys the reader looks up: checked for repeated keys; other values are skipped. */
  private objectOrSkip(depth: number, member: (key: string, depth: number) => boolean): boolean {
    if (this.at(OPEN_BRACE)) this.object(depth + 1, member);
    else this.skipValue(depth);
    return true;
  }

  /**
   * At `{`. Calls `member` at each value with its key; `member` consumes the value and returns true,
   * or returns false to have it skipped. `depth` counts this object.
   */
  private object(depth: number, member: (key: string, depth: number) => boolean): void {
    if (depth > MAX_DEPTH) throw new Decline();
    const text = this.text;
    const keys: string[] = [];
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === CLOSE_BRACE) {
      this.pos++;
      return;
    }
    for (;;) {
      const keyStart = this.pos + 1;
      this.skipString();
      const key = text.slice(keyStart, this.pos - 1);
      if (key.includes('\\') || keys.includes(key)) throw new Decline();
      keys.push(key);
      this.skipWhitespace();
      this.pos++; // the colon: the text is valid JSON
      this.skipWhitespace();
      if (!member(key, depth)) this.skipValue(depth);
      this.skipWhitespace();
      if (text.charCodeAt(this.pos++) !== COMMA) return; // `}`
      this.skipWhitespace();
    }
  }

  /** At `[`. Calls `element` at each element, which consumes it. */
  private array(depth: number, element: (depth: number) => void): void {
    if (++depth > MAX_DEPTH) throw new Decline();
    const text = this.text;
    this.pos++;
    this.skipWhitespace();
    if (text.charCodeAt(this.pos) === CLOSE_BRACKET) {
      this.pos++;
      return;
    }
    for (;;) {
      element(depth);
      this.skipWhitespace();
      if (text.charCodeAt(this.pos++) !== COMMA) return; // `]`
      this.skipWhitespace();
    }
  }

  /** Any value, whatever it holds: only brackets outside strings are counted. `depth` is the enclosing depth. */
  private skipValue(depth: number): void {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === QUOTE) return this.skipString();
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      // A number, true, false or null: it ends at a delimiter.
      for (let d = c; d !== COMMA && d !== CLOSE_BRACE && d !== CLOSE_BRACKET && d !== COLON && !isWhitespace(d) && this.pos < text.length; d = text.charCodeAt(++this.pos));
      return;
    }
    let open = 0;
    for (;;) {
      const d = text.charCodeAt(this.pos);
      if (d === QUOTE) {
        this.skipString();
        continue;
      }
      this.pos++;
      if (d === OPEN_BRACE || d === OPEN_BRACKET) {
        if (depth + ++open > MAX_DEPTH) throw new Decline();
      } else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --open === 0) return;
    }
  }

  /** At `"`; leaves the position after the closing quote, the first one not escaped by an odd run of backslashes. */
  private skipString(): void {
    const text = this.text;
    let q = text.indexOf('"', this.pos + 1);
    while (text.charCodeAt(q - 1) === BACKSLASH) {
      let b = q - 1;
      while (text.charCodeAt(b - 1) === BACKSLASH) b--;
      if ((q - b) % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    this.pos = q + 1;
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (isWhitespace(text.charCodeAt(this.pos))) this.pos++;
  }
}

const noMembers = (): boolean => false;

/** JSON's whitespace: the only kind `JSON.parse` lets through. */
function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
