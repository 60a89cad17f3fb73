/**
 * Exact per-cell dataflow for notebook code cells: which notebook-global names a cell reads, binds and
 * deletes, following CPython 3.11–3.13 scoping. Pure: no vscode, no LSP, no disk.
 *
 * ## Definitions (test/oracle/cell_scope.py implements the same definitions independently over `ast`)
 *
 * A cell runs as module-level code in the notebook namespace. We walk it in execution order keeping D,
 * the set of names *definitely bound by this cell* at that point (flow-sensitive, "must" analysis):
 * - sequence: statements thread D; `return`/`raise`/`break`/`continue` make the rest of the path
 *   unreachable (an unreachable path binds everything, i.e. it is the identity of the join);
 * - `if`/`elif`/`else`, ternaries, `and`/`or`, `assert ..., msg`, `match` cases: D after is the
 *   intersection over the paths (a missing `else` or no irrefutable `case` is an empty path);
 * - `for`/`while`: the body and the loop target are never definite after the loop (zero iterations);
 *   the `else` clause runs after the loop's test; when the body can `break`, D after is the
 *   intersection of the test state and the `else` state. Names deleted in the body are not definite;
 * - `try`: handlers start from the state before `try` (the exception may come first); D after the
 *   statement is the intersection of (body then `else`) and each handler; `finally` starts from the
 *   intersection of the pre-try state and that result, and its deletions apply to the result;
 * - `except E as err` binds `err` and unbinds it when the handler ends;
 * - `with` bodies are sequential (we assume no context manager swallows an exception);
 * - comprehensions, lambdas and defs do not leak: a `:=` inside a comprehension binds in the
 *   enclosing scope (a write) but is not definite after the comprehension (zero iterations).
 *
 * `reads`: a Load (or a `del`, which needs the binding) of a name that resolves to the notebook's
 * global namespace, executed when the cell runs, at a point where the name is not in D. First such
 * occurrence per name, in source order. Names that are builtins (Python's `builtins` module plus what
 * IPython injects into every user namespace: `display`, `get_ipython`, `__IPYTHON__`, `In`, `Out`,
 * `_`, `__`, `___`, `_i*`, `_<n>`, `exit`, `quit`) go to `builtinReads` instead: they never depend on
 * another cell, unless some cell shadows them, which the notebook-level analysis decides.
 * `lateReads`: global Loads inside function, lambda and lazily-evaluated bodies (they run when
 * called), for names that are neither in `reads` nor definitely bound when the cell ends.
 * `writes`: every binding of a global name anywhere in the cell (including `global`-declared writes
 * inside functions, which happen when called). `deletes`: every `del` of a global name.
 *
 * Resolution follows the compiler: function and comprehension scopes bind a name if any binding
 * occurs anywhere in them (parameters, targets, imports, def/class, `del`, walrus, `x: T`), minus
 * `global`/`nonlocal` declarations; class bodies look names up in the class namespace first
 * (flow-sensitively) and do not enclose nested functions or comprehensions. Annotations of variables
 * are evaluated only at module and class level, annotations of defs when the def runs, neither under
 * `from __future__ import annotations`. Defaults and decorators run when the def runs.
 * A star import binds names we cannot know: reads after it are still reported, and the consumer sees
 * `star: true` in `imports`.
 */
import { maskMagics, type MagicKind, type MaskedCell } from './magics';
import { isSpaceCode, stringPieces } from './stringLiterals';
import { parseModule } from '../python/parser';
import type {
  Arg,
  Arguments,
  ClassDef,
  Constant,
  ErrorStmt,
  DictComp,
  ExceptHandler,
  Expr,
  For,
  FormattedValue,
  FunctionDef,
  GeneratorExp,
  Identifier,
  If,
  Import,
  ImportFrom,
  JoinedStr,
  Keyword,
  Lambda,
  ListComp,
  Match,
  Module,
  Name,
  Pattern,
  SetComp,
  Span,
  Stmt,
  Try,
  TypeAlias,
  TypeParam,
  While,
  With,
} from '../python/ast';


export interface NameRef {
  name: string;
  start: number;
  end: number;
}

export interface ImportRef {
  /** Absolute dotted module, or the dotted part after the dots of a relative import ('' for `from . import x`). */
  module: string;
  level: number;
  /** Imported names of `from m import a, b` (original names, not aliases); empty for `import m`. */
  names: string[];
  star: boolean;
  start: number;
  end: number;
  moduleStart: number;
  moduleEnd: number;
  /** Runs when the cell runs: not inside a def or lambda. */
  topLevel: boolean;
}

export interface DefinedFunction {
  /** `f`, `Class.method`, or `<lambda>`. */
  name: string;
  start: number;
  end: number;
  /** Non-builtin global names its body reads when called, first occurrence order. */
  readsGlobals: string[];
}

export interface CallRef {
  /** Dotted text like `np.random.seed`; the callee's source text when it is not a dotted name. */
  callee: string;
  start: number;
  end: number;
  keywordArgs: string[];
  args: Array<{ start: number; end: number }>;
}

export interface CellAnalysis {
  /** False when the cell is opaque (a non-Python cell magic) or the parser is unavailable. */
  parsed: boolean;
  syntaxErrors: Array<{ start: number; end: number; message: string }>;
  magics: Array<{ kind: MagicKind; start: number; end: number; text: string }>;
  reads: NameRef[];
  /** Reads of builtin names not bound earlier in the cell (a dependency only if a cell shadows them). */
  builtinReads: NameRef[];
  lateReads: NameRef[];
  writes: NameRef[];
  deletes: NameRef[];
  imports: ImportRef[];
  globalDecls: NameRef[];
  nonlocalDecls: NameRef[];
  topLevelReturn: boolean;
  topLevelYield: boolean;
  topLevelAwait: boolean;
  definedFunctions: DefinedFunction[];
  calls: CallRef[];
  strings: Array<{ value: string; start: number; end: number }>;
}

const PYTHON_BUILTINS = new Set(
  (
    'ArithmeticError AssertionError AttributeError BaseException BaseExceptionGroup BlockingIOError ' +
    'BrokenPipeError BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ' +
    'ConnectionRefusedError ConnectionResetError DeprecationWarning EOFError Ellipsis EncodingWarning ' +
    'EnvironmentError Exception ExceptionGroup False FileExistsError FileNotFoundError FloatingPointError ' +
    'FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError ' +
    'InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError MemoryError ' +
    'ModuleNotFoundError NameError None NotADirectoryError NotImplemented NotImplementedError OSError ' +
    'OverflowError PendingDeprecationWarning PermissionError ProcessLookupError PythonFinalizationError ' +
    'RecursionError ReferenceError ResourceWarning RuntimeError RuntimeWarning StopAsyncIteration ' +
    'StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TimeoutError True TypeError ' +
    'UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError ' +
    'UnicodeWarning UserWarning ValueError Warning ZeroDivisionError __build_class__ __debug__ __doc__ ' +
    '__import__ __loader__ __name__ __package__ __spec__ __builtins__ abs aiter all anext any ascii bin ' +
    'bool breakpoint bytearray bytes callable chr classmethod compile complex copyright credits delattr ' +
    'dict dir divmod enumerate eval exec exit filter float format frozenset getattr globals hasattr hash ' +
    'help hex id input int isinstance issubclass iter len license list locals map max memoryview min next ' +
    'object oct open ord pow print property quit range repr reversed round set setattr slice sorted ' +
    'staticmethod str sum super tuple type vars zip'
  ).split(' '),
);

/** What IPython puts into every user namespace at start-up, so no cell has to define it. */
const IPYTHON_NAMESPACE = new Set(['display', 'get_ipython', '__IPYTHON__', 'In', 'Out', '_', '__', '___', '_i', '_ii', '_iii', '_ih', '_oh', '_dh', 'exit', 'quit']);

