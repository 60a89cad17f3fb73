/**
 * Python 3.13 parser: a hand-written recursive-descent parser over the tokens of tokenizer.ts, giving
 * the tree of ast.ts (CPython's `ast` shapes with UTF-16 ranges).
 *
 * Why hand-written (issue 11): the notebook engine must check a 1,000-cell notebook (1.17 MB of code)
 * cold in 150 ms. The issue measured tree-sitter's wasm parser at 333 ms for that code alone, plus about
 * 170 ms to read its tree through web-tree-sitter's JS layer, and @lezer/python at about 430 ms.
 * bench/parsers.ts measures the candidates side by side (CPU ms on the 2-core development machine):
 *   tree-sitter-python (wasm)            328 parse, 617 with reading every node, 75 KB JS + 653 KB wasm, 192 ms cold
 *   Pyright's parser (@zzzen/pyright-internal 1.1.255, the only importable npm build; predates
 *   PEP 695/701)                         147 parse, 246 KB, 12 ms cold
 *   this parser                           32 parse, 61 with the whole cell analysis, 56 KB, 11 ms cold
 * tree-sitter alone is twice the budget; Pyright's parser alone takes the whole of it and its only
 * importable build cannot read PEP 695/701 code. So, the way Ruff replaced its generated parser, we own
 * a small one: plain objects, nothing to marshal, one pass over char codes.
 *
 * Correctness is held to CPython by the oracle tests in test/unit/python-frontend (every file of the
 * machine's standard library, the corpus, the fixtures and a seeded generator of nasty inputs).
 *
 * Error recovery: a statement that cannot be read becomes an ErrorStmt (with what it read before the
 * error: its expressions, the names it met outside lambdas and comprehensions, a def's or class's name,
 * an import's complete aliases), followed by the statements of the blocks it had read whole and of its
 * indented body; the error is recorded with its exact range, and parsing resumes at the next statement,
 * so the rest of the cell is still analysed. Inside a `match` block a broken case is recovered on its
 * own, so the match's DEDENT still closes the match. Nesting is capped (200 brackets in the
 * tokenizer, 1,000 levels of expression nesting here), so no input can overflow the JS stack.
 */
import type * as A from './ast';
import { Kw, Op, Tok, tokenize, stringPrefix, lineOf, type Tokens } from './tokenizer';
import { lookupUnicodeName } from './unicodeNames';

// Token codes are read from tokenizer.ts's const enums, their one definition: esbuild inlines them
// as numbers in the bundles (and within tokenizer.ts in any build).

export { tokenize } from './tokenizer';

/**
 * Expression nesting the parser accepts (a level per nested expression, operator of a chain, trailer
 * of a primary). CPython 3.13 goes further in some shapes (measured: ~10,000 for `a + a + ...`,
 * `a.b.b...` and `f()()...`, ~6,000 for unary, `not` and `if`/`else` chains, ~3,000 for `**` and
 * `lambda:` chains), but the cap guards every consumer of the tree, not only the parser: the cell
 * analysis walks expressions recursively, also on the main thread (extract, a pool-less engine), whose
 * stack is Node's default ~1 MB; cellAnalysisPool's workers get Node's default 4 MB. Measured on Node 20
 * in a fresh process, the analysis overflows the main thread from ~1,700 levels of `await a + ...`,
 * ~2,000 of `lambda:` and ~2,900 of the other shapes, and with half the stack it already fails at 1,000
 * for those two. So 1,000 stays: about 1.7x headroom in the worst shape. Raising it needs an analysis
 * walk that does not recurse per level (test/unit/python-frontend/nestingCap.test.ts holds the promise).
 */
const MAX_DEPTH = 1000;
/**
 * `elif` clauses of one `if`: CPython 3.13 parses 5,001 and stops with "Parser stack overflowed"
 * somewhere below 6,000 (its parser stack, not a documented limit), so the cap sits at 6,000.
 */
const MAX_ELIFS = 6000;

class ParseError {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly message: string,
    /** The tokenizer already recorded it. */
    readonly recorded: boolean,
  ) {}
}

const AUG_OPS: Record<number, A.BinaryOperator> = {
  [Op.PlusEqual]: '+', [Op.MinEqual]: '-', [Op.StarEqual]: '*', [Op.AtEqual]: '@', [Op.SlashEqual]: '/',
  [Op.PercentEqual]: '%', [Op.DoubleStarEqual]: '**', [Op.LeftShiftEqual]: '<<', [Op.RightShiftEqual]: '>>',
  [Op.VBarEqual]: '|', [Op.CircumflexEqual]: '^', [Op.AmperEqual]: '&', [Op.DoubleSlashEqual]: '//',
};

// binary operator precedence (higher binds tighter); 0 = not a binary operator
const BIN_PREC = new Uint8Array(64);
const BIN_OP: A.BinaryOperator[] = [];
function bin(op: Op, prec: number, text: A.BinaryOperator): void { BIN_PREC[op] = prec; BIN_OP[op] = text; }
bin(Op.VBar, 1, '|'); bin(Op.Circumflex, 2, '^'); bin(Op.Amper, 3, '&');
bin(Op.LeftShift, 4, '<<'); bin(Op.RightShift, 4, '>>');
bin(Op.Plus, 5, '+'); bin(Op.Minus, 5, '-');
bin(Op.Star, 6, '*'); bin(Op.Slash, 6, '/'); bin(Op.DoubleSlash, 6, '//'); bin(Op.Percent, 6, '%'); bin(Op.At, 6, '@');

const COMPARE_OPS: Record<number, A.CompareOperator> = {
  [Op.EqEqual]: '==', [Op.NotEqual]: '!=', [Op.Less]: '<', [Op.LessEqual]: '<=', [Op.Greater]: '>', [Op.GreaterEqual]: '>=',
};

const SIMPLE_ESCAPES: Record<number, string> = {
  10: '', 92: '\\', 39: "'", 34: '"', 97: '\x07', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t', 118: '\v',
};

export function parseModule(source: string): A.Module {
  try {
    const tokens = tokenize(source);
    const parser = new Parser(source, tokens);
    return parser.parseModule();
  } catch (e) {
    // Every nesting the grammar allows is capped, so this is a safety net, not a path: a source too
    // complex for the stack is one syntax error over all of it, never an exception for the caller.
    if (!(e instanceof RangeError)) throw e;
    return { type: 'Module', start: 0, end: source.length, body: [{ type: 'ErrorStmt', start: 0, end: source.length, partial: [], partialImport: null }], errors: [{ start: 0, end: source.length, message: 'source too complex to parse' }] };
  }
}

function describe(e: A.Expr): string {
  switch (e.type) {
    case 'Call': return 'function call';
    case 'Constant':
      if (e.kind === 'True' || e.kind === 'False' || e.kind === 'None') return e.kind;
      if (e.kind === 'Ellipsis') return 'ellipsis';
      return 'literal';
    case 'BinOp': case 'UnaryOp': case 'BoolOp': return 'expression';
    case 'Compare': return 'comparison';
    case 'Lambda': return 'lambda';
    case 'IfExp': return 'conditional expression';
    case 'NamedExpr': return 'named expression';
    case 'Dict': return 'dict literal';
    case 'Set': return 'set display';
    case 'ListComp': return 'list comprehension';
    case 'SetComp': return 'set comprehension';
    case 'DictComp': return 'dict comprehension';
    case 'GeneratorExp': return 'generator expression';
    case 'Await': return 'await expression';
    case 'Yield': case 'YieldFrom': return 'yield expression';
    case 'JoinedStr': case 'FormattedValue': return 'f-string expression';
    case 'Starred': return 'starred';
    case 'Slice': return 'slice';
    default: return 'expression';
  }
}

class Parser {
  private readonly kind: Uint8Array;
  private readonly sub: Uint8Array;
  private readonly st: Int32Array;
  private readonly en: Int32Array;
  private i = 0;
  private depth = 0;
  private readonly errors: A.SyntaxErrorInfo[] = [];
  /** Expressions read so far in the current statement (kept in an ErrorStmt if it fails). */
  private partial: A.Expr[] = [];
  /**
   * Every Name met by the statements being parsed, innermost statement last: a statement that fails
   * keeps those of its own (from its mark on) that no expression of `partial` holds, so a name read or
   * bound before the error still counts (`x.loc[(:, 1)]` reads x; `with open(p) as fh, (` binds fh;
   * `(a := f(` binds a). Names that may be local to a lambda body or a comprehension are not recorded
   * (`localNesting`), and a comprehension's element drops what it recorded once the comprehension
   * shows itself.
   */
  private readonly names: A.Name[] = [];
  /** The recorded names are names[0..namesTop): a statement's end drops its own by lowering the top. */
  private namesTop = 0;
  private localNesting = 0;
  /** Names a failing def or class had bound, and the import read as far as the error. */
  private partialBindings: A.Name[] = [];
  private partialImport: A.Import | A.ImportFrom | null = null;
  /**
   * The blocks a compound statement had read whole before it failed (`if a:` with its body, then a
   * broken `elif`): recovery keeps their statements, so `x = 1` in that body still binds x.
   */
  private partialBlocks: A.Stmt[][] | null = null;
  /** Start offsets of expressions that were written in parentheses. */
  private readonly parenthesized = new Set<A.Expr>();

  constructor(private readonly src: string, private readonly t: Tokens) {
    this.kind = t.kind;
    this.sub = t.sub;
    this.st = t.start;
    this.en = t.end;
  }

  parseModule(): A.Module {
    const body = this.statementsUntilEnd(true);
    const errors = [...this.t.errors, ...this.errors].sort((a, b) => a.start - b.start);
    // the tokenizer's and the parser's report of the same spot: keep one
    const unique: A.SyntaxErrorInfo[] = [];
    for (const e of errors) {
      const last = unique[unique.length - 1];
      if (last && last.start === e.start && last.end === e.end && last.message === e.message) continue;
      unique.push({ start: e.start, end: e.end, message: e.message });
    }
    return { type: 'Module', start: 0, end: this.src.length, body, errors: unique };
  }

  // ---------------------------------------------------------------------------------------------
  // token helpers

  private at(k: Tok): boolean { return this.kind[this.i] === k; }
  private atOp(op: Op): boolean { return this.kind[this.i] === Tok.Op && this.sub[this.i] === op; }
  private atKw(kw: Kw): boolean { return this.kind[this.i] === Tok.Name && this.sub[this.i] === kw; }
  private atName(): boolean { return this.kind[this.i] === Tok.Name && this.sub[this.i] === 0; }
  private opAt(j: number, op: Op): boolean { return this.kind[j] === Tok.Op && this.sub[j] === op; }
  private isSoft(j: number, word: string): boolean {
    return this.kind[j] === Tok.Name && this.sub[j] === 0 && this.en[j]! - this.st[j]! === word.length && this.src.startsWith(word, this.st[j]!);
  }
  private prevEnd(): number { return this.en[this.i - 1]!; }
  private curStart(): number { return this.st[this.i]!; }

  private fail(message = 'invalid syntax', start?: number, end?: number): never {
    const i = this.i;
    if (this.kind[i] === Tok.Error) throw new ParseError(this.st[i]!, this.en[i]!, '', true);
    if (start === undefined) {
      if (this.kind[i] === Tok.EndMarker || (this.kind[i] === Tok.Newline && this.st[i] === this.en[i] && this.st[i] === this.src.length)) {
        if (message === 'invalid syntax') message = 'unexpected EOF while parsing';
      }
      if (this.kind[i] === Tok.Indent && message === 'invalid syntax') message = 'unexpected indent';
      if (this.kind[i] === Tok.Dedent && message === 'invalid syntax') message = 'unindent does not match any outer indentation level';
      start = this.st[i]!;
      end = this.en[i]!;
    }
    throw new ParseError(start, end ?? start, message, false);
  }

  private expectOp(op: Op, text?: string): number {
    if (this.kind[this.i] === Tok.Op && this.sub[this.i] === op) return this.i++;
    return this.fail(text ? `expected '${text}'` : 'invalid syntax');
  }

  private expectKw(kw: Kw): number {
    if (this.kind[this.i] === Tok.Name && this.sub[this.i] === kw) return this.i++;
    return this.fail();
  }

  private identifier(): A.Identifier {
    const i = this.i;
    if (this.kind[i] !== Tok.Name || this.sub[i] !== 0) {
      if (this.kind[i] === Tok.Name) this.fail('invalid syntax');
      this.fail();
    }
    this.i++;
    return { name: this.nameText(i), start: this.st[i]!, end: this.en[i]! };
  }

  private nameText(i: number): string {
    const s = this.src.slice(this.st[i]!, this.en[i]!);
    for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) >= 128) return s.normalize('NFKC');
    return s;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
  }

  // ---------------------------------------------------------------------------------------------
  // statements and recovery

  /** Statements of the module (top = true) or of an indented block, up to its DEDENT. */
  private statementsUntilEnd(top: boolean): A.Stmt[] {
    const body: A.Stmt[] = [];
    for (;;) {
      const k = this.kind[this.i];
      if (k === Tok.EndMarker) break;
      if (k === Tok.Dedent) {
        if (top) { this.i++; continue; }
        break;
      }
      if (k === Tok.Newline) { this.i++; continue; }
      this.statementInto(body);
    }
    return body;
  }

  private statementInto(body: A.Stmt[]): void {
    const first = this.i;
    this.partial = [];
    this.partialBindings = [];
    this.partialImport = null;
    this.partialBlocks = null;
    const savedDepth = this.depth;
    const savedNesting = this.localNesting;
    const mark = this.namesTop;
    try {
      if (this.kind[first] === Tok.Indent) {
        this.fail('unexpected indent');
      }
      this.statement(body);
    } catch (e) {
      this.recoverFrom(e, first, savedDepth, savedNesting, mark, body);
    }
    this.namesTop = mark;
  }

  /**
   * A statement (or a match case) starting at token `first` failed with `e`: the nesting counters
   * go back to where it started, the error is recorded once, the names read before the error are
   * kept, and the tokens up to the next statement become an ErrorStmt in `into`.
   */
  private recoverFrom(e: unknown, first: number, depth: number, nesting: number, mark: number, into: A.Stmt[]): void {
    if (!(e instanceof ParseError)) throw e;
    this.depth = depth;
    this.localNesting = nesting;
    if (!e.recorded) this.errors.push({ start: e.start, end: e.end, message: e.message });
    this.partial = this.recoveredExpressions(mark);
    this.recover(first, into);
  }

  /**
   * What a failed statement read and bound before its error: `partial`, then the names it met that
   * `partial` does not hold, then the names of a def or class it had bound.
   */
  private recoveredExpressions(mark: number): A.Expr[] {
    const partial = this.partial;
    if (this.namesTop === mark && this.partialBindings.length === 0) return partial;
    const held = new Set<A.Expr>();
    const stack: unknown[] = [...partial];
    while (stack.length) {
      const node = stack.pop();
      if (typeof node !== 'object' || node === null) continue;
      if (Array.isArray(node)) { for (const x of node) stack.push(x); continue; }
      if ((node as A.Expr).type === 'Name') { held.add(node as A.Name); continue; }
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
        if (typeof value === 'object' && value !== null) stack.push(value);
      }
    }
    const result = [...partial];
    for (let k = mark; k < this.namesTop; k++) {
      const name = this.names[k]!;
      if (!held.has(name)) result.push(name);
    }
    for (const name of this.partialBindings) result.push(name);
    return result;
  }

  /** Skips to the next statement boundary and records the skipped text as an ErrorStmt. */
  private recover(first: number, body: A.Stmt[]): void {
    const partial = this.partial;
    this.partial = [];
    let j = Math.max(this.i, first);
    const kind = this.kind;
    const atLineStart = j > first && (kind[j - 1] === Tok.Newline || kind[j - 1] === Tok.Indent || kind[j - 1] === Tok.Dedent);
    if (!atLineStart || j === first) {
      if (kind[j] === Tok.Indent && j === first) {
        // unexpected indent: read the indented block as statements of this level
      } else {
        while (kind[j] !== Tok.Newline && kind[j] !== Tok.EndMarker) {
          if (j > first && (kind[j] === Tok.Dedent || kind[j] === Tok.Indent) && kind[j - 1] === Tok.Newline) break;
          j++;
        }
      }
    }
    let end = this.st[first]!;
    for (let k = first; k < j; k++) {
      if (kind[k] !== Tok.Newline && kind[k] !== Tok.Indent && kind[k] !== Tok.Dedent && this.en[k]! > end) end = this.en[k]!;
    }
    const start = this.st[first]!;
    const partialImport = this.partialImport !== null && this.partialImport.names.length > 0 ? this.partialImport : null;
    body.push({ type: 'ErrorStmt', start, end: Math.max(start, end), partial, partialImport });
    if (this.partialBlocks !== null) for (const block of this.partialBlocks) for (const s of block) body.push(detached(s));
    this.partialImport = null;
    this.partialBindings = [];
    this.partialBlocks = null;
    this.i = j;
    if (kind[this.i] === Tok.Newline) this.i++;
    // the indented body of a broken compound statement: read it so its names still count
    if (kind[this.i] === Tok.Indent) {
      this.i++;
      const inner = this.statementsUntilEnd(false);
      for (const s of inner) body.push(detached(s));
      if (kind[this.i] === Tok.Dedent) this.i++;
    }
  }

  private statement(body: A.Stmt[]): void {
    const i = this.i;
    const k = this.kind[i];
    if (k === Tok.Name) {
      switch (this.sub[i]) {
        case Kw.Def: body.push(this.funcDef([], i)); return;
        case Kw.Class: body.push(this.classDef([])); return;
        case Kw.If: body.push(this.ifStmt()); return;
        case Kw.While: body.push(this.whileStmt()); return;
        case Kw.For: body.push(this.forStmt(-1)); return;
        case Kw.Try: body.push(this.tryStmt()); return;
        case Kw.With: body.push(this.withStmt(-1)); return;
        case Kw.Async: {
          const n = this.sub[i + 1];
          if (this.kind[i + 1] === Tok.Name && (n === Kw.Def || n === Kw.For || n === Kw.With)) {
            this.i++;
            if (n === Kw.Def) body.push(this.funcDef([], i));
            else if (n === Kw.For) body.push(this.forStmt(i));
            else body.push(this.withStmt(i));
            return;
          }
          this.fail();
        }
        // eslint-disable-next-line no-fallthrough
        case 0:
          if (this.isSoft(i, 'match') && this.tryMatch(body)) return;
          break;
        default:
          break;
      }
    } else if (k === Tok.Op && this.sub[i] === Op.At) {
      body.push(this.decorated());
      return;
    }
    this.simpleStatements(body);
  }

  private simpleStatements(body: A.Stmt[]): void {
    for (;;) {
      const stmt = this.simpleStatement();
      // a statement followed by anything but `;` or the line end is not a statement (`x = f() 1`)
      if (!this.atStatementEnd()) this.fail();
      body.push(stmt);
      if (this.atOp(Op.Semi)) {
        this.i++;
        if (this.at(Tok.Newline)) break;
        continue;
      }
      break;
    }
    if (this.at(Tok.Newline)) { this.i++; return; }
    if (this.at(Tok.EndMarker)) return;
    this.fail();
  }

  private simpleStatement(): A.Stmt {
    const i = this.i;
    const start = this.st[i]!;
    if (this.kind[i] === Tok.Name) {
      switch (this.sub[i]) {
        case Kw.Pass: this.i++; return { type: 'Pass', start, end: this.en[i]! };
        case Kw.Break: this.i++; return { type: 'Break', start, end: this.en[i]! };
        case Kw.Continue: this.i++; return { type: 'Continue', start, end: this.en[i]! };
        case Kw.Return: {
          this.i++;
          let value: A.Expr | null = null;
          if (!this.atStatementEnd()) { value = this.starExpressions(); this.partial.push(value); }
          return { type: 'Return', start, end: this.prevEnd(), value };
        }
        case Kw.Raise: {
          this.i++;
          let exc: A.Expr | null = null;
          let cause: A.Expr | null = null;
          if (!this.atStatementEnd()) {
            exc = this.expression(); this.partial.push(exc);
            if (this.atKw(Kw.From)) { this.i++; cause = this.expression(); this.partial.push(cause); }
          }
          return { type: 'Raise', start, end: this.prevEnd(), exc, cause };
        }
        case Kw.Global: case Kw.Nonlocal: {
          const isGlobal = this.sub[i] === Kw.Global;
          this.i++;
          const names: A.Identifier[] = [this.identifier()];
          while (this.atOp(Op.Comma)) { this.i++; names.push(this.identifier()); }
          return isGlobal ? { type: 'Global', start, end: this.prevEnd(), names } : { type: 'Nonlocal', start, end: this.prevEnd(), names };
        }
        case Kw.Del: return this.delStmt();
        case Kw.Assert: {
          this.i++;
          const test = this.expression(); this.partial.push(test);
          let msg: A.Expr | null = null;
          if (this.atOp(Op.Comma)) { this.i++; msg = this.expression(); this.partial.push(msg); }
          return { type: 'Assert', start, end: this.prevEnd(), test, msg };
        }
        case Kw.Import: return this.importStmt();
        case Kw.From: return this.importFrom();
        case 0:
          if (this.isSoft(i, 'type') && this.kind[i + 1] === Tok.Name && this.sub[i + 1] === 0 && (this.opAt(i + 2, Op.Equal) || this.opAt(i + 2, Op.LSqb))) {
            return this.typeAlias();
          }
          break;
        default: break;
      }
    }
    return this.expressionStatement();
  }

  private atStatementEnd(): boolean {
    const k = this.kind[this.i];
    return k === Tok.Newline || k === Tok.EndMarker || (k === Tok.Op && this.sub[this.i] === Op.Semi);
  }

  private expressionStatement(): A.Stmt {
    const i = this.i;
    const start = this.st[i]!;
    const first = this.atKw(Kw.Yield) ? this.yieldExpr() : this.starExpressions();
    this.partial.push(first);
    if (this.kind[this.i] === Tok.Op) {
      const op = this.sub[this.i]!;
      if (op === Op.Equal) {
        const exprs: A.Expr[] = [first];
        while (this.atOp(Op.Equal)) {
          const eq = this.i;
          this.i++;
          if (this.atStatementEnd()) this.fail('invalid syntax', this.st[this.i], this.en[this.i]);
          const e = this.atKw(Kw.Yield) ? this.yieldExpr() : this.starExpressions();
          this.partial.push(e);
          exprs.push(e);
          void eq;
        }
        const value = exprs.pop()!;
        for (const t of exprs) this.toTarget(t, 'Store');
        return { type: 'Assign', start, end: this.prevEnd(), targets: exprs, value };
      }
      if (op === Op.Colon) {
        this.i++;
        this.checkAnnotationTarget(first);
        const annotation = this.expression();
        this.partial.push(annotation);
        let value: A.Expr | null = null;
        if (this.atOp(Op.Equal)) {
          this.i++;
          value = this.atKw(Kw.Yield) ? this.yieldExpr() : this.starExpressions();
          this.partial.push(value);
        }
        const simple = first.type === 'Name' && !this.parenthesized.has(first);
        return { type: 'AnnAssign', start, end: this.prevEnd(), target: first as A.Name, annotation, value, simple };
      }
      const aug = AUG_OPS[op];
      if (aug !== undefined) {
        if (first.type !== 'Name' && first.type !== 'Attribute' && first.type !== 'Subscript') {
          this.fail(`'${describe(first)}' is an illegal expression for augmented assignment`, first.start, first.end);
        }
        this.toTarget(first, 'Store');
        this.i++;
        const value = this.atKw(Kw.Yield) ? this.yieldExpr() : this.starExpressions();
        this.partial.push(value);
        return { type: 'AugAssign', start, end: this.prevEnd(), target: first, op: aug, value };
      }
    }
    if (!this.atStatementEnd()) {
      if (this.atOp(Op.ColonEqual)) this.fail('invalid syntax');
      if (first.type === 'Name' && (first.id === 'print' || first.id === 'exec') && !this.parenthesized.has(first)) {
        this.fail(`Missing parentheses in call to '${first.id}'. Did you mean ${first.id}(...)?`, first.start, this.en[this.i]);
      }
      this.fail();
    }
    return { type: 'ExprStmt', start, end: this.prevEnd(), value: first };
  }

  private checkAnnotationTarget(t: A.Expr): void {
    if (t.type === 'Name' || t.type === 'Attribute' || t.type === 'Subscript') {
      t.ctx = 'Store';
      return;
    }
    if (t.type === 'Tuple') this.fail('only single target (not tuple) can be annotated', t.start, t.end);
    if (t.type === 'List') this.fail('only single target (not list) can be annotated', t.start, t.end);
    this.fail('illegal target for annotation', t.start, t.end);
  }

  /** Turns an expression into an assignment (Store) or deletion (Del) target, or reports why it cannot be one. */
  private toTarget(e: A.Expr, ctx: A.ExprContext): void {
    switch (e.type) {
      case 'Name': e.ctx = ctx; return;
      case 'Attribute': case 'Subscript': e.ctx = ctx; return;
      case 'Starred':
        if (ctx === 'Del') this.fail('cannot delete starred', e.start, e.end);
        e.ctx = ctx;
        this.toTarget(e.value, ctx);
        return;
      case 'Tuple': case 'List':
        e.ctx = ctx;
        for (const x of e.elts) this.toTarget(x, ctx);
        return;
      default: {
        const what = describe(e);
        if (ctx === 'Del') this.fail(`cannot delete ${what}`, e.start, e.end);
        this.fail(e.type === 'Call' ? `cannot assign to function call here. Maybe you meant '==' instead of '='?`
          : `cannot assign to ${what}`, e.start, e.end);
      }
    }
  }

  private delStmt(): A.Stmt {
    const start = this.curStart();
    this.i++;
    const targets: A.Expr[] = [];
    for (;;) {
      const t = this.targetLike();
      this.partial.push(t);
      this.toTarget(t, 'Del');
      targets.push(t);
      if (!this.atOp(Op.Comma)) break;
      this.i++;
      if (this.atStatementEnd()) break;
    }
    if (!this.atStatementEnd()) this.fail();
    return { type: 'Delete', start, end: this.prevEnd(), targets };
  }

  /** A target in `for`, `del` and comprehensions: parsed at bitwise-or level so `in` is not consumed. */
  private targetLike(): A.Expr {
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      const v = this.bitOr();
      return { type: 'Starred', start: s, end: this.prevEnd(), value: v, ctx: 'Load' };
    }
    return this.bitOr();
  }

  private targetList(): A.Expr {
    const s = this.curStart();
    const first = this.targetLike();
    if (!this.atOp(Op.Comma)) return first;
    const elts = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (this.atKw(Kw.In) || this.atOp(Op.Equal)) break;
      elts.push(this.targetLike());
    }
    return { type: 'Tuple', start: s, end: this.prevEnd(), elts, ctx: 'Load' };
  }

  private dottedName(): A.Identifier {
    const first = this.identifier();
    let name = first.name;
    let end = first.end;
    while (this.atOp(Op.Dot)) {
      this.i++;
      const n = this.identifier();
      name += '.' + n.name;
      end = n.end;
    }
    return { name, start: first.start, end };
  }

  private importStmt(): A.Stmt {
    const start = this.curStart();
    this.i++;
    const names: A.Alias[] = [];
    // what was imported before an error still binds (`import numpy as np,` while typing binds np)
    const partial: A.Import = { type: 'Import', start, end: start, names };
    this.partialImport = partial;
    for (;;) {
      const name = this.dottedName();
      let asname: A.Identifier | null = null;
      if (this.atKw(Kw.As)) { this.i++; asname = this.identifier(); }
      names.push({ start: name.start, end: asname ? asname.end : name.end, name, asname });
      partial.end = this.prevEnd();
      if (!this.atOp(Op.Comma)) break;
      this.i++;
    }
    this.partialImport = null;
    return { type: 'Import', start, end: this.prevEnd(), names };
  }

  private importFrom(): A.Stmt {
    const start = this.curStart();
    this.i++;
    let level = 0;
    while (this.atOp(Op.Dot) || this.atOp(Op.Ellipsis)) { level += this.atOp(Op.Dot) ? 1 : 3; this.i++; }
    let module: A.Identifier | null = null;
    if (!this.atKw(Kw.Import)) module = this.dottedName();
    else if (level === 0) this.fail();
    this.expectKw(Kw.Import);
    const names: A.Alias[] = [];
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      names.push({ start: s, end: s + 1, name: { name: '*', start: s, end: s + 1 }, asname: null });
      return { type: 'ImportFrom', start, end: this.prevEnd(), module, names, level };
    }
    const paren = this.atOp(Op.LPar);
    if (paren) this.i++;
    const partial: A.ImportFrom = { type: 'ImportFrom', start, end: start, module, names, level };
    this.partialImport = partial;
    for (;;) {
      const name = this.identifier();
      let asname: A.Identifier | null = null;
      if (this.atKw(Kw.As)) { this.i++; asname = this.identifier(); }
      names.push({ start: name.start, end: asname ? asname.end : name.end, name, asname });
      partial.end = this.prevEnd();
      if (!this.atOp(Op.Comma)) break;
      this.i++;
      if (paren && this.atOp(Op.RPar)) break;
      if (!paren && this.atStatementEnd()) this.fail('trailing comma not allowed without surrounding parentheses', this.st[this.i - 1], this.en[this.i - 1]);
    }
    if (paren) this.expectOp(Op.RPar, ')');
    this.partialImport = null;
    return { type: 'ImportFrom', start, end: this.prevEnd(), module, names, level };
  }

  private typeAlias(): A.Stmt {
    const start = this.curStart();
    this.i++;
    const id = this.identifier();
    const name: A.Name = { type: 'Name', start: id.start, end: id.end, id: id.name, ctx: 'Store' };
    const typeParams = this.atOp(Op.LSqb) ? this.typeParams() : [];
    this.expectOp(Op.Equal, '=');
    const value = this.expression();
    this.partial.push(value);
    return { type: 'TypeAlias', start, end: this.prevEnd(), name, typeParams, value };
  }

  private typeParams(): A.TypeParam[] {
    this.expectOp(Op.LSqb);
    const params: A.TypeParam[] = [];
    if (this.atOp(Op.RSqb)) this.fail('Type parameter list cannot be empty');
    while (!this.atOp(Op.RSqb)) {
      const s = this.curStart();
      if (this.atOp(Op.Star) || this.atOp(Op.DoubleStar)) {
        const isTuple = this.atOp(Op.Star);
        this.i++;
        const name = this.identifier();
        if (this.atOp(Op.Colon)) {
          this.fail(isTuple ? 'cannot use bound with TypeVarTuple' : 'cannot use bound with ParamSpec', this.curStart(), this.en[this.i]);
        }
        let defaultValue: A.Expr | null = null;
        if (this.atOp(Op.Equal)) {
          this.i++;
          defaultValue = isTuple ? this.starExpression() : this.expression();
        }
        params.push(isTuple ? { type: 'TypeVarTuple', start: s, end: this.prevEnd(), name, defaultValue }
          : { type: 'ParamSpec', start: s, end: this.prevEnd(), name, defaultValue });
      } else {
        const name = this.identifier();
        let bound: A.Expr | null = null;
        let defaultValue: A.Expr | null = null;
        if (this.atOp(Op.Colon)) { this.i++; bound = this.expression(); }
        if (this.atOp(Op.Equal)) { this.i++; defaultValue = this.expression(); }
        params.push({ type: 'TypeVar', start: s, end: this.prevEnd(), name, bound, defaultValue });
      }
      if (!this.atOp(Op.Comma)) break;
      this.i++;
    }
    this.expectOp(Op.RSqb, ']');
    return params;
  }

  // --- compound statements

  /** The body after a compound statement's `:`: an indented block or simple statements on the same line. */
  private block(what: string, headerStart: number): A.Stmt[] {
    this.expectOp(Op.Colon, ':');
    const body: A.Stmt[] = [];
    if (this.at(Tok.Newline)) {
      this.i++;
      if (!this.at(Tok.Indent)) {
        this.fail(`expected an indented block after ${what} on line ${lineOf(this.src, headerStart)}`, this.st[this.i], this.en[this.i]);
      }
      this.i++;
      if (++this.depth > MAX_DEPTH) this.fail('too many statically nested blocks');
      const savedPartial = this.partial;
      const savedBindings = this.partialBindings;
      const savedBlocks = this.partialBlocks;
      while (!this.at(Tok.Dedent) && !this.at(Tok.EndMarker)) {
        if (this.at(Tok.Newline)) { this.i++; continue; }
        this.statementInto(body);
      }
      this.partial = savedPartial;
      this.partialBindings = savedBindings;
      this.partialBlocks = savedBlocks;
      this.partialImport = null;
      this.depth--;
      if (this.at(Tok.Dedent)) this.i++;
      if (body.length === 0) this.fail(`expected an indented block after ${what} on line ${lineOf(this.src, headerStart)}`);
      (this.partialBlocks ??= []).push(body);
      return body;
    }
    this.simpleStatements(body);
    (this.partialBlocks ??= []).push(body);
    return body;
  }

  /** End of the last token read that is not a NEWLINE, INDENT or DEDENT (where CPython ends a compound statement). */
  private lastTokenEnd(): number {
    let j = this.i - 1;
    while (j > 0 && (this.kind[j] === Tok.Newline || this.kind[j] === Tok.Indent || this.kind[j] === Tok.Dedent)) j--;
    return this.en[j]!;
  }

  private decorated(): A.Stmt {
    const decorators: A.Expr[] = [];
    while (this.atOp(Op.At)) {
      this.i++;
      const d = this.namedExpression();
      this.partial.push(d);
      decorators.push(d);
      if (!this.at(Tok.Newline)) this.fail();
      this.i++;
    }
    const i = this.i;
    if (this.atKw(Kw.Def)) return this.funcDef(decorators, i);
    if (this.atKw(Kw.Async) && this.kind[i + 1] === Tok.Name && this.sub[i + 1] === Kw.Def) { this.i++; return this.funcDef(decorators, i); }
    if (this.atKw(Kw.Class)) return this.classDef(decorators);
    return this.fail();
  }

  private funcDef(decorators: A.Expr[], startTok: number): A.FunctionDef {
    const isAsync = this.kind[startTok] === Tok.Name && this.sub[startTok] === Kw.Async;
    const start = this.st[startTok]!;
    this.expectKw(Kw.Def);
    const name = this.identifier();
    // a def broken after its name still binds it (`def f(:` while typing)
    this.partialBindings.push({ type: 'Name', start: name.start, end: name.end, id: name.name, ctx: 'Store' });
    const typeParams = this.atOp(Op.LSqb) ? this.typeParams() : [];
    this.expectOp(Op.LPar, '(');
    const args = this.parameters(Op.RPar, true);
    this.expectOp(Op.RPar, ')');
    let returns: A.Expr | null = null;
    if (this.atOp(Op.RArrow)) { this.i++; returns = this.expression(); this.partial.push(returns); }
    const body = this.block("function definition", start);
    return { type: 'FunctionDef', start, end: this.lastTokenEnd(), isAsync, name, args, body, decorators, returns, typeParams };
  }

  private classDef(decorators: A.Expr[]): A.ClassDef {
    const start = this.curStart();
    this.i++;
    const name = this.identifier();
    this.partialBindings.push({ type: 'Name', start: name.start, end: name.end, id: name.name, ctx: 'Store' });
    const typeParams = this.atOp(Op.LSqb) ? this.typeParams() : [];
    let bases: A.Expr[] = [];
    let keywords: A.Keyword[] = [];
    if (this.atOp(Op.LPar)) {
      this.i++;
      const r = this.callArguments(false);
      bases = r.args;
      keywords = r.keywords;
      this.expectOp(Op.RPar, ')');
    }
    const body = this.block("class definition", start);
    return { type: 'ClassDef', start, end: this.lastTokenEnd(), name, bases, keywords, body, decorators, typeParams };
  }

  /** Parameters of a def (annotations allowed) or a lambda, up to (not including) `close`. */
  private parameters(close: Op, annotations: boolean): A.Arguments {
    const startTok = this.i;
    const posonlyargs: A.Arg[] = [];
    let args: A.Arg[] = [];
    const defaults: A.Expr[] = [];
    let vararg: A.Arg | null = null;
    const kwonlyargs: A.Arg[] = [];
    const kwDefaults: Array<A.Expr | null> = [];
    let kwarg: A.Arg | null = null;
    let sawSlash = false;
    let sawStar = false;
    let lastEnd = -1;
    while (!this.atOp(close)) {
      if (kwarg) this.fail('arguments cannot follow var-keyword argument');
      if (this.atOp(Op.Slash)) {
        if (sawSlash) this.fail('/ may appear only once');
        if (sawStar) this.fail('/ must be ahead of *');
        if (args.length === 0) this.fail('at least one argument must precede /');
        sawSlash = true;
        for (const a of args) posonlyargs.push(a);
        args = [];
        lastEnd = this.en[this.i]!;
        this.i++;
      } else if (this.atOp(Op.Star)) {
        if (sawStar) this.fail('* argument may appear only once');
        sawStar = true;
        const s = this.curStart();
        this.i++;
        if (this.atOp(Op.Comma)) {
          lastEnd = this.prevEnd();
          const j = this.i + 1;
          if (this.opAt(j, close) || this.opAt(j, Op.DoubleStar)) this.fail('named arguments must follow bare *', s, s + 1);
        } else if (this.atOp(close)) {
          this.fail('named arguments must follow bare *', s, s + 1);
        } else {
          vararg = this.param(annotations, true);
          lastEnd = vararg.end;
          if (this.atOp(Op.Equal)) this.fail('var-positional argument cannot have default value');
        }
      } else if (this.atOp(Op.DoubleStar)) {
        this.i++;
        kwarg = this.param(annotations, false);
        lastEnd = kwarg.end;
        if (this.atOp(Op.Equal)) this.fail('var-keyword argument cannot have default value');
      } else {
        const a = this.param(annotations, false);
        let def: A.Expr | null = null;
        if (this.atOp(Op.Equal)) {
          this.i++;
          def = this.expression();
        }
        lastEnd = this.prevEnd();
        if (sawStar) {
          kwonlyargs.push(a);
          kwDefaults.push(def);
        } else {
          if (def) defaults.push(def);
          else if (defaults.length > 0) this.fail('parameter without a default follows parameter with a default', a.start, a.end);
          args.push(a);
        }
      }
      if (this.atOp(Op.Comma)) { this.i++; continue; }
      if (!this.atOp(close)) {
        if (close === Op.Colon && this.at(Tok.Op) && this.sub[this.i] === Op.RPar) this.fail();
        this.fail(close === Op.RPar ? "expected ')'" : 'invalid syntax');
      }
    }
    const start = this.i > startTok ? this.st[startTok]! : this.curStart();
    const end = lastEnd < 0 ? start : lastEnd;
    return { start, end, posonlyargs, args, vararg, kwonlyargs, kwDefaults, kwarg, defaults };
  }

  private param(annotations: boolean, star: boolean): A.Arg {
    const name = this.identifier();
    let annotation: A.Expr | null = null;
    if (annotations && this.atOp(Op.Colon)) {
      this.i++;
      annotation = star && this.atOp(Op.Star) ? this.starExpression() : this.expression();
    }
    return { start: name.start, end: this.prevEnd(), arg: name, annotation };
  }

  private ifStmt(): A.If {
    // `elif` chains are read in a loop and nested afterwards (an If in the orelse of the one before,
    // as in CPython), so thousands of them cannot exhaust the stack
    const clauses: Array<{ start: number; test: A.Expr; body: A.Stmt[] }> = [];
    let orelse: A.Stmt[] = [];
    for (;;) {
      const start = this.curStart();
      this.i++;
      const test = this.namedExpression();
      this.partial.push(test);
      const body = this.block(clauses.length ? "'elif' statement" : "'if' statement", start);
      clauses.push({ start, test, body });
      if (this.atKw(Kw.Elif)) {
        if (clauses.length >= MAX_ELIFS) this.fail('too many statically nested blocks');
        continue;
      }
      if (this.atKw(Kw.Else)) {
        const es = this.curStart();
        this.i++;
        orelse = this.block("'else' statement", es);
      }
      break;
    }
    const end = this.lastTokenEnd();
    let node: A.If | null = null;
    for (let k = clauses.length - 1; k >= 0; k--) {
      const c = clauses[k]!;
      node = { type: 'If', start: c.start, end, test: c.test, body: c.body, orelse: node ? [node] : orelse };
    }
    return node!;
  }

  private whileStmt(): A.While {
    const start = this.curStart();
    this.i++;
    const test = this.namedExpression();
    this.partial.push(test);
    const body = this.block("'while' statement", start);
    let orelse: A.Stmt[] = [];
    if (this.atKw(Kw.Else)) { const es = this.curStart(); this.i++; orelse = this.block("'else' statement", es); }
    return { type: 'While', start, end: this.lastTokenEnd(), test, body, orelse };
  }

  private forStmt(asyncTok: number): A.For {
    const start = asyncTok >= 0 ? this.st[asyncTok]! : this.curStart();
    this.expectKw(Kw.For);
    const target = this.targetList();
    this.partial.push(target);
    this.toTarget(target, 'Store');
    this.expectKw(Kw.In);
    const iter = this.starExpressions();
    this.partial.push(iter);
    const body = this.block("'for' statement", start);
    let orelse: A.Stmt[] = [];
    if (this.atKw(Kw.Else)) { const es = this.curStart(); this.i++; orelse = this.block("'else' statement", es); }
    return { type: 'For', start, end: this.lastTokenEnd(), isAsync: asyncTok >= 0, target, iter, body, orelse };
  }

  private withStmt(asyncTok: number): A.With {
    const start = asyncTok >= 0 ? this.st[asyncTok]! : this.curStart();
    this.expectKw(Kw.With);
    let items: A.WithItem[] | null = null;
    if (this.atOp(Op.LPar)) {
      // `with (a as b, c):` — try the parenthesized item list; fall back to an expression
      const save = this.i;
      const savedDepth = this.depth;
      const savedPartial = this.partial.length;
      const savedNames = this.namesTop;
      const savedNesting = this.localNesting;
      try {
        this.i++;
        const list: A.WithItem[] = [];
        for (;;) {
          list.push(this.withItem());
          if (!this.atOp(Op.Comma)) break;
          this.i++;
          if (this.atOp(Op.RPar)) break;
        }
        this.expectOp(Op.RPar);
        if (!this.atOp(Op.Colon)) throw new ParseError(0, 0, '', false);
        items = list;
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.i = save;
        this.depth = savedDepth;
        this.partial.length = savedPartial;
        this.namesTop = savedNames;
        this.localNesting = savedNesting;
      }
    }
    if (!items) {
      items = [];
      for (;;) {
        items.push(this.withItem());
        if (!this.atOp(Op.Comma)) break;
        this.i++;
      }
    }
    const body = this.block("'with' statement", start);
    return { type: 'With', start, end: this.lastTokenEnd(), isAsync: asyncTok >= 0, items, body };
  }

  private withItem(): A.WithItem {
    const contextExpr = this.expression();
    this.partial.push(contextExpr);
    let optionalVars: A.Expr | null = null;
    if (this.atKw(Kw.As)) {
      this.i++;
      optionalVars = this.targetLike();
      if (!this.atOp(Op.Comma) && !this.atOp(Op.RPar) && !this.atOp(Op.Colon)) this.fail();
      this.toTarget(optionalVars, 'Store');
    }
    return { start: contextExpr.start, end: optionalVars ? optionalVars.end : contextExpr.end, contextExpr, optionalVars };
  }

  private tryStmt(): A.Try {
    const start = this.curStart();
    this.i++;
    const body = this.block("'try' statement", start);
    const handlers: A.ExceptHandler[] = [];
    let star = -1;
    while (this.atKw(Kw.Except)) {
      const hs = this.curStart();
      this.i++;
      let isStar = false;
      if (this.atOp(Op.Star)) { isStar = true; this.i++; }
      if (star === -1) star = isStar ? 1 : 0;
      else if ((star === 1) !== isStar) this.fail("cannot have both 'except' and 'except*' on the same 'try'", hs, this.prevEnd());
      let exceptionType: A.Expr | null = null;
      let name: A.Identifier | null = null;
      if (!this.atOp(Op.Colon)) {
        exceptionType = this.expression();
        this.partial.push(exceptionType);
        if (this.atOp(Op.Comma)) this.fail('multiple exception types must be parenthesized', exceptionType.start, this.en[this.i]);
        if (this.atKw(Kw.As)) { this.i++; name = this.identifier(); }
      } else if (isStar) {
        this.fail('expected one or more exception types');
      }
      const hbody = this.block(isStar ? "'except*' statement" : "'except' statement", hs);
      handlers.push({ type: 'ExceptHandler', start: hs, end: this.lastTokenEnd(), exceptionType, name, body: hbody });
    }
    let orelse: A.Stmt[] = [];
    let finalbody: A.Stmt[] = [];
    if (this.atKw(Kw.Else)) {
      if (handlers.length === 0) this.fail("expected 'except' or 'finally' block");
      const es = this.curStart(); this.i++; orelse = this.block("'else' statement", es);
    }
    if (this.atKw(Kw.Finally)) { const fs = this.curStart(); this.i++; finalbody = this.block("'finally' statement", fs); }
    if (handlers.length === 0 && finalbody.length === 0) this.fail("expected 'except' or 'finally' block");
    return { type: 'Try', start, end: this.lastTokenEnd(), isStar: star === 1, body, handlers, orelse, finalbody };
  }

  // --- match

  /**
   * A `match` statement into `body`, or false (nothing read) when the line is not one. Once its header
   * and the block's INDENT are read, a case that fails is recovered inside the match block: its error
   * recorded, an ErrorStmt for its line, then its body's statements, and the next case is read, so the
   * match's DEDENT closes the match, never the block around it.
   */
  private tryMatch(body: A.Stmt[]): boolean {
    const save = this.i;
    const savedDepth = this.depth;
    const savedNames = this.namesTop;
    const savedNesting = this.localNesting;
    const start = this.curStart();
    this.i++;
    // quick rejections: `match = ...`, `match.x`, `match(...)` followed by no colon are expressions
    let subject: A.Expr;
    try {
      if (this.atStatementEnd() || this.atOp(Op.Equal) || this.atOp(Op.Dot) || this.atOp(Op.Colon)) throw new ParseError(0, 0, '', false);
      const subjectStart = this.curStart();
      const first = this.starNamedExpression();
      if (this.atOp(Op.Comma)) {
        const elts = [first];
        while (this.atOp(Op.Comma)) {
          this.i++;
          if (this.atOp(Op.Colon)) break;
          elts.push(this.starNamedExpression());
        }
        subject = { type: 'Tuple', start: subjectStart, end: this.prevEnd(), elts, ctx: 'Load' };
      } else {
        if (first.type === 'Starred') throw new ParseError(0, 0, '', false);
        subject = first;
      }
      if (!this.atOp(Op.Colon) || this.kind[this.i + 1] !== Tok.Newline) throw new ParseError(0, 0, '', false);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.i = save;
      this.depth = savedDepth;
      this.namesTop = savedNames;
      this.localNesting = savedNesting;
      return false;
    }
    this.partial.push(subject);
    const headerEnd = this.en[this.i]!;
    this.i += 2;
    if (!this.at(Tok.Indent)) this.fail(`expected an indented block after 'match' statement on line ${lineOf(this.src, start)}`);
    this.i++;
    const cases: A.MatchCase[] = [];
    // what broken cases leave: an ErrorStmt each, and the statements of their bodies
    const recovered: A.Stmt[] = [];
    const matchPartial = this.partial;
    while (!this.at(Tok.Dedent) && !this.at(Tok.EndMarker)) {
      if (this.at(Tok.Newline)) { this.i++; continue; }
      if (!this.isSoft(this.i, 'case') && !this.at(Tok.Indent)) {
        // a statement where a case must be: reported there, then read as a statement so its names count
        try {
          this.fail();
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
          if (!e.recorded) this.errors.push({ start: e.start, end: e.end, message: e.message });
        }
        this.statementInto(recovered);
        continue;
      }
      const first = this.i;
      const caseDepth = this.depth;
      const caseNesting = this.localNesting;
      const mark = this.namesTop;
      const matchBlocks = this.partialBlocks;
      this.partial = [];
      this.partialBlocks = null;
      try {
        if (this.at(Tok.Indent)) this.fail('unexpected indent');
        const cs = this.curStart();
        this.i++;
        const pattern = this.patterns();
        let guard: A.Expr | null = null;
        if (this.atKw(Kw.If)) { this.i++; guard = this.namedExpression(); this.partial.push(guard); }
        const caseBody = this.block("'case' statement", cs);
        cases.push({ start: cs, end: caseBody[caseBody.length - 1]!.end, pattern, guard, body: caseBody });
      } catch (e) {
        this.recoverFrom(e, first, caseDepth, caseNesting, mark, recovered);
      }
      this.partialBlocks = matchBlocks;
      this.namesTop = mark;
    }
    this.partial = matchPartial;
    if (this.at(Tok.Dedent)) this.i++;
    if (cases.length > 0) body.push({ type: 'Match', start, end: cases[cases.length - 1]!.end, subject, cases });
    else body.push({ type: 'ErrorStmt', start, end: headerEnd, partial: [subject], partialImport: null });
    for (const s of recovered) body.push(s);
    return true;
  }

  private patterns(): A.Pattern {
    const s = this.curStart();
    const first = this.maybeStarPattern();
    if (!this.atOp(Op.Comma)) {
      if (first.type === 'MatchStar') return { type: 'MatchSequence', start: first.start, end: first.end, patterns: [first] };
      return first;
    }
    const patterns = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (this.atOp(Op.Colon) || this.atKw(Kw.If)) break;
      patterns.push(this.maybeStarPattern());
    }
    return { type: 'MatchSequence', start: s, end: this.prevEnd(), patterns };
  }

  private maybeStarPattern(): A.Pattern {
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      const id = this.identifier();
      return { type: 'MatchStar', start: s, end: id.end, name: id.name === '_' ? null : id };
    }
    return this.pattern();
  }

  private pattern(): A.Pattern {
    this.enter();
    const s = this.curStart();
    const p = this.orPattern();
    if (this.atKw(Kw.As)) {
      this.i++;
      const id = this.identifier();
      if (id.name === '_') this.fail("cannot use '_' as a target", id.start, id.end);
      this.depth--;
      return { type: 'MatchAs', start: s, end: id.end, pattern: p, name: id };
    }
    this.depth--;
    return p;
  }

  private orPattern(): A.Pattern {
    const s = this.curStart();
    const first = this.closedPattern();
    if (!this.atOp(Op.VBar)) return first;
    const patterns = [first];
    while (this.atOp(Op.VBar)) { this.i++; patterns.push(this.closedPattern()); }
    return { type: 'MatchOr', start: s, end: this.prevEnd(), patterns };
  }

  private closedPattern(): A.Pattern {
    const i = this.i;
    const k = this.kind[i];
    const s = this.st[i]!;
    if (k === Tok.Number || (k === Tok.Op && this.sub[i] === Op.Minus)) {
      const v = this.signedNumberPattern();
      return { type: 'MatchValue', start: v.start, end: v.end, value: v };
    }
    if (k === Tok.String || k === Tok.FStringStart) {
      const v = this.strings();
      return { type: 'MatchValue', start: v.start, end: v.end, value: v };
    }
    if (k === Tok.Name) {
      const sb = this.sub[i];
      if (sb === Kw.NoneKw || sb === Kw.True || sb === Kw.False) {
        this.i++;
        return { type: 'MatchSingleton', start: s, end: this.en[i]!, value: sb === Kw.NoneKw ? 'None' : sb === Kw.True ? 'True' : 'False' };
      }
      const id = this.identifier();
      let value: A.Expr = { type: 'Name', start: id.start, end: id.end, id: id.name, ctx: 'Load' };
      let dotted = false;
      while (this.atOp(Op.Dot)) {
        this.i++;
        const attr = this.identifier();
        value = { type: 'Attribute', start: value.start, end: attr.end, value, attr, ctx: 'Load' };
        dotted = true;
      }
      if (this.atOp(Op.LPar)) return this.classPattern(value);
      if (dotted) return { type: 'MatchValue', start: value.start, end: value.end, value };
      return { type: 'MatchAs', start: id.start, end: id.end, pattern: null, name: id.name === '_' ? null : id };
    }
    if (k === Tok.Op) {
      const op = this.sub[i];
      if (op === Op.LPar || op === Op.LSqb) {
        const close = op === Op.LPar ? Op.RPar : Op.RSqb;
        this.i++;
        this.enter();
        if (this.atOp(close)) {
          this.i++;
          this.depth--;
          return { type: 'MatchSequence', start: s, end: this.prevEnd(), patterns: [] };
        }
        const first = this.maybeStarPattern();
        if (op === Op.LPar && this.atOp(Op.RPar) && first.type !== 'MatchStar') {
          this.i++;
          this.depth--;
          return first; // a group
        }
        const patterns = [first];
        while (this.atOp(Op.Comma)) {
          this.i++;
          if (this.atOp(close)) break;
          patterns.push(this.maybeStarPattern());
        }
        this.expectOp(close);
        this.depth--;
        return { type: 'MatchSequence', start: s, end: this.prevEnd(), patterns };
      }
      if (op === Op.LBrace) return this.mappingPattern();
    }
    return this.fail();
  }

  private signedNumberPattern(): A.Expr {
    const s = this.curStart();
    let left: A.Expr;
    if (this.atOp(Op.Minus)) {
      this.i++;
      if (!this.at(Tok.Number)) this.fail();
      const n = this.number();
      left = { type: 'UnaryOp', start: s, end: n.end, op: '-', operand: n };
    } else {
      left = this.number();
    }
    if (this.atOp(Op.Plus) || this.atOp(Op.Minus)) {
      const op: A.BinaryOperator = this.atOp(Op.Plus) ? '+' : '-';
      this.i++;
      if (!this.at(Tok.Number)) this.fail();
      const right = this.number();
      if (right.kind !== 'complex') this.fail('imaginary number required in complex literal', right.start, right.end);
      if (left.type === 'Constant' && left.kind === 'complex' || (left.type === 'UnaryOp' && (left.operand as A.Constant).kind === 'complex')) {
        this.fail('real number required in complex literal', left.start, left.end);
      }
      return { type: 'BinOp', start: s, end: right.end, left, op, right };
    }
    return left;
  }

  private mappingPattern(): A.Pattern {
    const s = this.curStart();
    this.i++;
    this.enter();
    const keys: A.Expr[] = [];
    const patterns: A.Pattern[] = [];
    let rest: A.Identifier | null = null;
    while (!this.atOp(Op.RBrace)) {
      if (rest) this.fail();
      if (this.atOp(Op.DoubleStar)) {
        this.i++;
        rest = this.identifier();
        if (rest.name === '_') this.fail('invalid syntax', rest.start, rest.end);
      } else {
        let key: A.Expr;
        const k = this.kind[this.i];
        if (k === Tok.Number || this.atOp(Op.Minus)) key = this.signedNumberPattern();
        else if (k === Tok.String || k === Tok.FStringStart) {
          key = this.strings();
        } else if (this.atKw(Kw.NoneKw) || this.atKw(Kw.True) || this.atKw(Kw.False)) {
          const i = this.i++;
          const sb = this.sub[i];
          key = { type: 'Constant', start: this.st[i]!, end: this.en[i]!, kind: sb === Kw.NoneKw ? 'None' : sb === Kw.True ? 'True' : 'False', value: sb === Kw.NoneKw ? 'None' : sb === Kw.True ? 'True' : 'False', prefixU: false };
        } else {
          const id = this.identifier();
          key = { type: 'Name', start: id.start, end: id.end, id: id.name, ctx: 'Load' };
          if (!this.atOp(Op.Dot)) this.fail();
          while (this.atOp(Op.Dot)) {
            this.i++;
            const attr = this.identifier();
            key = { type: 'Attribute', start: key.start, end: attr.end, value: key, attr, ctx: 'Load' };
          }
        }
        this.expectOp(Op.Colon, ':');
        keys.push(key);
        patterns.push(this.pattern());
      }
      if (!this.atOp(Op.Comma)) break;
      this.i++;
    }
    this.expectOp(Op.RBrace, '}');
    this.depth--;
    return { type: 'MatchMapping', start: s, end: this.prevEnd(), keys, patterns, rest };
  }

  private classPattern(cls: A.Expr): A.Pattern {
    this.i++;
    this.enter();
    const patterns: A.Pattern[] = [];
    const kwdAttrs: A.Identifier[] = [];
    const kwdPatterns: A.Pattern[] = [];
    while (!this.atOp(Op.RPar)) {
      if (this.atName() && this.opAt(this.i + 1, Op.Equal)) {
        const id = this.identifier();
        this.i++;
        kwdAttrs.push(id);
        kwdPatterns.push(this.pattern());
      } else {
        const p = this.pattern();
        if (kwdAttrs.length) this.fail('positional patterns follow keyword patterns', p.start, p.end);
        patterns.push(p);
      }
      if (!this.atOp(Op.Comma)) break;
      this.i++;
    }
    this.expectOp(Op.RPar, ')');
    this.depth--;
    return { type: 'MatchClass', start: cls.start, end: this.prevEnd(), cls, patterns, kwdAttrs, kwdPatterns };
  }

  // ---------------------------------------------------------------------------------------------
  // expressions

  /** star_expressions: `a`, `*a, b`, `a, b,` (a Tuple when there is a comma). */
  private starExpressions(): A.Expr {
    const s = this.curStart();
    const first = this.starExpression();
    if (!this.atOp(Op.Comma)) return first;
    const elts = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (!this.startsExpression()) break;
      elts.push(this.starExpression());
    }
    return { type: 'Tuple', start: s, end: this.prevEnd(), elts, ctx: 'Load' };
  }

  private startsExpression(): boolean {
    const k = this.kind[this.i];
    if (k === Tok.Name) {
      const sb = this.sub[this.i];
      return sb === 0 || sb === Kw.NoneKw || sb === Kw.True || sb === Kw.False || sb === Kw.Not || sb === Kw.Lambda || sb === Kw.Await;
    }
    if (k === Tok.Number || k === Tok.String || k === Tok.FStringStart) return true;
    if (k === Tok.Op) {
      const op = this.sub[this.i];
      return op === Op.LPar || op === Op.LSqb || op === Op.LBrace || op === Op.Minus || op === Op.Plus || op === Op.Tilde
        || op === Op.Star || op === Op.Ellipsis;
    }
    return false;
  }

  private starExpression(): A.Expr {
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      const v = this.bitOr();
      return { type: 'Starred', start: s, end: this.prevEnd(), value: v, ctx: 'Load' };
    }
    return this.expression();
  }

  private starNamedExpression(): A.Expr {
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      const v = this.bitOr();
      return { type: 'Starred', start: s, end: this.prevEnd(), value: v, ctx: 'Load' };
    }
    return this.namedExpression();
  }

  private namedExpression(): A.Expr {
    if (this.atName() && this.opAt(this.i + 1, Op.ColonEqual)) {
      const i = this.i;
      this.i += 2;
      const target: A.Name = { type: 'Name', start: this.st[i]!, end: this.en[i]!, id: this.nameText(i), ctx: 'Store' };
      if (this.localNesting === 0) this.names[this.namesTop++] = target;
      const value = this.expression();
      return { type: 'NamedExpr', start: target.start, end: this.prevEnd(), target, value };
    }
    const e = this.expression();
    if (this.atOp(Op.ColonEqual)) {
      this.fail(`cannot use assignment expressions with ${describe(e) === 'expression' && e.type !== 'Name' ? describe(e) : e.type === 'Attribute' ? 'attribute' : e.type === 'Subscript' ? 'subscript' : describe(e)}`, e.start, e.end);
    }
    return e;
  }

  /** expression: ternary, lambda. */
  private expression(): A.Expr {
    if (++this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
    let result: A.Expr;
    if (this.atKw(Kw.Lambda)) {
      result = this.lambda();
    } else {
      const s = this.curStart();
      const body = this.disjunction();
      if (this.atKw(Kw.If)) {
        this.i++;
        const test = this.disjunction();
        if (!this.atKw(Kw.Else)) this.fail("expected 'else' after 'if' expression");
        this.i++;
        const orelse = this.expression();
        result = { type: 'IfExp', start: s, end: this.prevEnd(), test, body, orelse };
      } else {
        result = body;
      }
    }
    this.depth--;
    return result;
  }

  private lambda(): A.Expr {
    const start = this.curStart();
    this.i++;
    const args = this.parameters(Op.Colon, false);
    this.expectOp(Op.Colon, ':');
    // the body's names may be the parameters, and run only when called: not recorded
    this.localNesting++;
    const body = this.expression();
    this.localNesting--;
    return { type: 'Lambda', start, end: this.prevEnd(), args, body };
  }

  private disjunction(): A.Expr {
    const s = this.curStart();
    const first = this.conjunction();
    if (!this.atKw(Kw.Or)) return first;
    const values = [first];
    while (this.atKw(Kw.Or)) { this.i++; values.push(this.conjunction()); }
    return { type: 'BoolOp', start: s, end: this.prevEnd(), op: 'or', values };
  }

  private conjunction(): A.Expr {
    const s = this.curStart();
    const first = this.inversion();
    if (!this.atKw(Kw.And)) return first;
    const values = [first];
    while (this.atKw(Kw.And)) { this.i++; values.push(this.inversion()); }
    return { type: 'BoolOp', start: s, end: this.prevEnd(), op: 'and', values };
  }

  private inversion(): A.Expr {
    if (!this.atKw(Kw.Not)) return this.comparison();
    const starts: number[] = [];
    while (this.atKw(Kw.Not)) { starts.push(this.curStart()); this.i++; }
    if (this.depth + starts.length > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
    let e = this.comparison();
    for (let k = starts.length - 1; k >= 0; k--) e = { type: 'UnaryOp', start: starts[k]!, end: this.prevEnd(), op: 'not', operand: e };
    return e;
  }

  private comparison(): A.Expr {
    const s = this.curStart();
    const left = this.bitOr();
    let ops: A.CompareOperator[] | null = null;
    let comparators: A.Expr[] | null = null;
    for (;;) {
      let op: A.CompareOperator | undefined;
      const k = this.kind[this.i];
      if (k === Tok.Op) {
        op = COMPARE_OPS[this.sub[this.i]!];
        if (op === undefined) break;
        this.i++;
      } else if (k === Tok.Name) {
        const sb = this.sub[this.i];
        if (sb === Kw.In) { op = 'in'; this.i++; } else if (sb === Kw.Is) {
          this.i++;
          if (this.atKw(Kw.Not)) { this.i++; op = 'is not'; } else op = 'is';
        } else if (sb === Kw.Not && this.kind[this.i + 1] === Tok.Name && this.sub[this.i + 1] === Kw.In) {
          this.i += 2; op = 'not in';
        } else break;
      } else break;
      if (!ops) { ops = []; comparators = []; }
      ops.push(op);
      comparators!.push(this.bitOr());
    }
    if (!ops) return left;
    return { type: 'Compare', start: s, end: this.prevEnd(), left, ops, comparators: comparators! };
  }

  private bitOr(): A.Expr {
    return this.binary(1);
  }

  /** Binary operators by precedence climbing (all left-associative). */
  private binary(minPrec: number): A.Expr {
    const s = this.curStart();
    let left = this.factor();
    let chain = 0;
    for (;;) {
      if (this.kind[this.i] !== Tok.Op) break;
      const op = this.sub[this.i]!;
      const prec = BIN_PREC[op]!;
      if (prec === 0 || prec < minPrec) break;
      this.i++;
      const right = prec === 6 ? this.factor() : this.binary(prec + 1);
      left = { type: 'BinOp', start: s, end: this.prevEnd(), left, op: BIN_OP[op]!, right };
      if (++chain + this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
    }
    return left;
  }

  private factor(): A.Expr {
    const k = this.kind[this.i];
    if (k === Tok.Op) {
      const op = this.sub[this.i];
      if (op === Op.Minus || op === Op.Plus || op === Op.Tilde) {
        const ops: number[] = [];
        const starts: number[] = [];
        while (this.kind[this.i] === Tok.Op && (this.sub[this.i] === Op.Minus || this.sub[this.i] === Op.Plus || this.sub[this.i] === Op.Tilde)) {
          ops.push(this.sub[this.i]!); starts.push(this.curStart()); this.i++;
        }
        if (this.depth + ops.length > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
        let e = this.power();
        for (let j = ops.length - 1; j >= 0; j--) {
          const o = ops[j];
          e = { type: 'UnaryOp', start: starts[j]!, end: this.prevEnd(), op: o === Op.Minus ? '-' : o === Op.Plus ? '+' : '~', operand: e };
        }
        return e;
      }
    }
    return this.power();
  }

  private power(): A.Expr {
    const s = this.curStart();
    const base = this.awaitPrimary();
    if (!this.atOp(Op.DoubleStar)) return base;
    this.i++;
    if (++this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
    const exp = this.factor();
    this.depth--;
    return { type: 'BinOp', start: s, end: this.prevEnd(), left: base, op: '**', right: exp };
  }

  private awaitPrimary(): A.Expr {
    if (this.atKw(Kw.Await)) {
      const s = this.curStart();
      this.i++;
      if (++this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
      const v = this.primary();
      this.depth--;
      return { type: 'Await', start: s, end: this.prevEnd(), value: v };
    }
    return this.primary();
  }

  private primary(): A.Expr {
    const s = this.curStart();
    let e = this.atom();
    let chain = 0;
    for (;;) {
      if (this.kind[this.i] !== Tok.Op) break;
      const op = this.sub[this.i];
      if (op === Op.Dot) {
        this.i++;
        const attr = this.identifier();
        e = { type: 'Attribute', start: s, end: attr.end, value: e, attr, ctx: 'Load' };
      } else if (op === Op.LPar) {
        e = this.call(e, s);
      } else if (op === Op.LSqb) {
        this.i++;
        const slice = this.slices();
        this.expectOp(Op.RSqb, ']');
        e = { type: 'Subscript', start: s, end: this.prevEnd(), value: e, slice, ctx: 'Load' };
      } else break;
      if (++chain + this.depth > MAX_DEPTH) this.fail('too many nested expressions (the parser gives up beyond 1000 levels)');
    }
    return e;
  }

  private slices(): A.Expr {
    if (this.atOp(Op.RSqb)) this.fail('invalid syntax');
    const s = this.curStart();
    const first = this.sliceItem();
    if (!this.atOp(Op.Comma)) {
      if (first.type === 'Starred') return { type: 'Tuple', start: s, end: this.prevEnd(), elts: [first], ctx: 'Load' };
      return first;
    }
    const elts = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (this.atOp(Op.RSqb)) break;
      elts.push(this.sliceItem());
    }
    return { type: 'Tuple', start: s, end: this.prevEnd(), elts, ctx: 'Load' };
  }

  private sliceItem(): A.Expr {
    if (this.atOp(Op.Star)) {
      const s = this.curStart();
      this.i++;
      const v = this.bitOr();
      return { type: 'Starred', start: s, end: this.prevEnd(), value: v, ctx: 'Load' };
    }
    const s = this.curStart();
    let lower: A.Expr | null = null;
    if (!this.atOp(Op.Colon)) {
      lower = this.namedExpression();
      if (!this.atOp(Op.Colon)) return lower;
    }
    this.i++;
    let upper: A.Expr | null = null;
    let step: A.Expr | null = null;
    if (!this.atOp(Op.Colon) && !this.atOp(Op.Comma) && !this.atOp(Op.RSqb)) upper = this.expression();
    if (this.atOp(Op.Colon)) {
      this.i++;
      if (!this.atOp(Op.Comma) && !this.atOp(Op.RSqb)) step = this.expression();
    }
    return { type: 'Slice', start: s, end: this.prevEnd(), lower, upper, step };
  }

  private call(func: A.Expr, start: number): A.Expr {
    const open = this.i;
    this.i++;
    this.enter();
    // a lone generator expression argument: f(x for x in y)
    let args: A.Expr[];
    let keywords: A.Keyword[];
    const r = this.callArguments(true);
    args = r.args;
    keywords = r.keywords;
    this.expectOp(Op.RPar, ')');
    if (r.genexp) {
      const g = args[0] as A.GeneratorExp;
      g.start = this.st[open]!;
      g.end = this.prevEnd();
    }
    this.depth--;
    return { type: 'Call', start, end: this.prevEnd(), func, args, keywords };
  }

  private callArguments(allowGenexp: boolean): { args: A.Expr[]; keywords: A.Keyword[]; genexp: boolean } {
    const args: A.Expr[] = [];
    const keywords: A.Keyword[] = [];
    let sawKeyword = false;
    let sawDoubleStar = false;
    let genexp = false;
    let count = 0;
    while (!this.atOp(Op.RPar)) {
      const s = this.curStart();
      if (this.atOp(Op.Star)) {
        this.i++;
        const v = this.expression();
        if (sawDoubleStar) this.fail('iterable argument unpacking follows keyword argument unpacking', s, v.end);
        args.push({ type: 'Starred', start: s, end: this.prevEnd(), value: v, ctx: 'Load' });
      } else if (this.atOp(Op.DoubleStar)) {
        this.i++;
        const v = this.expression();
        keywords.push({ start: s, end: this.prevEnd(), arg: null, value: v });
        sawDoubleStar = true;
      } else if (this.atName() && this.opAt(this.i + 1, Op.Equal)) {
        const id = this.identifier();
        this.i++;
        const v = this.expression();
        keywords.push({ start: s, end: this.prevEnd(), arg: id, value: v });
        sawKeyword = true;
      } else {
        if (this.kind[this.i] === Tok.Name && this.sub[this.i] !== 0 && this.opAt(this.i + 1, Op.Equal)) {
          const kw = this.sub[this.i];
          if (kw === Kw.True || kw === Kw.False || kw === Kw.NoneKw) this.fail(`cannot assign to ${this.src.slice(this.st[this.i]!, this.en[this.i]!)}`, this.st[this.i], this.en[this.i]);
          this.fail('invalid syntax');
        }
        const eltMark = this.namesTop;
        let v = this.namedExpression();
        if (this.atComprehension()) {
          const generators = this.comprehensionClauses(eltMark);
          v = { type: 'GeneratorExp', start: v.start, end: this.prevEnd(), elt: v, generators };
          if (!allowGenexp || count > 0 || !this.atOp(Op.RPar)) this.fail('Generator expression must be parenthesized', v.start, v.end);
          genexp = true;
        } else if (this.atOp(Op.Equal)) {
          this.fail('expression cannot contain assignment, perhaps you meant "=="?', v.start, this.en[this.i]);
        }
        if (sawDoubleStar) this.fail('positional argument follows keyword argument unpacking', v.start, v.end);
        if (sawKeyword) this.fail('positional argument follows keyword argument', v.start, v.end);
        args.push(v);
      }
      count++;
      if (!this.atOp(Op.Comma)) break;
      this.i++;
    }
    return { args, keywords, genexp };
  }

  /**
   * `for ... in ... if ...` clauses. `eltMark` is where the names of the element (read before the
   * comprehension showed itself) start: they, the targets and everything after the first iterable may
   * be the comprehension's own, so only the first iterable's names stay recorded.
   */
  private comprehensionClauses(eltMark: number): A.Comprehension[] {
    this.namesTop = eltMark;
    const gens: A.Comprehension[] = [];
    for (;;) {
      const s = this.curStart();
      let isAsync = false;
      if (this.atKw(Kw.Async)) {
        if (!(this.kind[this.i + 1] === Tok.Name && this.sub[this.i + 1] === Kw.For)) break;
        isAsync = true;
        this.i++;
      }
      if (!this.atKw(Kw.For)) break;
      this.i++;
      this.localNesting++;
      const target = this.targetList();
      this.toTarget(target, 'Store');
      this.expectKw(Kw.In);
      if (gens.length === 0) this.localNesting--;
      const iter = this.disjunction();
      if (gens.length === 0) this.localNesting++;
      const ifs: A.Expr[] = [];
      while (this.atKw(Kw.If)) { this.i++; ifs.push(this.disjunction()); }
      this.localNesting--;
      const last = ifs.length ? ifs[ifs.length - 1]! : iter;
      gens.push({ start: s, end: last.end, target, iter, ifs, isAsync });
    }
    return gens;
  }

  private atComprehension(): boolean {
    return this.atKw(Kw.For) || (this.atKw(Kw.Async) && this.kind[this.i + 1] === Tok.Name && this.sub[this.i + 1] === Kw.For);
  }

  private yieldExpr(): A.Expr {
    const s = this.curStart();
    this.i++;
    if (this.atKw(Kw.From)) {
      this.i++;
      const v = this.expression();
      return { type: 'YieldFrom', start: s, end: this.prevEnd(), value: v };
    }
    let value: A.Expr | null = null;
    if (this.startsExpression()) value = this.starExpressions();
    return { type: 'Yield', start: s, end: this.prevEnd(), value };
  }

  private number(): A.Constant {
    const i = this.i++;
    const s = this.st[i]!;
    const e = this.en[i]!;
    const text = this.src.slice(s, e);
    let kind: A.ConstantKind = 'int';
    const last = text.charCodeAt(text.length - 1) | 32;
    if (last === 106) kind = 'complex';
    else if (!(text.length > 1 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) | 32) === 120)) {
      for (let k = 0; k < text.length; k++) {
        const c = text.charCodeAt(k) | 32;
        if (c === 46 || c === 101) { kind = 'float'; break; }
      }
    }
    return { type: 'Constant', start: s, end: e, kind, value: text, prefixU: false };
  }

  private atom(): A.Expr {
    const i = this.i;
    const k = this.kind[i];
    const s = this.st[i]!;
    switch (k) {
      case Tok.Name: {
        const sb = this.sub[i];
        if (sb === 0) {
          this.i++;
          const name: A.Name = { type: 'Name', start: s, end: this.en[i]!, id: this.nameText(i), ctx: 'Load' };
          if (this.localNesting === 0) this.names[this.namesTop++] = name;
          return name;
        }
        if (sb === Kw.True || sb === Kw.False || sb === Kw.NoneKw) {
          this.i++;
          const v = sb === Kw.True ? 'True' : sb === Kw.False ? 'False' : 'None';
          return { type: 'Constant', start: s, end: this.en[i]!, kind: v, value: v, prefixU: false };
        }
        return this.fail();
      }
      case Tok.Number: return this.number();
      case Tok.String: case Tok.FStringStart: return this.strings();
      case Tok.Op: {
        const op = this.sub[i];
        if (op === Op.LPar) return this.parenAtom();
        if (op === Op.LSqb) return this.listAtom();
        if (op === Op.LBrace) return this.braceAtom();
        if (op === Op.Ellipsis) { this.i++; return { type: 'Constant', start: s, end: this.en[i]!, kind: 'Ellipsis', value: '...', prefixU: false }; }
        return this.fail();
      }
      default:
        return this.fail();
    }
  }

  private parenAtom(): A.Expr {
    const s = this.curStart();
    this.i++;
    this.enter();
    if (this.atOp(Op.RPar)) {
      this.i++;
      this.depth--;
      return { type: 'Tuple', start: s, end: this.prevEnd(), elts: [], ctx: 'Load' };
    }
    if (this.atKw(Kw.Yield)) {
      const y = this.yieldExpr();
      this.expectOp(Op.RPar, ')');
      this.depth--;
      this.parenthesized.add(y);
      return y;
    }
    const eltMark = this.namesTop;
    const first = this.starNamedExpression();
    if (this.atComprehension()) {
      if (first.type === 'Starred') this.fail('iterable unpacking cannot be used in comprehension', first.start, first.end);
      const generators = this.comprehensionClauses(eltMark);
      this.expectOp(Op.RPar, ')');
      this.depth--;
      return { type: 'GeneratorExp', start: s, end: this.prevEnd(), elt: first, generators };
    }
    if (this.atOp(Op.RPar)) {
      this.i++;
      this.depth--;
      if (first.type === 'Starred') this.fail('cannot use starred expression here', first.start, first.end);
      this.parenthesized.add(first);
      return first;
    }
    if (!this.atOp(Op.Comma)) {
      if (first.type === 'NamedExpr' || this.atOp(Op.Equal) || this.atOp(Op.ColonEqual)) this.fail();
      this.fail("'(' was never closed", s, s + 1);
    }
    const elts = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (this.atOp(Op.RPar)) break;
      elts.push(this.starNamedExpression());
    }
    this.expectOp(Op.RPar, ')');
    this.depth--;
    return { type: 'Tuple', start: s, end: this.prevEnd(), elts, ctx: 'Load' };
  }

  private listAtom(): A.Expr {
    const s = this.curStart();
    this.i++;
    this.enter();
    if (this.atOp(Op.RSqb)) {
      this.i++;
      this.depth--;
      return { type: 'List', start: s, end: this.prevEnd(), elts: [], ctx: 'Load' };
    }
    const eltMark = this.namesTop;
    const first = this.starNamedExpression();
    if (this.atComprehension()) {
      if (first.type === 'Starred') this.fail('iterable unpacking cannot be used in comprehension', first.start, first.end);
      const generators = this.comprehensionClauses(eltMark);
      this.expectOp(Op.RSqb, ']');
      this.depth--;
      return { type: 'ListComp', start: s, end: this.prevEnd(), elt: first, generators };
    }
    const elts = [first];
    while (this.atOp(Op.Comma)) {
      this.i++;
      if (this.atOp(Op.RSqb)) break;
      elts.push(this.starNamedExpression());
    }
    this.expectOp(Op.RSqb, ']');
    this.depth--;
    return { type: 'List', start: s, end: this.prevEnd(), elts, ctx: 'Load' };
  }

  private braceAtom(): A.Expr {
    const s = this.curStart();
    this.i++;
    this.enter();
    if (this.atOp(Op.RBrace)) {
      this.i++;
      this.depth--;
      return { type: 'Dict', start: s, end: this.prevEnd(), keys: [], values: [] };
    }
    let result: A.Expr;
    if (this.atOp(Op.DoubleStar)) {
      result = this.dictRest(s, [], []);
    } else {
      const eltMark = this.namesTop;
      const first = this.starNamedExpression();
      if (this.atOp(Op.Colon) && first.type !== 'Starred' && (first.type !== 'NamedExpr' || this.parenthesized.has(first))) {
        this.i++;
        const value = this.expression();
        if (this.atComprehension()) {
          const generators = this.comprehensionClauses(eltMark);
          this.expectOp(Op.RBrace, '}');
          result = { type: 'DictComp', start: s, end: this.prevEnd(), key: first, value, generators };
        } else {
          result = this.dictRest(s, [first], [value]);
        }
      } else if (this.atComprehension()) {
        if (first.type === 'Starred') this.fail('iterable unpacking cannot be used in comprehension', first.start, first.end);
        const generators = this.comprehensionClauses(eltMark);
        this.expectOp(Op.RBrace, '}');
        result = { type: 'SetComp', start: s, end: this.prevEnd(), elt: first, generators };
      } else {
        const elts = [first];
        while (this.atOp(Op.Comma)) {
          this.i++;
          if (this.atOp(Op.RBrace)) break;
          elts.push(this.starNamedExpression());
        }
        this.expectOp(Op.RBrace, '}');
        result = { type: 'Set', start: s, end: this.prevEnd(), elts };
      }
    }
    this.depth--;
    return result;
  }

  private dictRest(s: number, keys: Array<A.Expr | null>, values: A.Expr[]): A.Expr {
    let first = keys.length === 0;
    for (;;) {
      if (!first) {
        if (!this.atOp(Op.Comma)) break;
        this.i++;
        if (this.atOp(Op.RBrace)) break;
      }
      first = false;
      if (this.atOp(Op.DoubleStar)) {
        this.i++;
        keys.push(null);
        values.push(this.bitOr());
      } else {
        const k = this.expression();
        this.expectOp(Op.Colon, ':');
        keys.push(k);
        values.push(this.expression());
      }
    }
    if (this.atComprehension()) this.fail('dict unpacking cannot be used in dict comprehension');
    this.expectOp(Op.RBrace, '}');
    return { type: 'Dict', start: s, end: this.prevEnd(), keys, values };
  }

  // ---------------------------------------------------------------------------------------------
  // strings

  /** Adjacent string and f-string tokens, concatenated as CPython does. */
  private strings(): A.Expr {
    const s = this.st[this.i]!;
    let hasF = false;
    let bytes = -1; // -1 unknown, 0 str, 1 bytes
    const parts: Array<A.Constant | A.FormattedValue> = [];
    let strValue = '';
    let pendStart = -1;
    let pendEnd = -1;
    let prefixU = false;
    let first = true;
    for (;;) {
      const k = this.kind[this.i];
      if (k === Tok.String) {
        const i = this.i++;
        const ts = this.st[i]!;
        const te = this.en[i]!;
        let q = ts;
        while (this.src.charCodeAt(q) !== 34 && this.src.charCodeAt(q) !== 39) q++;
        const flags = q > ts ? stringPrefix(this.src, ts, q) : 0;
        const isBytes = (flags & 2) !== 0;
        if (first && (flags & 8)) prefixU = true;
        first = false;
        if (bytes === -1) bytes = isBytes ? 1 : 0;
        else if ((bytes === 1) !== isBytes) this.fail('cannot mix bytes and nonbytes literals', s, te);
        const quote = this.src.charCodeAt(q);
        const triple = te - q >= 6 && this.src.charCodeAt(q + 1) === quote && this.src.charCodeAt(q + 2) === quote;
        const qlen = triple ? 3 : 1;
        const value = this.decode(q + qlen, te - qlen, (flags & 1) !== 0, isBytes);
        if (isBytes) continue;
        if (hasF) this.pushConstant(parts, value, ts, te);
        else {
          strValue += value;
          if (pendStart < 0) pendStart = ts;
          pendEnd = te;
        }
        continue;
      }
      if (k === Tok.FStringStart) {
        if (bytes === 1) this.fail('cannot mix bytes and nonbytes literals', s, this.en[this.i]);
        bytes = 0;
        first = false;
        if (!hasF) {
          hasF = true;
          if (pendStart >= 0) this.pushConstant(parts, strValue, pendStart, pendEnd);
        }
        this.fstring(parts);
        continue;
      }
      break;
    }
    const e = this.prevEnd();
    if (bytes === 1) {
      return { type: 'Constant', start: s, end: e, kind: 'bytes', value: this.src.slice(s, e), prefixU: false };
    }
    if (!hasF) return { type: 'Constant', start: s, end: e, kind: 'str', value: strValue, prefixU };
    return { type: 'JoinedStr', start: s, end: e, values: dropEmpty(parts) };
  }

  /** Appends a literal piece, merging it with a literal just before it (CPython joins adjacent literals). */
  private pushConstant(parts: Array<A.Constant | A.FormattedValue>, value: string, start: number, end: number): void {
    const last = parts[parts.length - 1];
    if (last && last.type === 'Constant') {
      last.value += value;
      last.end = end;
      return;
    }
    if (value === '' ) {
      parts.push({ type: 'Constant', start, end, kind: 'str', value: '', prefixU: false });
      return;
    }
    parts.push({ type: 'Constant', start, end, kind: 'str', value, prefixU: false });
  }

  private fstring(parts: Array<A.Constant | A.FormattedValue>): void {
    const startTok = this.i++;
    const ts = this.st[startTok]!;
    let q = ts;
    while (this.src.charCodeAt(q) !== 34 && this.src.charCodeAt(q) !== 39) q++;
    const flags = stringPrefix(this.src, ts, q);
    const raw = (flags & 1) !== 0;
    this.enter();
    for (;;) {
      const k = this.kind[this.i];
      if (k === Tok.FStringEnd) {
        this.i++;
        // a literal right before the closing quote ends at the quote
        break;
      }
      if (k === Tok.FStringMiddle) {
        const i = this.i++;
        const value = this.decode(this.st[i]!, this.en[i]!, raw, false, true);
        this.pushConstant(parts, value, this.st[i]!, this.en[i]!);
        continue;
      }
      if (k === Tok.Op && this.sub[this.i] === Op.LBrace) {
        parts.push(this.replacementField(raw, parts));
        continue;
      }
      this.fail();
    }
    this.depth--;
  }

  private replacementField(raw: boolean, parts: Array<A.Constant | A.FormattedValue>): A.FormattedValue {
    const open = this.i++;
    const s = this.st[open]!;
    if (this.atOp(Op.RBrace)) this.fail("f-string: valid expression required before '}'", s, this.en[this.i]);
    if (this.atOp(Op.Exclamation) || this.atOp(Op.Colon) || this.atOp(Op.Equal)) {
      this.fail(`f-string: valid expression required before '${this.src[this.st[this.i]!]}'`, s, this.en[this.i]);
    }
    const value = this.atKw(Kw.Yield) ? this.yieldExpr() : this.starExpressions();
    this.partial.push(value);
    let conversion = -1;
    let debug = false;
    if (this.atOp(Op.Equal)) {
      debug = true;
      const eqEnd = this.en[this.i]!;
      this.i++;
      // the debug text runs from after `{` to after `=` plus any whitespace before `!`, `:` or `}`
      const textEnd = this.curStart();
      void eqEnd;
      this.pushConstant(parts, this.src.slice(this.en[open]!, textEnd).replace(/\r\n?/g, '\n'), this.en[open]!, textEnd);
    }
    if (this.atOp(Op.Exclamation)) {
      const bang = this.i++;
      if (!this.atName() && !(this.kind[this.i] === Tok.Name)) this.fail("f-string: missing conversion character");
      const ci = this.i;
      if (this.st[ci] !== this.en[bang]) this.fail('f-string: conversion type must come right after the exclamanation mark', this.st[ci], this.en[ci]);
      const text = this.src.slice(this.st[ci]!, this.en[ci]!);
      if (text !== 's' && text !== 'r' && text !== 'a') {
        this.fail(`f-string: invalid conversion character '${text}': expected 's', 'r', or 'a'`, this.st[ci], this.en[ci]);
      }
      conversion = text.charCodeAt(0);
      this.i++;
    }
    let formatSpec: A.JoinedStr | A.Constant | null = null;
    if (this.atOp(Op.Colon)) {
      const colon = this.i++;
      const specParts: Array<A.Constant | A.FormattedValue> = [];
      // literal pieces as CPython's tokenizer cuts them (it ends one after each `\N{...}` escape)
      let literalPieces = 0;
      let fields = 0;
      while (!this.atOp(Op.RBrace)) {
        const k = this.kind[this.i];
        if (k === Tok.FStringMiddle) {
          const i = this.i++;
          literalPieces += raw ? 1 : namedEscapePieces(this.src, this.st[i]!, this.en[i]!);
          // CPython 3.13 decodes a spec's text with escapes even in a raw f-string (rf"{x:\x41}" has spec 'A')
          this.pushConstant(specParts, this.decode(this.st[i]!, this.en[i]!, false, false, true), this.st[i]!, this.en[i]!);
        } else if (k === Tok.Op && this.sub[this.i] === Op.LBrace) {
          specParts.push(this.replacementField(raw, specParts));
          fields++;
        } else this.fail("f-string: expecting '}'");
      }
      const values = dropEmpty(specParts);
      // CPython 3.13 joins a spec of two or more literal pieces and no field into one str constant
      formatSpec = fields === 0 && literalPieces >= 2 && values.length === 1 ? values[0] as A.Constant
        : { type: 'JoinedStr', start: this.st[colon]!, end: this.curStart(), values };
    }
    if (!this.atOp(Op.RBrace)) this.fail("f-string: expecting '}'");
    this.i++;
    if (debug && conversion === -1 && formatSpec === null) conversion = 114;
    return { type: 'FormattedValue', start: s, end: this.prevEnd(), value, conversion, formatSpec };
  }

  /**
   * Decodes the body of a string literal (between the quotes) as CPython does: escapes (unless raw),
   * line continuations, and CRLF/CR normalised to LF. For bytes only validity is checked (the tree
   * keeps the source text of bytes). In f-string literal parts `{{`/`}}` are single braces.
   */
  private decode(s: number, e: number, raw: boolean, bytes: boolean, fstring = false): string {
    const src = this.src;
    // fast path: nothing to do
    let simple = true;
    for (let p = s; p < e; p++) {
      const c = src.charCodeAt(p);
      if (c === 92 || c === 13 || (fstring && (c === 123 || c === 125)) || (bytes && c >= 128)) { simple = false; break; }
    }
    if (simple) return bytes ? '' : src.slice(s, e);
    let out = '';
    let p = s;
    let chunk = s;
    while (p < e) {
      const c = src.charCodeAt(p);
      if (bytes && c >= 128) this.fail('bytes can only contain ASCII literal characters', p, p + 1);
      if (c === 13) {
        out += src.slice(chunk, p) + '\n';
        p += src.charCodeAt(p + 1) === 10 ? 2 : 1;
        chunk = p;
        continue;
      }
      if (fstring && (c === 123 || c === 125)) {
        // doubled brace in the literal part
        out += src.slice(chunk, p + 1);
        p += src.charCodeAt(p + 1) === c ? 2 : 1;
        chunk = p;
        continue;
      }
      if (c !== 92) { p++; continue; }
      if (raw) {
        // backslash stays; it only protects the next char from ending the string
        p++;
        continue;
      }
      out += src.slice(chunk, p);
      const d = src.charCodeAt(p + 1);
      if (d === 13) { p += src.charCodeAt(p + 2) === 10 ? 3 : 2; chunk = p; continue; }
      const simpleEsc = SIMPLE_ESCAPES[d];
      if (simpleEsc !== undefined) { out += simpleEsc; p += 2; chunk = p; continue; }
      if (d >= 48 && d <= 55) {
        let v = 0;
        let q = p + 1;
        while (q < p + 4 && q < e && src.charCodeAt(q) >= 48 && src.charCodeAt(q) <= 55) { v = v * 8 + src.charCodeAt(q) - 48; q++; }
        out += String.fromCharCode(bytes ? v & 0xff : v);
        p = q; chunk = p;
        continue;
      }
      if (d === 120 /* x */ || (!bytes && (d === 117 || d === 85))) {
        const len = d === 120 ? 2 : d === 117 ? 4 : 8;
        let v = 0;
        for (let k = 0; k < len; k++) {
          const h = p + 2 + k < e ? hexValue(src.charCodeAt(p + 2 + k)) : -1;
          if (h < 0) this.fail(`(${bytes ? 'value' : 'unicode'} error) ${bytes ? "invalid \\x escape at position " + (p - s) : `'unicodeescape' codec can't decode bytes in position ${p - s}-${p - s + 1 + k}: truncated \\${String.fromCharCode(d)}${'X'.repeat(len)} escape`}`, p, p + 2 + k);
          v = v * 16 + h;
        }
        if (v > 0x10ffff) this.fail(`(unicode error) 'unicodeescape' codec can't decode bytes in position ${p - s}-${p - s + 9}: illegal Unicode character`, p, p + 10);
        out += String.fromCodePoint(v);
        p += 2 + len; chunk = p;
        continue;
      }
      if (!bytes && d === 78 /* N */) {
        if (p + 2 >= e || src.charCodeAt(p + 2) !== 123) this.fail(`(unicode error) 'unicodeescape' codec can't decode bytes in position ${p - s}-${p - s + 1}: malformed \\N character escape`, p, p + 2);
        let q = p + 3;
        while (q < e && src.charCodeAt(q) !== 125) q++;
        if (q >= e || q === p + 3) this.fail(`(unicode error) 'unicodeescape' codec can't decode bytes in position ${p - s}-${q - s}: malformed \\N character escape`, p, q);
        const codePoint = lookupUnicodeName(src.slice(p + 3, q));
        if (codePoint === null) this.fail(`(unicode error) 'unicodeescape' codec can't decode bytes in position ${p - s}-${q - s}: unknown Unicode character name`, p, q + 1);
        // without the name table (a build that left it out) the escape is kept as written
        out += codePoint === undefined ? src.slice(p, q + 1) : String.fromCodePoint(codePoint);
        p = q + 1; chunk = p;
        continue;
      }
      // unknown escape: kept with its backslash (a SyntaxWarning in CPython)
      out += '\\';
      p += 1; chunk = p;
    }
    out += src.slice(chunk, e);
    return bytes ? '' : out;
  }
}

/**
 * A statement of a broken compound statement's block, moved into the enclosing block by recovery: a
 * `return`, `raise`, `break` or `continue` there would end the enclosing block's flow (hiding every read
 * after it), so it becomes an ErrorStmt holding its expressions.
 */
function detached(s: A.Stmt): A.Stmt {
  switch (s.type) {
    case 'Return': return { type: 'ErrorStmt', start: s.start, end: s.end, partial: s.value ? [s.value] : [], partialImport: null };
    case 'Raise': return { type: 'ErrorStmt', start: s.start, end: s.end, partial: [...(s.exc ? [s.exc] : []), ...(s.cause ? [s.cause] : [])], partialImport: null };
    case 'Break': case 'Continue': return { type: 'ErrorStmt', start: s.start, end: s.end, partial: [], partialImport: null };
    default: return s;
  }
}

/**
 * How many FSTRING_MIDDLE tokens CPython 3.13 makes of the f-string literal `src[s..e)`: its tokenizer
 * ends one right after each `\N{...}` escape that more text follows.
 */
function namedEscapePieces(src: string, s: number, e: number): number {
  let pieces = 1;
  for (let p = s; p < e; p++) {
    if (src.charCodeAt(p) !== 92) continue;
    if (src.charCodeAt(p + 1) === 78 && src.charCodeAt(p + 2) === 123) {
      const close = src.indexOf('}', p + 3);
      if (close >= 0 && close < e - 1) pieces++;
      if (close >= 0) p = close;
    } else {
      p++; // an escaped character (a backslash among them) starts no escape
    }
  }
  return pieces;
}

function dropEmpty(parts: Array<A.Constant | A.FormattedValue>): Array<A.Constant | A.FormattedValue> {
  for (const p of parts) if (p.type === 'Constant' && p.value === '') return parts.filter((x) => x.type !== 'Constant' || x.value !== '');
  return parts;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}