export function isBuiltinName(name: string): boolean {
  if (PYTHON_BUILTINS.has(name) || IPYTHON_NAMESPACE.has(name)) return true;
  // Output and input history: `_12`, `_i12`.
  if (name.length > 1 && name[0] === '_') {
    const digits = name[1] === 'i' ? name.slice(2) : name.slice(1);
    return digits.length > 0 && [...digits].every((c) => c >= '0' && c <= '9');
  }
  return false;
}

/** Definitely-bound names on one execution path; `dead` marks a path that cannot reach this point. */
class Flow {
  constructor(
    public bound: Set<string> = new Set(),
    public dead = false,
  ) {}
  has(name: string): boolean {
    return this.dead || this.bound.has(name);
  }
  copy(): Flow {
    return new Flow(new Set(this.bound), this.dead);
  }
  assign(other: Flow): void {
    this.bound = new Set(other.bound);
    this.dead = other.dead;
  }
  /** `assign` for a flow nobody reads afterwards (a fresh join or copy): takes its set instead of copying it. */
  adopt(fresh: Flow): void {
    this.bound = fresh.bound;
    this.dead = fresh.dead;
  }
  /** The names bound on every live path, in the first live path's order. Reads its inputs only. */
  static join(paths: Flow[]): Flow {
    let first: Flow | null = null;
    const rest: Flow[] = [];
    for (const path of paths) {
      if (path.dead) continue;
      if (first === null) first = path;
      else rest.push(path);
    }
    if (first === null) return new Flow(new Set(), true);
    const bound = new Set<string>();
    nextName: for (const name of first.bound) {
      for (const path of rest) if (!path.bound.has(name)) continue nextName;
      bound.add(name);
    }
    return new Flow(bound);
  }
}

type ScopeKind = 'module' | 'class' | 'function' | 'comprehension';

interface Scope {
  kind: ScopeKind;
  name: string;
  parent: Scope | null;
  /** Function and comprehension scopes: every name bound anywhere in the scope. */
  locals: Set<string>;
  globals: Set<string>;
  nonlocals: Set<string>;
  /** Module and class scopes: what is definitely bound now. Function scopes carry an unused one. */
  flow: Flow;
}

interface FunctionRecord {
  readsGlobals: Set<string>;
}

interface Ctx {
  scope: Scope;
  /** Code that runs only when a function is called (or a lazily evaluated body). */
  late: boolean;
  fn: FunctionRecord | null;
  inFunction: boolean;
  /** `%timeit`: bindings go to a throwaway namespace. */
  discardWrites: boolean;
}

/** First occurrence per name, reported in source order. */
class FirstRefs {
  private readonly byName = new Map<string, NameRef>();
  add(name: string, start: number, end: number): void {
    const known = this.byName.get(name);
    if (!known || start < known.start) this.byName.set(name, { name, start, end });
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  list(): NameRef[] {
    return [...this.byName.values()].sort((a, b) => a.start - b.start);
  }
}


/**
 * A one-line string literal, quotes included, whose value is its text between the quotes: optional
 * prefix letters, one quote character, then no quote, backslash, brace or line break until the same quote.
 */
const PLAIN_STRING = /^[A-Za-z]*(?:"([^"\\{}\r\n]*)"|'([^'\\{}\r\n]*)')$/;

function newScope(kind: ScopeKind, name: string, parent: Scope | null): Scope {
  return { kind, name, parent, locals: new Set(), globals: new Set(), nonlocals: new Set(), flow: new Flow() };
}

class CellWalker {
  private readonly moduleScope = newScope('module', '', null);
  private readonly moduleFlow = this.moduleScope.flow;
  private readonly reads = new FirstRefs();
  private readonly builtinReads = new FirstRefs();
  private readonly lateCandidates = new FirstRefs();
  private readonly writes = new FirstRefs();
  private readonly deletes = new FirstRefs();
  private readonly globalDecls = new FirstRefs();
  private readonly nonlocalDecls = new FirstRefs();
  private readonly imports: ImportRef[] = [];
  private readonly calls: CallRef[] = [];
  private readonly strings: Array<{ value: string; start: number; end: number }> = [];
  private readonly definedFunctions: Array<{ name: string; start: number; end: number; record: FunctionRecord }> = [];
  private readonly syntaxErrors: Array<{ start: number; end: number; message: string }> = [];
  /** Every unbinding applied to a flow, so loops and `finally` can find what their body deleted. */
  private readonly deletionLog: Array<{ flow: Flow; name: string }> = [];
  private topLevelReturn = false;
  private topLevelYield = false;
  private topLevelAwait = false;
  private futureAnnotations = false;
  private readonly text: string;

  constructor(
    private readonly masked: MaskedCell,
    private readonly observer?: ScopeObserver,
  ) {
    this.text = masked.masked;
  }

  run(module: Module): CellAnalysis {
    this.collectSyntaxErrors(module);
    const ctx: Ctx = { scope: this.moduleScope, late: false, fn: null, inFunction: false, discardWrites: this.masked.discardWrites };
    for (const write of this.masked.magicWrites) {
      this.moduleFlow.bound.add(write.name);
      this.writes.add(write.name, write.start, write.end);
    }
    this.visitBlock(module.body, ctx);
    const reads = this.reads.list();
    const readNames = new Set(reads.map((r) => r.name));
    const writes = this.writes.list();
    const boundAtEnd = this.moduleFlow.dead ? new Set(writes.map((w) => w.name)) : this.moduleFlow.bound;
    return {
      parsed: true,
      syntaxErrors: this.syntaxErrors.sort((a, b) => a.start - b.start),
      magics: this.masked.magics,
      reads,
      builtinReads: this.builtinReads.list(),
      lateReads: this.lateCandidates.list().filter((r) => !readNames.has(r.name) && !boundAtEnd.has(r.name)),
      writes,
      deletes: this.deletes.list(),
      imports: this.imports,
      globalDecls: this.globalDecls.list(),
      nonlocalDecls: this.nonlocalDecls.list(),
      topLevelReturn: this.topLevelReturn,
      topLevelYield: this.topLevelYield,
      topLevelAwait: this.topLevelAwait,
      definedFunctions: this.definedFunctions.map((f) => ({ name: f.name, start: f.start, end: f.end, readsGlobals: [...f.record.readsGlobals] })),
      calls: this.calls,
      strings: this.strings,
    };
  }

  // ---------------------------------------------------------------- helpers

  private source(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  /**
   * The module's syntax errors. A Python 2 `print x` / `exec code` statement is named as such, over the
   * whole statement, instead of the parser's message at the token after the keyword.
   */
  private collectSyntaxErrors(module: Module): void {
    if (module.errors.length === 0) return;
    const python2: Array<{ start: number; end: number; message: string }> = [];
    const findPython2 = (body: Stmt[]): void => {
      for (const statement of body) {
        if (statement.type === 'ErrorStmt') {
          const keyword = PYTHON2_STATEMENT.exec(this.source(statement));
          if (keyword) python2.push({ start: statement.start, end: trimmedEnd(this.text, statement.start, statement.end), message: `Python 2 ${keyword[1]} statement` });
        } else forEachChildBlock(statement, findPython2);
      }
    };
    findPython2(module.body);
    for (const error of module.errors) {
      if (python2.some((p) => error.start >= p.start && error.start <= p.end)) continue;
      this.syntaxErrors.push({ start: error.start, end: error.end, message: error.message });
    }
    this.syntaxErrors.push(...python2);
  }

  /** The flow that bindings at this point update: the nearest module or class scope, else a dummy. */
  private flowOf(ctx: Ctx): Flow {
    let scope: Scope | null = ctx.scope;
    while (scope && scope.kind === 'comprehension') scope = scope.parent;
    return (scope ?? this.moduleScope).flow;
  }

  private resolvesGlobal(name: string, scope: Scope): boolean {
    let current: Scope | null = scope;
    let first = true;
    while (current) {
      if (current.kind === 'module') return true;
      if (current.kind === 'class') {
        // A class body sees its own namespace; nested scopes skip it, but for `__class__`, the class
        // being defined (the compiler's implicit cell behind `super()`).
        if (first) {
          if (current.globals.has(name)) return true;
          if (current.nonlocals.has(name) || current.flow.has(name)) return false;
        } else if (name === '__class__') return false;
      } else {
        if (current.globals.has(name)) return true;
        if (current.locals.has(name) || current.nonlocals.has(name)) return false;
      }
      first = false;
      current = current.parent;
    }
    return true;
  }

  private readName(name: string, start: number, end: number, ctx: Ctx): void {
    if (!this.resolvesGlobal(name, ctx.scope)) return;
    if (ctx.late) {
      if (isBuiltinName(name)) return;
      ctx.fn?.readsGlobals.add(name);
      this.lateCandidates.add(name, start, end);
      return;
    }
    if (this.moduleFlow.has(name)) return;
    (isBuiltinName(name) ? this.builtinReads : this.reads).add(name, start, end);
  }

  private bind(name: string, start: number, end: number, ctx: Ctx): void {
    const scope = ctx.scope;
    const global = scope.kind === 'module' || scope.globals.has(name);
    if (scope.kind === 'comprehension') return; // comprehension targets stay inside it
    if (global) {
      if (!ctx.discardWrites) this.writes.add(name, start, end);
      if (!ctx.late) this.moduleFlow.bound.add(name);
    } else if (scope.kind === 'class') scope.flow.bound.add(name);
  }

  private unbind(name: string, flow: Flow): void {
    flow.bound.delete(name);
    this.deletionLog.push({ flow, name });
  }

  private deletedSince(mark: number, flow: Flow): string[] {
    return this.deletionLog.slice(mark).filter((d) => d.flow === flow).map((d) => d.name);
  }

  // ---------------------------------------------------------------- statements

  private visitBlock(body: Stmt[], ctx: Ctx): void {
    for (const statement of body) this.visitStatement(statement, ctx);
  }

  private visitStatement(node: Stmt, ctx: Ctx): void {
    const flow = this.flowOf(ctx);
    switch (node.type) {
      case 'Pass':
        return;
      case 'ExprStmt':
        return this.visitExpr(node.value, ctx);
      case 'Assign':
        this.visitExpr(node.value, ctx);
        for (const target of node.targets) this.visitTarget(target, ctx);
        return;
      case 'AnnAssign':
        if (node.value) {
          this.visitExpr(node.value, ctx);
          this.visitTarget(node.target, ctx);
        } else if (node.target.type !== 'Name') this.visitTargetObject(node.target, ctx);
        // `z: int` binds nothing; for `a.b: int` / `a[i]: int` Python still evaluates `a` (and `i`).
        if (this.evaluatesVariableAnnotations(ctx)) this.visitExpr(node.annotation, ctx);
        return;
      case 'AugAssign':
        if (node.target.type === 'Name') {
          const target = node.target;
          this.readName(target.id, target.start, target.end, ctx);
          this.visitExpr(node.value, ctx);
          this.bind(target.id, target.start, target.end, ctx);
        } else {
          this.visitExpr(node.target, ctx);
          this.visitExpr(node.value, ctx);
        }
        return;
      case 'If': {
        const wrapper = this.masked.statementWrappers.get(node.start);
        if (!wrapper) return this.visitIf(node, ctx, flow);
        // `%time stmt` / `%timeit stmt`, masked as `if 1: stmt`: runs unconditionally.
        const before = flow.copy();
        this.visitBlock(node.body, wrapper.isolated ? { ...ctx, discardWrites: true } : ctx);
        if (wrapper.isolated) flow.adopt(before);
        return;
      }
      case 'For':
      case 'While':
        return this.visitLoop(node, ctx, flow);
      case 'Try':
        return this.visitTry(node, ctx, flow);
      case 'With':
        return this.visitWith(node, ctx);
      case 'FunctionDef':
        return this.visitFunction(node, ctx);
      case 'ClassDef':
        return this.visitClass(node, ctx);
      case 'Match':
        return this.visitMatch(node, ctx, flow);
      case 'Return':
        if (!ctx.inFunction) this.topLevelReturn = true;
        if (node.value) this.visitExpr(node.value, ctx);
        flow.dead = true;
        return;
      case 'Raise':
        if (node.exc) this.visitExpr(node.exc, ctx);
        if (node.cause) this.visitExpr(node.cause, ctx);
        flow.dead = true;
        return;
      case 'Break':
      case 'Continue':
        flow.dead = true;
        return;
      case 'Delete':
        for (const target of node.targets) this.visitDeleteTarget(target, ctx);
        return;
      case 'Global':
      case 'Nonlocal': {
        const refs = node.type === 'Global' ? this.globalDecls : this.nonlocalDecls;
        for (const id of node.names) refs.add(id.name, id.start, id.end);
        return;
      }
      case 'Import':
        return this.visitImport(node, ctx);
      case 'ImportFrom':
        return this.visitImportFrom(node, ctx);
      case 'Assert':
        this.visitExpr(node.test, ctx);
        if (node.msg) {
          const before = flow.copy();
          this.visitExpr(node.msg, ctx);
          flow.adopt(before);
        }
        return;
      case 'TypeAlias':
        return this.visitTypeAlias(node, ctx);
      case 'ErrorStmt':
        return this.visitErrorStatement(node, ctx);
    }
  }

  /**
   * Error recovery: whatever the parser read of a broken statement still counts. It reads an
   * assignment's targets before it knows they are targets, so a leading expression that the source
   * follows with `=` (or `+=`, or `: T =`) is bound, as a cell being typed (`df = pd.read_csv(`)
   * still defines what later cells read. Targets the parser did mark (a `for` without its colon) bind too.
   */
  private visitErrorStatement(node: ErrorStmt, ctx: Ctx): void {
    // an import broken after some names (`import numpy as np,`) has imported those
    if (node.partialImport) this.visitStatement(node.partialImport, ctx);
    const partial = node.partial;
    const targets: Expr[] = [];
    let augmented: Name | null = null;
    let next = 0;
    for (; next < partial.length; next++) {
      const expression = partial[next]!;
      const follows = ASSIGNMENT_AFTER.exec(this.text.slice(expression.end, node.end))?.[1];
      if (follows === '=') targets.push(expression);
      else if (follows === ':' && partial[next + 1] && ASSIGNMENT_AFTER.exec(this.text.slice(partial[next + 1]!.end, node.end))?.[1] === '=') {
        targets.push(expression);
        if (this.evaluatesVariableAnnotations(ctx)) this.visitExpr(partial[next + 1]!, ctx);
        next++;
      } else if (follows && follows !== ':' && expression.type === 'Name') {
        augmented = expression;
        next++;
        break;
      } else break;
    }
    if (augmented) this.readName(augmented.id, augmented.start, augmented.end, ctx);
    for (; next < partial.length; next++) {
      const expression = partial[next]!;
      if ('ctx' in expression && expression.ctx === 'Store') this.visitTarget(expression, ctx);
      else this.visitExpr(expression, ctx);
    }
    for (const target of targets) this.visitTarget(target, ctx);
    if (augmented) this.bind(augmented.id, augmented.start, augmented.end, ctx);
  }

  private evaluatesVariableAnnotations(ctx: Ctx): boolean {
    return !this.futureAnnotations && (ctx.scope.kind === 'module' || ctx.scope.kind === 'class');
  }

  /** Reads performed by an attribute or subscript target: the object and the index, not the slot. */
  private visitTargetObject(node: Expr, ctx: Ctx): void {
    if (node.type === 'Attribute') this.visitExpr(node.value, ctx);
    else if (node.type === 'Subscript') {
      this.visitExpr(node.value, ctx);
      this.visitExpr(node.slice, ctx);
    } else this.visitExpr(node, ctx);
  }

  private visitTarget(node: Expr, ctx: Ctx): void {
    switch (node.type) {
      case 'Name':
        return this.bind(node.id, node.start, node.end, ctx);
      case 'Attribute':
      case 'Subscript':
        return this.visitTargetObject(node, ctx);
      case 'Tuple':
      case 'List':
        for (const element of node.elts) this.visitTarget(element, ctx);
        return;
      case 'Starred':
        return this.visitTarget(node.value, ctx);
      default:
        this.visitExpr(node, ctx);
    }
  }

  private visitDeleteTarget(node: Expr, ctx: Ctx): void {
    switch (node.type) {
      case 'Name':
        return this.deleteName(node, ctx);
      case 'Attribute':
      case 'Subscript':
        return this.visitTargetObject(node, ctx);
      case 'Tuple':
      case 'List':
        for (const element of node.elts) this.visitDeleteTarget(element, ctx);
        return;
      case 'Starred':
        return this.visitDeleteTarget(node.value, ctx);
      default:
        this.visitExpr(node, ctx);
    }
  }

  private deleteName(node: Name, ctx: Ctx): void {
    const name = node.id;
    const scope = ctx.scope;
    if (scope.kind === 'class' && !scope.globals.has(name)) {
      this.unbind(name, scope.flow); // DELETE_NAME in a class body only touches the class namespace
      return;
    }
    if (!this.resolvesGlobal(name, scope)) return;
    if (ctx.late) this.lateCandidates.add(name, node.start, node.end);
    else if (!this.moduleFlow.has(name)) this.reads.add(name, node.start, node.end); // del needs the binding
    if (!ctx.discardWrites) this.deletes.add(name, node.start, node.end);
    if (!ctx.late) this.unbind(name, this.moduleFlow);
  }

  /** `if`/`elif`/`else`: the join of every branch (an `elif` chain is walked as a loop, not nested). */
  private visitIf(node: If, ctx: Ctx, flow: Flow): void {
    const outcomes: Flow[] = [];
    let current = node;
    for (;;) {
      this.visitExpr(current.test, ctx);
      const afterTest = flow.copy();
      this.visitBlock(current.body, ctx);
      outcomes.push(flow.copy());
      flow.adopt(afterTest);
      const next = elifOf(current, this.masked);
      if (!next) break;
      current = next;
    }
    // The final `else`; without one, the path on which every test failed.
    this.visitBlock(current.orelse, ctx);
    outcomes.push(flow.copy());
    flow.adopt(Flow.join(outcomes));
  }

  private visitLoop(node: For | While, ctx: Ctx, flow: Flow): void {
    if (node.type === 'For') {
      if (!ctx.inFunction && node.isAsync) this.topLevelAwait = true;
      this.visitExpr(node.iter, ctx);
    } else this.visitExpr(node.test, ctx);
    const afterTest = flow.copy();
    const mark = this.deletionLog.length;
    if (node.type === 'For') this.visitTarget(node.target, ctx);
    this.visitBlock(node.body, ctx);
    const deletedInBody = this.deletedSince(mark, flow);
    flow.assign(afterTest);
    this.visitBlock(node.orelse, ctx);
    const after = containsBreak(node.body) ? Flow.join([afterTest, flow]) : flow.copy();
    for (const name of deletedInBody) after.bound.delete(name);
    flow.adopt(after);
  }

  private visitTry(node: Try, ctx: Ctx, flow: Flow): void {
    const before = flow.copy();
    this.visitBlock(node.body, ctx);
    let normal = flow.copy();
    const handlers: Flow[] = [];
    for (const handler of node.handlers) {
      flow.assign(before);
      this.visitExceptHandler(handler, ctx, flow);
      handlers.push(flow.copy());
    }
    if (node.orelse.length) {
      flow.adopt(normal); // replaced by the copy below before it is read again
      this.visitBlock(node.orelse, ctx);
      normal = flow.copy();
    }
    const completed = Flow.join([normal, ...handlers]);
    if (node.finalbody.length === 0) {
      flow.adopt(completed);
      return;
    }
    flow.adopt(Flow.join([before, completed]));
    const mark = this.deletionLog.length;
    this.visitBlock(node.finalbody, ctx);
    const deleted = this.deletedSince(mark, flow);
    if (flow.dead || completed.dead) {
      flow.dead = true;
      return;
    }
    for (const name of completed.bound) if (!deleted.includes(name)) flow.bound.add(name);
  }

  private visitExceptHandler(handler: ExceptHandler, ctx: Ctx, flow: Flow): void {
    if (handler.exceptionType) this.visitExpr(handler.exceptionType, ctx);
    const alias = handler.name;
    if (alias) this.bind(alias.name, alias.start, alias.end, ctx);
    this.visitBlock(handler.body, ctx);
    // `except E as err:` ends with an implicit `del err`.
    if (alias) {
      const name = alias.name;
      if (ctx.scope.kind === 'module' || ctx.scope.globals.has(name)) {
        if (!ctx.late) this.unbind(name, this.moduleFlow);
      } else if (ctx.scope.kind === 'class') this.unbind(name, flow);
    }
  }

  private visitWith(node: With, ctx: Ctx): void {
    if (!ctx.inFunction && node.isAsync) this.topLevelAwait = true;
    for (const item of node.items) {
      this.visitExpr(item.contextExpr, ctx);
      if (item.optionalVars) this.visitTarget(item.optionalVars, ctx);
    }
    this.visitBlock(node.body, ctx);
  }

  private visitMatch(node: Match, ctx: Ctx, flow: Flow): void {
    this.visitExpr(node.subject, ctx);
    const before = flow.copy();
    const outcomes: Flow[] = [];
    let exhaustive = false;
    for (const clause of node.cases) {
      flow.assign(before);
      const valueReads: Name[] = [];
      const captures: Identifier[] = [];
      walkPattern(clause.pattern, valueReads, captures);
      for (const read of valueReads) this.readName(read.id, read.start, read.end, ctx);
      for (const capture of captures) this.bind(capture.name, capture.start, capture.end, ctx);
      if (clause.guard) this.visitExpr(clause.guard, ctx);
      this.visitBlock(clause.body, ctx);
      outcomes.push(flow.copy());
      if (!clause.guard && isIrrefutable(clause.pattern)) exhaustive = true;
    }
    if (!exhaustive) outcomes.push(before);
    flow.adopt(Flow.join(outcomes));
  }

  private visitImport(node: Import, ctx: Ctx): void {
    for (const alias of node.names) {
      const dotted = alias.name;
      this.imports.push({
        module: dotted.name,
        level: 0,
        names: [],
        star: false,
        start: node.start,
        end: node.end,
        moduleStart: dotted.start,
        moduleEnd: dotted.end,
        topLevel: !ctx.inFunction,
      });
      // `import a.b.c` binds `a`; `import a.b as c` binds `c`.
      if (alias.asname) this.bind(alias.asname.name, alias.asname.start, alias.asname.end, ctx);
      else {
        const head = firstComponent(dotted, this.text);
        this.bind(head.name, head.start, head.end, ctx);
      }
    }
  }

  private visitImportFrom(node: ImportFrom, ctx: Ctx): void {
    const module = node.module ? node.module.name : '';
    const isFuture = node.level === 0 && module === '__future__';
    const names: string[] = [];
    let star = false;
    for (const alias of node.names) {
      const original = alias.name;
      if (original.name === '*') {
        star = true;
        continue;
      }
      names.push(original.name);
      if (isFuture && original.name === 'annotations') this.futureAnnotations = true;
      const bound = alias.asname ?? original;
      this.bind(bound.name, bound.start, bound.end, ctx);
    }
    // The module's range covers the leading dots of a relative import: `..pkg` in `from ..pkg import x`.
    const moduleStart = node.level > 0 ? this.text.indexOf('.', node.start + 'from'.length) : node.module ? node.module.start : node.start;
    const moduleEnd = node.module ? node.module.end : node.level > 0 ? lastDotEnd(this.text, moduleStart) : node.start;
    this.imports.push({
      module,
      level: node.level,
      names,
      star,
      start: node.start,
      end: node.end,
      moduleStart,
      moduleEnd,
      topLevel: !ctx.inFunction,
    });
  }

  // ---------------------------------------------------------------- definitions

  /** PEP 695 type parameters live in their own annotation scope around the definition. */
  private typeParameterScope(typeParams: TypeParam[], ctx: Ctx): Ctx {
    if (typeParams.length === 0) return ctx;
    const scope = newScope('function', '', ctx.scope);
    for (const param of typeParams) scope.locals.add(param.name.name);
    return { ...ctx, scope };
  }

  private newFunctionRecord(name: string, start: number, end: number, ctx: Ctx): FunctionRecord {
    if (ctx.fn) return ctx.fn; // nested functions report through the function the cell defines
    const record: FunctionRecord = { readsGlobals: new Set() };
    const qualified = ctx.scope.kind === 'class' && ctx.scope.name ? `${ctx.scope.name}.${name}` : name;
    this.definedFunctions.push({ name: qualified, start, end, record });
    return record;
  }

  private visitParameters(args: Arguments, ctx: Ctx, annotationCtx: Ctx | null): string[] {
    // Defaults first, then annotations: the order CPython evaluates them in.
    for (const value of args.defaults) this.visitExpr(value, ctx);
    for (const value of args.kwDefaults) if (value) this.visitExpr(value, ctx);
    const names: string[] = [];
    const each = (arg: Arg | null): void => {
      if (!arg) return;
      if (arg.annotation && annotationCtx) this.visitExpr(arg.annotation, annotationCtx);
      names.push(arg.arg.name);
    };
    args.posonlyargs.forEach(each);
    args.args.forEach(each);
    each(args.vararg);
    args.kwonlyargs.forEach(each);
    each(args.kwarg);
    return names;
  }

  private functionScope(name: string, parameterNames: string[], body: Stmt[] | null, lambdaBody: Expr | null, parent: Scope): Scope {
    const scope = newScope('function', name, parent);
    for (const param of parameterNames) scope.locals.add(param);
    const collector = new ScopeBindings(scope);
    if (body) collector.statements(body);
    if (lambdaBody) collector.expr(lambdaBody);
    for (const global of scope.globals) scope.locals.delete(global);
    for (const nonlocal of scope.nonlocals) scope.locals.delete(nonlocal);
    return scope;
  }

  private visitFunction(node: FunctionDef, ctx: Ctx): void {
    for (const decorator of node.decorators) this.visitExpr(decorator, ctx);
    const annotationCtx = this.typeParameterScope(node.typeParams, ctx);
    const evaluateAnnotations = !this.futureAnnotations;
    const parameterNames = this.visitParameters(node.args, ctx, evaluateAnnotations ? annotationCtx : null);
    if (node.returns && evaluateAnnotations) this.visitExpr(node.returns, annotationCtx);
    const name = node.name.name;
    const start = node.decorators.length ? decoratorStart(this.text, node.decorators[0]!) : node.start;
    const record = this.newFunctionRecord(name, start, node.end, ctx);
    const scope = this.functionScope(name, parameterNames, node.body, null, annotationCtx.scope);
    this.observer?.scope(scope, 'function', name, node.start, (n) => classifyName(scope, n));
    this.visitBlock(node.body, { scope, late: true, fn: record, inFunction: true, discardWrites: ctx.discardWrites });
    this.bind(name, node.name.start, node.name.end, ctx);
  }

  private visitLambda(node: Lambda, ctx: Ctx): void {
    const parameterNames = this.visitParameters(node.args, ctx, null);
    const record = this.newFunctionRecord('<lambda>', node.start, node.end, ctx);
    const scope = this.functionScope('<lambda>', parameterNames, null, node.body, ctx.scope);
    this.observer?.scope(scope, 'lambda', '<lambda>', node.start, (n) => classifyName(scope, n));
    this.visitExpr(node.body, { scope, late: true, fn: record, inFunction: true, discardWrites: ctx.discardWrites });
  }

  private visitClass(node: ClassDef, ctx: Ctx): void {
    for (const decorator of node.decorators) this.visitExpr(decorator, ctx);
    const basesCtx = this.typeParameterScope(node.typeParams, ctx);
    this.visitArguments(node.bases, node.keywords, basesCtx, null);
    const scope = newScope('class', node.name.name, basesCtx.scope);
    collectDeclarations(node.body, scope);
    this.visitBlock(node.body, { ...ctx, scope });
    this.bind(node.name.name, node.name.start, node.name.end, ctx);
  }

  private visitTypeAlias(node: TypeAlias, ctx: Ctx): void {
    // The value of `type X = ...` is evaluated lazily, on first access of `X.__value__`.
    const lazyCtx = this.typeParameterScope(node.typeParams, { ...ctx, late: true, inFunction: true });
    this.visitExpr(node.value, lazyCtx);
    this.bind(node.name.id, node.name.start, node.name.end, ctx);
  }

  // ---------------------------------------------------------------- expressions

  /** Positional and keyword arguments in source order (the order they are evaluated in). */
  private visitArguments(args: Expr[], keywords: Keyword[], ctx: Ctx, call: CallRef | null): void {
    let k = 0;
    for (const argument of args) {
      for (; k < keywords.length && keywords[k]!.start < argument.start; k++) this.visitKeyword(keywords[k]!, ctx, call);
      if (call) call.args.push({ start: argument.start, end: argument.end });
      this.visitExpr(argument, ctx);
    }
    for (; k < keywords.length; k++) this.visitKeyword(keywords[k]!, ctx, call);
  }

  private visitKeyword(keyword: Keyword, ctx: Ctx, call: CallRef | null): void {
    if (keyword.arg && call) call.keywordArgs.push(keyword.arg.name);
    this.visitExpr(keyword.value, ctx);
  }

  /** Dotted text like `np.random.seed`; the source text when the callee is not a dotted name. */
  private calleeText(node: Expr): string {
    if (node.type === 'Name') return this.source(node);
    if (node.type !== 'Attribute') return this.source(node);
    const dot = this.text.lastIndexOf('.', node.attr.start);
    // A parenthesised object, `(a + b).sum`, reads as written.
    const object = node.value.start > node.start ? this.text.slice(node.start, dot).trimEnd() : this.calleeText(node.value);
    return `${object}.${node.attr.name}`;
  }

  private visitExpr(node: Expr, ctx: Ctx): void {
    switch (node.type) {
      case 'Name':
        return this.readName(node.id, node.start, node.end, ctx);
      case 'Attribute':
        return this.visitExpr(node.value, ctx);
      case 'Call': {
        const fn = node.func;
        let callee = this.calleeText(fn);
        if (fn.start > node.start) callee = this.text.slice(node.start, argumentsOpen(this.text, fn.end)).trimEnd(); // `(f)(x)`
        const call: CallRef = { callee, start: node.start, end: node.end, keywordArgs: [], args: [] };
        this.calls.push(call);
        this.visitExpr(fn.type === 'Attribute' ? fn.value : fn, ctx);
        this.visitArguments(node.args, node.keywords, ctx, call);
        return;
      }
      case 'Lambda':
        return this.visitLambda(node, ctx);
      case 'ListComp':
      case 'SetComp':
      case 'GeneratorExp':
      case 'DictComp':
        return this.visitComprehension(node, ctx);
      case 'NamedExpr': {
        this.visitExpr(node.value, ctx);
        let scope = ctx.scope;
        while (scope.kind === 'comprehension' && scope.parent) scope = scope.parent;
        this.bind(node.target.id, node.target.start, node.target.end, { ...ctx, scope });
        return;
      }
      case 'BoolOp': {
        // Only the first operand always runs.
        const [first, ...rest] = node.values;
        if (first) this.visitExpr(first, ctx);
        const flow = this.flowOf(ctx);
        const before = flow.copy();
        for (const value of rest) this.visitExpr(value, ctx);
        flow.adopt(Flow.join([before, flow]));
        return;
      }
      case 'IfExp': {
        this.visitExpr(node.test, ctx);
        const flow = this.flowOf(ctx);
        const afterTest = flow.copy();
        this.visitExpr(node.body, ctx);
        const trueOutcome = flow.copy();
        flow.adopt(afterTest);
        this.visitExpr(node.orelse, ctx);
        flow.adopt(Flow.join([trueOutcome, flow]));
        return;
      }
      case 'Await':
        if (!ctx.inFunction) this.topLevelAwait = true;
        return this.visitExpr(node.value, ctx);
      case 'Yield':
        if (!ctx.inFunction) this.topLevelYield = true;
        if (node.value) this.visitExpr(node.value, ctx);
        return;
      case 'YieldFrom':
        if (!ctx.inFunction) this.topLevelYield = true;
        return this.visitExpr(node.value, ctx);
      case 'Constant':
        if (node.kind === 'str' || node.kind === 'bytes') this.visitString(node, ctx);
        return;
      case 'JoinedStr':
        return this.visitString(node, ctx);
      case 'FormattedValue':
        return this.visitFormattedValue(node, ctx);
      case 'BinOp':
        this.visitExpr(node.left, ctx);
        this.visitExpr(node.right, ctx);
        return;
      case 'UnaryOp':
        return this.visitExpr(node.operand, ctx);
      case 'Compare':
        this.visitExpr(node.left, ctx);
        for (const comparator of node.comparators) this.visitExpr(comparator, ctx);
        return;
      case 'Dict':
        for (let i = 0; i < node.values.length; i++) {
          const key = node.keys[i];
          if (key) this.visitExpr(key, ctx);
          this.visitExpr(node.values[i]!, ctx);
        }
        return;
      case 'Set':
      case 'List':
      case 'Tuple':
        for (const element of node.elts) this.visitExpr(element, ctx);
        return;
      case 'Starred':
        return this.visitExpr(node.value, ctx);
      case 'Subscript':
        this.visitExpr(node.value, ctx);
        this.visitExpr(node.slice, ctx);
        return;
      case 'Slice':
        if (node.lower) this.visitExpr(node.lower, ctx);
        if (node.upper) this.visitExpr(node.upper, ctx);
        if (node.step) this.visitExpr(node.step, ctx);
        return;
    }
  }

  /** A string literal (or implicitly concatenated literals): its interpolations are read, each literal recorded. */
  private visitString(node: Constant | JoinedStr, ctx: Ctx): void {
    const start = node.start;
    const end = node.end;
    // Most strings are plain one-line literals (`"spend"`): their value is the text between the quotes.
    const plain = PLAIN_STRING.exec(this.text.slice(start, end));
    if (plain) {
      this.strings.push({ value: plain[1] ?? plain[2]!, start, end });
      return;
    }
    const fields = node.type === 'JoinedStr' ? node.values.filter((v): v is FormattedValue => v.type === 'FormattedValue') : [];
    let next = 0;
    for (const piece of stringPieces(this.text, start, end)) {
      // Interpolations are read before the literal holding them is recorded, in source order.
      for (; next < fields.length && fields[next]!.start < piece.end; next++) this.visitFormattedValue(fields[next]!, ctx);
      this.strings.push({ value: piece.value, start: piece.start, end: piece.end });
    }
    for (; next < fields.length; next++) this.visitFormattedValue(fields[next]!, ctx);
  }

  private visitFormattedValue(node: FormattedValue, ctx: Ctx): void {
    this.visitExpr(node.value, ctx);
    // A format spec's own fields (`{x:{width}}`) are read; its text is not a string of its own.
    if (node.formatSpec?.type === 'JoinedStr') for (const part of node.formatSpec.values) if (part.type === 'FormattedValue') this.visitFormattedValue(part, ctx);
  }

  private visitComprehension(node: ListComp | SetComp | GeneratorExp | DictComp, ctx: Ctx): void {
    const generators = node.generators;
    // The first iterable is evaluated in the enclosing scope, before the comprehension's own scope exists.
    if (generators[0]) this.visitExpr(generators[0].iter, ctx);
    const scope = newScope('comprehension', '', ctx.scope);
    for (const generator of generators) collectTargetNames(generator.target, (id) => scope.locals.add(id.id));
    this.observer?.scope(scope, 'comprehension', node.type, node.start, (n) => classifyName(scope, n));
    const inner: Ctx = { ...ctx, scope };
    const flow = this.flowOf(ctx);
    const before = flow.copy();
    generators.forEach((generator, index) => {
      if (!ctx.inFunction && generator.isAsync) this.topLevelAwait = true;
      if (index > 0) this.visitExpr(generator.iter, inner);
      this.visitTarget(generator.target, inner);
      for (const condition of generator.ifs) this.visitExpr(condition, inner);
    });
    if (node.type === 'DictComp') {
      this.visitExpr(node.key, inner);
      this.visitExpr(node.value, inner);
    } else this.visitExpr(node.elt, inner);
    // The comprehension may run zero times: walrus bindings inside it are not definite afterwards.
    flow.adopt(before);
  }
}

/** What follows an expression of a broken statement when it is an assignment's target. */
const ASSIGNMENT_AFTER = /^[ \t]*(=(?!=)|(?:\/\/|\*\*|<<|>>|[-+*\/%&|^@])=|:(?!=))/;

/** `print x` / `exec code`: Python 2 statements, named so in their syntax error. */
const PYTHON2_STATEMENT = /^(print|exec)[ \t]+(?![\s=.,;)\]}([]|[-+*/%&|^<>!]=|(?:and|or|if|in|is|not)\b)/;

function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  return end;
}

/** The offset of the `@` before a decorator expression. */
function decoratorStart(text: string, decorator: Expr): number {
  let i = decorator.start - 1;
  while (i > 0 && text[i] !== '@') i--;
  return i;
}

/** The `(` opening the argument list after a (parenthesised) callee ending at `from`. */
function argumentsOpen(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '(') i++;
  return i;
}

/** End of the run of dots (and spaces between them) starting at `start`: `from .. import x`. */
function lastDotEnd(text: string, start: number): number {
  let end = start;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '.') end = i + 1;
    else if (c !== ' ' && c !== '\t' && c !== '\\' && c !== '\n' && c !== '\r') break;
  }
  return end;
}

/** The first component of a dotted import name: `a` of `a.b.c`, with its range. */
function firstComponent(dotted: Identifier, text: string): Identifier {
  const dot = dotted.name.indexOf('.');
  if (dot < 0) return dotted;
  const name = dotted.name.slice(0, dot);
  let end = dotted.start;
  while (end < dotted.end && text[end] !== '.' && !isSpaceCode(text.charCodeAt(end)) && text[end] !== '\\') end++;
  return { name, start: dotted.start, end };
}

/**
 * The If of an `elif` (an `else` holding one If, which is the same thing to the analysis), or null.
 * A `%time` wrapper masked as `if 1:` is a statement of its own, not an `elif`.
 */
function elifOf(node: If, masked?: MaskedCell): If | null {
  const [only] = node.orelse;
  return node.orelse.length === 1 && only!.type === 'If' && !masked?.statementWrappers.has(only!.start) ? only! : null;
}

/** Calls `visit` on each statement list directly inside a compound statement (an elif chain's flattened). */
function forEachChildBlock(statement: Stmt, visit: (body: Stmt[]) => void): void {
  switch (statement.type) {
    case 'FunctionDef':
    case 'ClassDef':
    case 'With':
      visit(statement.body);
      return;
    case 'For':
    case 'While':
      visit(statement.body);
      visit(statement.orelse);
      return;
    case 'If': {
      let current = statement;
      for (let next = elifOf(current); next; next = elifOf(current)) {
        visit(current.body);
        current = next;
      }
      visit(current.body);
      visit(current.orelse);
      return;
    }
    case 'Try':
      visit(statement.body);
      for (const handler of statement.handlers) visit(handler.body);
      visit(statement.orelse);
      visit(statement.finalbody);
      return;
    case 'Match':
      for (const clause of statement.cases) visit(clause.body);
      return;
  }
}

function containsBreak(body: Stmt[]): boolean {
  for (const statement of body) {
    switch (statement.type) {
      case 'Break':
        return true;
      case 'For':
      case 'While':
        // A break in a nested loop's else clause still belongs to the outer loop.
        if (containsBreak(statement.orelse)) return true;
        continue;
      case 'FunctionDef':
      case 'ClassDef':
        continue;
      case 'If': {
        let found = false;
        forEachChildBlock(statement, (block) => {
          found ||= containsBreak(block);
        });
        if (found) return true;
        continue;
      }
      case 'With':
        if (containsBreak(statement.body)) return true;
        continue;
      case 'Try':
        if (containsBreak(statement.body) || containsBreak(statement.orelse) || containsBreak(statement.finalbody)) return true;
        if (statement.handlers.some((h) => containsBreak(h.body))) return true;
        continue;
      case 'Match':
        if (statement.cases.some((c) => containsBreak(c.body))) return true;
        continue;
    }
  }
  return false;
}

function collectTargetNames(node: Expr, add: (n: Name) => void): void {
  switch (node.type) {
    case 'Name':
      return add(node);
    case 'Tuple':
    case 'List':
      for (const element of node.elts) collectTargetNames(element, add);
      return;
    case 'Starred':
      return collectTargetNames(node.value, add);
  }
}

/** The head name of a value pattern or class pattern: `Color` of `Color.RED`. */
function dottedHead(node: Expr): Name | null {
  let current = node;
  while (current.type === 'Attribute') current = current.value;
  return current.type === 'Name' ? current : null;
}

/** Value patterns (`Color.RED`, class names) are reads; bare names are captures. */
function walkPattern(pattern: Pattern, reads: Name[], captures: Identifier[]): void {
  switch (pattern.type) {
    case 'MatchValue': {
      const head = pattern.value.type === 'Attribute' ? dottedHead(pattern.value) : null;
      if (head) reads.push(head);
      return;
    }
    case 'MatchSingleton':
      return;
    case 'MatchSequence':
    case 'MatchOr':
      for (const inner of pattern.patterns) walkPattern(inner, reads, captures);
      return;
    case 'MatchMapping':
      for (const key of pattern.keys) {
        const head = key.type === 'Attribute' ? dottedHead(key) : null;
        if (head) reads.push(head);
      }
      for (const inner of pattern.patterns) walkPattern(inner, reads, captures);
      if (pattern.rest) captures.push(pattern.rest);
      return;
    case 'MatchClass': {
      const head = dottedHead(pattern.cls);
      if (head) reads.push(head);
      for (const inner of pattern.patterns) walkPattern(inner, reads, captures);
      for (const inner of pattern.kwdPatterns) walkPattern(inner, reads, captures);
      return;
    }
    case 'MatchStar':
      if (pattern.name) captures.push(pattern.name);
      return;
    case 'MatchAs':
      if (pattern.pattern) walkPattern(pattern.pattern, reads, captures);
      if (pattern.name) captures.push(pattern.name);
      return;
  }
}

function isIrrefutable(pattern: Pattern): boolean {
  if (pattern.type === 'MatchAs') return pattern.pattern === null || isIrrefutable(pattern.pattern);
  if (pattern.type === 'MatchOr') return pattern.patterns.some(isIrrefutable);
  return false;
}

/** `global`/`nonlocal` statements that belong to this scope (not to nested defs or classes). */
function collectDeclarations(body: Stmt[], scope: Scope): void {
  for (const statement of body) {
    if (statement.type === 'Global') for (const id of statement.names) scope.globals.add(id.name);
    else if (statement.type === 'Nonlocal') for (const id of statement.names) scope.nonlocals.add(id.name);
    else if (statement.type !== 'FunctionDef' && statement.type !== 'ClassDef') forEachChildBlock(statement, (inner) => collectDeclarations(inner, scope));
  }
}

/**
 * Every name a function body binds anywhere (what the compiler makes local), plus its declarations.
 * Nested def/class bodies and lambdas are their own scopes; comprehension targets are too, but a
 * walrus inside a comprehension binds here.
 */
class ScopeBindings {
  constructor(private readonly scope: Scope) {}

  private add(name: string): void {
    this.scope.locals.add(name);
  }

  private target(node: Expr): void {
    collectTargetNames(node, (n) => this.add(n.id));
    // Attribute and subscript targets bind nothing, but a walrus inside them would.
    if (node.type !== 'Name') this.expr(node);
  }

  statements(body: Stmt[]): void {
    for (const statement of body) this.statement(statement);
  }

  private statement(node: Stmt): void {
    switch (node.type) {
      case 'Global':
        for (const id of node.names) this.scope.globals.add(id.name);
        return;
      case 'Nonlocal':
        for (const id of node.names) this.scope.nonlocals.add(id.name);
        return;
      case 'FunctionDef':
        this.add(node.name.name);
        // Decorators, defaults and annotations run in this scope (only a walrus there could bind).
        for (const decorator of node.decorators) this.expr(decorator);
        this.arguments(node.args);
        return;
      case 'ClassDef':
        this.add(node.name.name);
        for (const decorator of node.decorators) this.expr(decorator);
        for (const base of node.bases) this.expr(base);
        for (const keyword of node.keywords) this.expr(keyword.value);
        return;
      case 'Assign':
        for (const target of node.targets) this.target(target);
        this.expr(node.value);
        return;
      case 'AugAssign':
        this.target(node.target);
        this.expr(node.value);
        return;
      case 'AnnAssign':
        // Annotation-only `x: int` still makes `x` local to the function; `(x): int` does not.
        if (node.target.type !== 'Name' || node.simple || node.value) this.target(node.target);
        if (node.value) this.expr(node.value);
        return;
      case 'For':
        this.target(node.target);
        this.expr(node.iter);
        this.statements(node.body);
        this.statements(node.orelse);
        return;
      case 'While':
        this.expr(node.test);
        this.statements(node.body);
        this.statements(node.orelse);
        return;
      case 'If': {
        let current = node;
        for (let next = elifOf(current); next; next = elifOf(current)) {
          this.expr(current.test);
          this.statements(current.body);
          current = next;
        }
        this.expr(current.test);
        this.statements(current.body);
        this.statements(current.orelse);
        return;
      }
      case 'With':
        for (const item of node.items) {
          this.expr(item.contextExpr);
          if (item.optionalVars) this.target(item.optionalVars);
        }
        this.statements(node.body);
        return;
      case 'Try':
        this.statements(node.body);
        for (const handler of node.handlers) {
          if (handler.name) this.add(handler.name.name);
          if (handler.exceptionType) this.expr(handler.exceptionType);
          this.statements(handler.body);
        }
        this.statements(node.orelse);
        this.statements(node.finalbody);
        return;
      case 'Delete':
        for (const target of node.targets) this.target(target);
        return;
      case 'Import':
        for (const alias of node.names) this.add(alias.asname ? alias.asname.name : alias.name.name.split('.')[0]!);
        return;
      case 'ImportFrom':
        for (const alias of node.names) if (alias.name.name !== '*') this.add((alias.asname ?? alias.name).name);
        return;
      case 'Match':
        this.expr(node.subject);
        for (const clause of node.cases) {
          const captures: Identifier[] = [];
          walkPattern(clause.pattern, [], captures);
          for (const capture of captures) this.add(capture.name);
          if (clause.guard) this.expr(clause.guard);
          this.statements(clause.body);
        }
        return;
      case 'TypeAlias':
        this.add(node.name.id);
        return;
      case 'ExprStmt':
        return this.expr(node.value);
      case 'Return':
        if (node.value) this.expr(node.value);
        return;
      case 'Raise':
        if (node.exc) this.expr(node.exc);
        if (node.cause) this.expr(node.cause);
        return;
      case 'Assert':
        this.expr(node.test);
        if (node.msg) this.expr(node.msg);
        return;
      case 'ErrorStmt':
        if (node.partialImport) this.statement(node.partialImport);
        // the parser marks what a broken statement had bound (a def's name) as Store Names
        for (const expression of node.partial) {
          if (expression.type === 'Name' && expression.ctx === 'Store') this.add(expression.id);
          else this.expr(expression);
        }
        return;
    }
  }

  private arguments(args: Arguments): void {
    for (const value of args.defaults) this.expr(value);
    for (const value of args.kwDefaults) if (value) this.expr(value);
  }

  /** Walrus targets anywhere in an expression (comprehension targets and lambda bodies excluded). */
  expr(node: Expr): void {
    switch (node.type) {
      case 'NamedExpr':
        this.add(node.target.id);
        return this.expr(node.value);
      case 'Lambda':
        return this.arguments(node.args);
      case 'ListComp':
      case 'SetComp':
      case 'GeneratorExp':
      case 'DictComp':
        for (const generator of node.generators) {
          this.expr(generator.iter);
          for (const condition of generator.ifs) this.expr(condition);
        }
        if (node.type === 'DictComp') {
          this.expr(node.key);
          this.expr(node.value);
        } else this.expr(node.elt);
        return;
      case 'Name':
      case 'Constant':
        return;
      default:
        forEachChildExpr(node, (child) => this.expr(child));
    }
  }
}

/** The direct sub-expressions of an expression (not those of nested comprehension or lambda scopes' own rules). */
function forEachChildExpr(node: Expr, visit: (child: Expr) => void): void {
  switch (node.type) {
    case 'BoolOp':
      node.values.forEach(visit);
      return;
    case 'NamedExpr':
      visit(node.target);
      visit(node.value);
      return;
    case 'BinOp':
      visit(node.left);
      visit(node.right);
      return;
    case 'UnaryOp':
      return visit(node.operand);
    case 'Lambda':
      node.args.defaults.forEach(visit);
      for (const value of node.args.kwDefaults) if (value) visit(value);
      visit(node.body);
      return;
    case 'IfExp':
      visit(node.test);
      visit(node.body);
      visit(node.orelse);
      return;
    case 'Dict':
      for (const key of node.keys) if (key) visit(key);
      node.values.forEach(visit);
      return;
    case 'Set':
    case 'List':
    case 'Tuple':
      node.elts.forEach(visit);
      return;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
      visit(node.elt);
      for (const generator of node.generators) {
        visit(generator.target);
        visit(generator.iter);
        generator.ifs.forEach(visit);
      }
      return;
    case 'DictComp':
      visit(node.key);
      visit(node.value);
      for (const generator of node.generators) {
        visit(generator.target);
        visit(generator.iter);
        generator.ifs.forEach(visit);
      }
      return;
    case 'Await':
    case 'YieldFrom':
    case 'Starred':
    case 'Attribute':
      return visit(node.value);
    case 'Yield':
      if (node.value) visit(node.value);
      return;
    case 'Compare':
      visit(node.left);
      node.comparators.forEach(visit);
      return;
    case 'Call':
      visit(node.func);
      node.args.forEach(visit);
      for (const keyword of node.keywords) visit(keyword.value);
      return;
    case 'FormattedValue':
      visit(node.value);
      if (node.formatSpec) visit(node.formatSpec);
      return;
    case 'JoinedStr':
      node.values.forEach(visit);
      return;
    case 'Subscript':
      visit(node.value);
      visit(node.slice);
      return;
    case 'Slice':
      if (node.lower) visit(node.lower);
      if (node.upper) visit(node.upper);
      if (node.step) visit(node.step);
      return;
  }
}

function emptyAnalysis(magics: CellAnalysis['magics'], parsed: boolean): CellAnalysis {
  return {
    parsed,
    syntaxErrors: [],
    magics,
    reads: [],
    builtinReads: [],
    lateReads: [],
    writes: [],
    deletes: [],
    imports: [],
    globalDecls: [],
    nonlocalDecls: [],
    topLevelReturn: false,
    topLevelYield: false,
    topLevelAwait: false,
    definedFunctions: [],
    calls: [],
    strings: [],
  };
}

/**
 * Analyses a parsed cell: `module` is the tree of `masked.masked` (the cell with its magics masked).
 * Separate from {@link analyzeCell} so a caller holding a tree (a test comparing with CPython's) can
 * analyse it without parsing again.
 */
export function analyzeModule(module: Module, masked: MaskedCell, observer?: ScopeObserver): CellAnalysis {
  return new CellWalker(masked, observer).run(module);
}

/**
 * Sees the scopes the analysis resolves names in, for the symtable oracle (test/oracle/symtable_scopes.py):
 * each function, lambda and comprehension scope as it is entered, with how it classifies a name.
 */
export interface ScopeObserver {
  scope(id: object, kind: 'function' | 'lambda' | 'comprehension', name: string, start: number, classify: (name: string) => 'local' | 'global' | 'free'): void;
}

/** How CPython's compiler classifies `name` in a function or comprehension scope. */
function classifyName(scope: Scope, name: string): 'local' | 'global' | 'free' {
  if (scope.globals.has(name)) return 'global';
  if (scope.nonlocals.has(name)) return 'free';
  if (scope.locals.has(name)) return 'local';
  for (let current = scope.parent; current; current = current.parent) {
    if (current.kind === 'module') return 'global';
    // A class body does not enclose the scopes nested in it, except for the implicit `__class__` cell.
    if (current.kind === 'class') {
      if (name === '__class__') return 'free';
      continue;
    }
    if (current.globals.has(name)) return 'global';
    if (current.locals.has(name) || current.nonlocals.has(name)) return 'free';
  }
  return 'global';
}

/** Analyses one code cell. Never throws. */
export function analyzeCell(source: string): CellAnalysis {
  let masked: MaskedCell;
  try {
    masked = maskMagics(source);
  } catch (error) {
    const result = emptyAnalysis([], false);
    result.syntaxErrors.push({ start: 0, end: 0, message: `Internal error masking magics: ${String(error)}` });
    return result;
  }
  if (masked.opaque) {
    const result = emptyAnalysis(masked.magics, false);
    for (const write of masked.magicWrites) result.writes.push({ ...write });
    return result;
  }
  try {
    return analyzeModule(parseModule(masked.masked), masked);
  } catch (error) {
    const result = emptyAnalysis(masked.magics, false);
    result.syntaxErrors.push({ start: 0, end: source.length, message: `Internal error analysing cell: ${String(error)}` });
    return result;
  }
}
