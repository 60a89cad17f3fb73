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
import { isPythonParserReady, parsePython, type SyntaxNode } from './parser';
import { maskMagics, type MagicKind, type MaskedCell } from './magics';

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

const STATEMENTS = new Set([
  'expression_statement', 'if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement',
  'function_definition', 'class_definition', 'decorated_definition', 'match_statement', 'return_statement',
  'raise_statement', 'break_statement', 'continue_statement', 'delete_statement', 'global_statement',
  'nonlocal_statement', 'import_statement', 'import_from_statement', 'future_import_statement', 'assert_statement',
  'type_alias_statement', 'print_statement', 'exec_statement', 'pass_statement', 'block',
]);
const TARGET_CONTAINERS = new Set(['tuple_pattern', 'list_pattern', 'pattern_list', 'tuple', 'list', 'parenthesized_expression', 'expression_list', 'list_splat_pattern', 'list_splat', 'as_pattern_target']);

/**
 * A one-line string literal, quotes included, whose value is its text between the quotes: optional
 * prefix letters, one quote character, then no quote, backslash, brace or line break until the same quote.
 */
const PLAIN_STRING = /^[A-Za-z]*(?:"([^"\\{}\r\n]*)"|'([^'\\{}\r\n]*)')$/;

function newScope(kind: ScopeKind, name: string, parent: Scope | null): Scope {
  return { kind, name, parent, locals: new Set(), globals: new Set(), nonlocals: new Set(), flow: new Flow() };
}

function hasAnonymousChild(node: SyntaxNode, type: string): boolean {
  return node.children.some((c) => c.type === type);
}

function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next in simple) {
      out += simple[next];
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
  /** The tree has no ERROR or MISSING node, so each token a search looks for lies in its ancestors' text. */
  private treeIsClean = false;

  constructor(private readonly masked: MaskedCell) {}

  run(root: SyntaxNode): CellAnalysis {
    this.treeIsClean = !root.hasError;
    if (!this.treeIsClean) this.collectSyntaxErrors(root);
    const ctx: Ctx = { scope: this.moduleScope, late: false, fn: null, inFunction: false, discardWrites: this.masked.discardWrites };
    for (const write of this.masked.magicWrites) {
      this.moduleFlow.bound.add(write.name);
      this.writes.add(write.name, write.start, write.end);
    }
    this.visitBlock(root, ctx);
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

  private source(node: SyntaxNode): string {
    return this.masked.masked.slice(node.startIndex, node.endIndex);
  }

  /**
   * False when `node` cannot contain a `keyword` token, so a search of its subtree (a second walk
   * through wasm) can be skipped. Only trusted in a clean tree: error recovery may create zero-width
   * MISSING tokens whose keyword is not in the text.
   */
  private mayContainKeyword(node: SyntaxNode, keyword: string): boolean {
    return !this.treeIsClean || this.source(node).includes(keyword);
  }

  private collectSyntaxErrors(node: SyntaxNode): void {
    if (!node.hasError) return;
    if (node.isError) {
      this.syntaxErrors.push({ start: node.startIndex, end: node.endIndex, message: 'Syntax error' });
      return;
    }
    if (node.isMissing) {
      this.syntaxErrors.push({ start: node.startIndex, end: node.endIndex, message: `Syntax error: missing ${node.type}` });
      return;
    }
    for (const child of node.children) this.collectSyntaxErrors(child);
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
        // A class body sees its own namespace; nested scopes skip it.
        if (first) {
          if (current.globals.has(name)) return true;
          if (current.nonlocals.has(name) || current.flow.has(name)) return false;
        }
      } else {
        if (current.globals.has(name)) return true;
        if (current.locals.has(name) || current.nonlocals.has(name)) return false;
      }
      first = false;
      current = current.parent;
    }
    return true;
  }

  private readName(node: SyntaxNode, ctx: Ctx): void {
    // Each `endIndex` is a call into wasm: read it once.
    const start = node.startIndex;
    const end = node.endIndex;
    const name = this.masked.masked.slice(start, end);
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

  private bindName(node: SyntaxNode, ctx: Ctx): void {
    const start = node.startIndex;
    const end = node.endIndex;
    this.bind(this.masked.masked.slice(start, end), start, end, ctx);
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

  private visitBlock(node: SyntaxNode | null, ctx: Ctx): void {
    if (!node) return;
    for (const statement of node.namedChildren) this.visitStatement(statement, ctx);
  }

  /** `type` is `node.type` when the caller already asked tree-sitter for it (each ask is a wasm call). */
  private visitStatement(node: SyntaxNode, ctx: Ctx, type: string = node.type): void {
    const flow = this.flowOf(ctx);
    switch (type) {
      case 'comment':
      case 'pass_statement':
        return;
      case 'expression_statement':
        for (const child of node.namedChildren) this.visitExpressionOrAssignment(child, ctx);
        return;
      case 'block':
      case 'module':
        return this.visitBlock(node, ctx);
      case 'if_statement': {
        const wrapper = this.masked.statementWrappers.get(node.startIndex);
        if (!wrapper) return this.visitIf(node, ctx, flow);
        // `%time stmt` / `%timeit stmt`, masked as `if 1: stmt`: runs unconditionally.
        const before = flow.copy();
        this.visitBlock(node.childForFieldName('consequence'), wrapper.isolated ? { ...ctx, discardWrites: true } : ctx);
        if (wrapper.isolated) flow.adopt(before);
        return;
      }
      case 'for_statement':
      case 'while_statement':
        return this.visitLoop(node, ctx, flow);
      case 'try_statement':
        return this.visitTry(node, ctx, flow);
      case 'with_statement':
        return this.visitWith(node, ctx);
      case 'function_definition':
        return this.visitFunction(node, [], node, ctx);
      case 'class_definition':
        return this.visitClass(node, [], ctx);
      case 'decorated_definition': {
        const definition = node.childForFieldName('definition');
        const decorators = node.namedChildren.filter((c) => c.type === 'decorator');
        if (definition?.type === 'class_definition') this.visitClass(definition, decorators, ctx);
        else if (definition) this.visitFunction(definition, decorators, node, ctx);
        return;
      }
      case 'match_statement':
        return this.visitMatch(node, ctx, flow);
      case 'return_statement':
        if (!ctx.inFunction) this.topLevelReturn = true;
        this.visitChildren(node, ctx);
        flow.dead = true;
        return;
      case 'raise_statement':
        this.visitChildren(node, ctx);
        flow.dead = true;
        return;
      case 'break_statement':
      case 'continue_statement':
        flow.dead = true;
        return;
      case 'delete_statement':
        for (const target of node.namedChildren) this.visitDeleteTarget(target, ctx);
        return;
      case 'global_statement':
      case 'nonlocal_statement': {
        const refs = type === 'global_statement' ? this.globalDecls : this.nonlocalDecls;
        for (const id of node.namedChildren) if (id.type === 'identifier') refs.add(this.source(id), id.startIndex, id.endIndex);
        return;
      }
      case 'import_statement':
        return this.visitImport(node, ctx);
      case 'import_from_statement':
      case 'future_import_statement':
        return this.visitImportFrom(node, ctx);
      case 'assert_statement': {
        const [test, message] = node.namedChildren;
        if (test) this.visitExpr(test, ctx);
        if (message) {
          const before = flow.copy();
          this.visitExpr(message, ctx);
          flow.adopt(before);
        }
        return;
      }
      case 'type_alias_statement':
        return this.visitTypeAlias(node, ctx);
      case 'print_statement':
      case 'exec_statement':
        this.syntaxErrors.push({ start: node.startIndex, end: node.endIndex, message: `Python 2 ${type === 'print_statement' ? 'print' : 'exec'} statement` });
        this.visitChildren(node, ctx);
        return;
      default:
        this.visitChildren(node, ctx);
    }
  }

  /** Generic descent for nodes without scoping meaning, and for error recovery. */
  private visitChildren(node: SyntaxNode, ctx: Ctx): void {
    for (const child of node.namedChildren) {
      const type = child.type;
      if (STATEMENTS.has(type)) this.visitStatement(child, ctx, type);
      else if (type === 'assignment') this.visitAssignment(child, ctx);
      else if (type === 'augmented_assignment') this.visitAugmentedAssignment(child, ctx);
      else this.visitExpr(child, ctx, type);
    }
  }

  private visitExpressionOrAssignment(node: SyntaxNode, ctx: Ctx, type: string = node.type): void {
    if (type === 'assignment') this.visitAssignment(node, ctx);
    else if (type === 'augmented_assignment') this.visitAugmentedAssignment(node, ctx);
    else this.visitExpr(node, ctx, type);
  }

  private evaluatesVariableAnnotations(ctx: Ctx): boolean {
    return !this.futureAnnotations && (ctx.scope.kind === 'module' || ctx.scope.kind === 'class');
  }

  private visitAssignment(node: SyntaxNode, ctx: Ctx): void {
    // `a = b = value` nests as assignment(a, assignment(b, value)); Python evaluates value, then a, then b.
    const targets: SyntaxNode[] = [];
    let annotation: SyntaxNode | null = null;
    let value: SyntaxNode | null = null;
    let valueType = '';
    let current: SyntaxNode | null = node; // callers pass assignments only
    while (current) {
      const left = current.childForFieldName('left');
      if (left) targets.push(left);
      annotation ??= current.childForFieldName('type');
      const right: SyntaxNode | null = current.childForFieldName('right');
      const rightType = right ? right.type : '';
      if (rightType === 'assignment') current = right;
      else {
        value = right;
        valueType = rightType;
        current = null;
      }
    }
    if (value) {
      this.visitExpressionOrAssignment(value, ctx, valueType);
      for (const target of targets) this.visitTarget(target, ctx);
    } else {
      // `z: int` binds nothing; for `a.b: int` / `a[i]: int` Python still evaluates `a` (and `i`).
      for (const target of targets) if (target.type !== 'identifier') this.visitTargetObject(target, ctx);
    }
    if (annotation && this.evaluatesVariableAnnotations(ctx)) this.visitAnnotation(annotation, ctx);
  }

  private visitAugmentedAssignment(node: SyntaxNode, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (left?.type === 'identifier') {
      this.readName(left, ctx);
      if (right) this.visitExpressionOrAssignment(right, ctx);
      this.bindName(left, ctx);
    } else {
      if (left) this.visitExpr(left, ctx);
      if (right) this.visitExpressionOrAssignment(right, ctx);
    }
  }

  /** Reads performed by an attribute or subscript target: the object and the index, not the slot. */
  private visitTargetObject(node: SyntaxNode, ctx: Ctx, type: string = node.type): void {
    if (type === 'attribute') {
      const object = node.childForFieldName('object');
      if (object) this.visitExpr(object, ctx);
    } else if (type === 'subscript') {
      const value = node.childForFieldName('value');
      if (value) this.visitExpr(value, ctx);
      for (const index of node.childrenForFieldName('subscript')) this.visitExpr(index, ctx);
    } else this.visitExpr(node, ctx, type);
  }

  private visitTarget(node: SyntaxNode, ctx: Ctx): void {
    const type = node.type;
    if (type === 'identifier') this.bindName(node, ctx);
    else if (type === 'attribute' || type === 'subscript') this.visitTargetObject(node, ctx, type);
    else if (TARGET_CONTAINERS.has(type)) for (const child of node.namedChildren) this.visitTarget(child, ctx);
    else if (type !== 'comment') this.visitExpr(node, ctx, type);
  }

  private visitDeleteTarget(node: SyntaxNode, ctx: Ctx): void {
    const type = node.type;
    if (type === 'identifier') this.deleteName(node, ctx);
    else if (type === 'attribute' || type === 'subscript') this.visitTargetObject(node, ctx, type);
    else if (TARGET_CONTAINERS.has(type)) for (const child of node.namedChildren) this.visitDeleteTarget(child, ctx);
    else if (type !== 'comment') this.visitExpr(node, ctx, type);
  }

  private deleteName(node: SyntaxNode, ctx: Ctx): void {
    const name = this.source(node);
    const scope = ctx.scope;
    if (scope.kind === 'class' && !scope.globals.has(name)) {
      this.unbind(name, scope.flow); // DELETE_NAME in a class body only touches the class namespace
      return;
    }
    if (!this.resolvesGlobal(name, scope)) return;
    if (ctx.late) this.lateCandidates.add(name, node.startIndex, node.endIndex);
    else if (!this.moduleFlow.has(name)) this.reads.add(name, node.startIndex, node.endIndex); // del needs the binding
    if (!ctx.discardWrites) this.deletes.add(name, node.startIndex, node.endIndex);
    if (!ctx.late) this.unbind(name, this.moduleFlow);
  }

  private visitIf(node: SyntaxNode, ctx: Ctx, flow: Flow): void {
    const condition = node.childForFieldName('condition');
    if (condition) this.visitExpr(condition, ctx);
    let afterTest = flow.copy();
    this.visitBlock(node.childForFieldName('consequence'), ctx);
    const outcomes = [flow.copy()];
    let hasElse = false;
    for (const alternative of node.childrenForFieldName('alternative')) {
      flow.assign(afterTest);
      if (alternative.type === 'elif_clause') {
        const test = alternative.childForFieldName('condition');
        if (test) this.visitExpr(test, ctx);
        afterTest = flow.copy();
        this.visitBlock(alternative.childForFieldName('consequence'), ctx);
      } else {
        hasElse = true;
        this.visitBlock(alternative.childForFieldName('body'), ctx);
      }
      outcomes.push(flow.copy());
    }
    if (!hasElse) outcomes.push(afterTest);
    flow.adopt(Flow.join(outcomes));
  }

  private visitLoop(node: SyntaxNode, ctx: Ctx, flow: Flow): void {
    const isFor = node.type === 'for_statement';
    if (isFor) {
      if (!ctx.inFunction && this.mayContainKeyword(node, 'async') && hasAnonymousChild(node, 'async')) this.topLevelAwait = true;
      const iterable = node.childForFieldName('right');
      if (iterable) this.visitExpr(iterable, ctx);
    } else {
      const condition = node.childForFieldName('condition');
      if (condition) this.visitExpr(condition, ctx);
    }
    const afterTest = flow.copy();
    const mark = this.deletionLog.length;
    if (isFor) {
      const target = node.childForFieldName('left');
      if (target) this.visitTarget(target, ctx);
    }
    const body = node.childForFieldName('body');
    this.visitBlock(body, ctx);
    const deletedInBody = this.deletedSince(mark, flow);
    flow.assign(afterTest);
    const elseClause = node.childForFieldName('alternative');
    if (elseClause) this.visitBlock(elseClause.childForFieldName('body'), ctx);
    const after = body && this.mayContainKeyword(body, 'break') && containsBreak(body) ? Flow.join([afterTest, flow]) : flow.copy();
    for (const name of deletedInBody) after.bound.delete(name);
    flow.adopt(after);
  }

  private visitTry(node: SyntaxNode, ctx: Ctx, flow: Flow): void {
    const before = flow.copy();
    this.visitBlock(node.childForFieldName('body'), ctx);
    let normal = flow.copy();
    const handlers: Flow[] = [];
    let finallyClause: SyntaxNode | null = null;
    for (const clause of node.namedChildren) {
      if (clause.type === 'except_clause') {
        flow.assign(before);
        this.visitExceptClause(clause, ctx, flow);
        handlers.push(flow.copy());
      } else if (clause.type === 'else_clause') {
        flow.adopt(normal); // replaced by the copy below before it is read again
        this.visitBlock(clause.childForFieldName('body'), ctx);
        normal = flow.copy();
      } else if (clause.type === 'finally_clause') finallyClause = clause;
    }
    const completed = Flow.join([normal, ...handlers]);
    if (!finallyClause) {
      flow.adopt(completed);
      return;
    }
    flow.adopt(Flow.join([before, completed]));
    const mark = this.deletionLog.length;
    for (const child of finallyClause.namedChildren) if (child.type === 'block') this.visitBlock(child, ctx);
    const deleted = this.deletedSince(mark, flow);
    if (flow.dead || completed.dead) {
      flow.dead = true;
      return;
    }
    for (const name of completed.bound) if (!deleted.includes(name)) flow.bound.add(name);
  }

  private visitExceptClause(clause: SyntaxNode, ctx: Ctx, flow: Flow): void {
    let typeExpr = clause.childForFieldName('value');
    let alias: SyntaxNode | null = clause.childForFieldName('alias');
    if (typeExpr?.type === 'as_pattern') {
      alias = typeExpr.childForFieldName('alias');
      typeExpr = typeExpr.namedChildren.find((c) => c.type !== 'as_pattern_target') ?? null;
    }
    if (typeExpr) this.visitExpr(typeExpr, ctx);
    const aliasName = alias ? (alias.type === 'identifier' ? alias : alias.namedChildren.find((c) => c.type === 'identifier') ?? null) : null;
    if (aliasName) this.bindName(aliasName, ctx);
    for (const child of clause.namedChildren) if (child.type === 'block') this.visitBlock(child, ctx);
    // `except E as err:` ends with an implicit `del err`.
    if (aliasName) {
      const name = this.source(aliasName);
      if (ctx.scope.kind === 'module' || ctx.scope.globals.has(name)) {
        if (!ctx.late) this.unbind(name, this.moduleFlow);
      } else if (ctx.scope.kind === 'class') this.unbind(name, flow);
    }
  }

  private visitWith(node: SyntaxNode, ctx: Ctx): void {
    if (!ctx.inFunction && this.mayContainKeyword(node, 'async') && hasAnonymousChild(node, 'async')) this.topLevelAwait = true;
    for (const clause of node.namedChildren) {
      if (clause.type !== 'with_clause') continue;
      for (const item of clause.namedChildren) {
        const value = item.childForFieldName('value');
        if (!value) continue;
        if (value.type === 'as_pattern') {
          const [expression] = value.namedChildren;
          if (expression && expression.type !== 'as_pattern_target') this.visitExpr(expression, ctx);
          const alias = value.childForFieldName('alias');
          if (alias) this.visitTarget(alias, ctx);
        } else this.visitExpr(value, ctx);
      }
    }
    this.visitBlock(node.childForFieldName('body'), ctx);
  }

  private visitMatch(node: SyntaxNode, ctx: Ctx, flow: Flow): void {
    for (const subject of node.childrenForFieldName('subject')) this.visitExpr(subject, ctx);
    const before = flow.copy();
    const outcomes: Flow[] = [];
    let exhaustive = false;
    const body = node.childForFieldName('body');
    for (const clause of body ? body.namedChildren : []) {
      if (clause.type !== 'case_clause') continue;
      flow.assign(before);
      const patterns = clause.namedChildren.filter((c) => c.type === 'case_pattern');
      const valueReads: SyntaxNode[] = [];
      const captures: SyntaxNode[] = [];
      for (const pattern of patterns) walkPattern(pattern, valueReads, captures);
      for (const read of valueReads) this.readName(read, ctx);
      for (const capture of captures) this.bindName(capture, ctx);
      const guard = clause.childForFieldName('guard');
      if (guard) this.visitChildren(guard, ctx);
      this.visitBlock(clause.childForFieldName('consequence'), ctx);
      outcomes.push(flow.copy());
      if (!guard && patterns.length === 1 && isIrrefutable(patterns[0]!)) exhaustive = true;
    }
    if (!exhaustive) outcomes.push(before);
    flow.adopt(Flow.join(outcomes));
  }

  private visitImport(node: SyntaxNode, ctx: Ctx): void {
    for (const item of node.childrenForFieldName('name')) {
      const dotted = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
      if (!dotted) continue;
      const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
      const parts = dotted.namedChildren.filter((c) => c.type === 'identifier');
      this.imports.push({
        module: parts.map((p) => this.source(p)).join('.'),
        level: 0,
        names: [],
        star: false,
        start: node.startIndex,
        end: node.endIndex,
        moduleStart: dotted.startIndex,
        moduleEnd: dotted.endIndex,
        topLevel: !ctx.inFunction,
      });
      // `import a.b.c` binds `a`; `import a.b as c` binds `c`.
      const bound = alias ?? parts[0];
      if (bound) this.bindName(bound, ctx);
    }
  }

  private visitImportFrom(node: SyntaxNode, ctx: Ctx): void {
    const isFuture = node.type === 'future_import_statement';
    const moduleNode = isFuture ? null : node.childForFieldName('module_name');
    let module = isFuture ? '__future__' : '';
    let level = 0;
    if (moduleNode?.type === 'relative_import') {
      const prefix = moduleNode.namedChildren.find((c) => c.type === 'import_prefix');
      level = prefix ? this.source(prefix).split('').filter((c) => c === '.').length : 0;
      const dotted = moduleNode.namedChildren.find((c) => c.type === 'dotted_name');
      module = dotted ? this.dottedName(dotted) : '';
    } else if (moduleNode) module = this.dottedName(moduleNode);
    const names: string[] = [];
    const star = node.namedChildren.some((c) => c.type === 'wildcard_import');
    for (const item of node.childrenForFieldName('name')) {
      const original = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
      const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
      if (!original) continue;
      const name = this.dottedName(original);
      names.push(name);
      if (isFuture && name === 'annotations') this.futureAnnotations = true;
      if (alias) this.bindName(alias, ctx);
      else this.bind(name, original.startIndex, original.endIndex, ctx);
    }
    this.imports.push({
      module,
      level,
      names,
      star,
      start: node.startIndex,
      end: node.endIndex,
      moduleStart: moduleNode ? moduleNode.startIndex : node.startIndex,
      moduleEnd: moduleNode ? moduleNode.endIndex : node.startIndex,
      topLevel: !ctx.inFunction,
    });
  }

  private dottedName(node: SyntaxNode): string {
    if (node.type !== 'dotted_name') return this.source(node);
    return node.namedChildren
      .filter((c) => c.type === 'identifier')
      .map((c) => this.source(c))
      .join('.');
  }

  // ---------------------------------------------------------------- definitions

  /** PEP 695 type parameters live in their own annotation scope around the definition. */
  private typeParameterScope(typeParameters: SyntaxNode | null, ctx: Ctx): Ctx {
    if (!typeParameters) return ctx;
    const scope = newScope('function', '', ctx.scope);
    for (const param of typeParameters.namedChildren) {
      const inner = param.type === 'type' ? param.namedChildren[0] : param;
      if (!inner) continue;
      const nameNode = inner.type === 'identifier' ? inner : inner.namedChildren[0]?.type === 'identifier' ? inner.namedChildren[0] : inner.namedChildren[0]?.namedChildren[0];
      if (nameNode?.type === 'identifier') scope.locals.add(this.source(nameNode));
    }
    return { ...ctx, scope };
  }

  private newFunctionRecord(name: string, span: SyntaxNode, ctx: Ctx): FunctionRecord {
    if (ctx.fn) return ctx.fn; // nested functions report through the function the cell defines
    const record: FunctionRecord = { readsGlobals: new Set() };
    const qualified = ctx.scope.kind === 'class' && ctx.scope.name ? `${ctx.scope.name}.${name}` : name;
    this.definedFunctions.push({ name: qualified, start: span.startIndex, end: span.endIndex, record });
    return record;
  }

  private visitParameters(parameters: SyntaxNode | null, ctx: Ctx, annotationCtx: Ctx | null): string[] {
    const names: string[] = [];
    if (!parameters) return names;
    // Defaults first, then annotations: the order CPython evaluates them in.
    for (const param of parameters.namedChildren) {
      const value = param.childForFieldName('value');
      if (value && (param.type === 'default_parameter' || param.type === 'typed_default_parameter')) this.visitExpr(value, ctx);
    }
    for (const param of parameters.namedChildren) {
      const type = param.childForFieldName('type');
      if (type && annotationCtx) this.visitAnnotation(type, annotationCtx);
      collectParameterNames(param, (n) => names.push(this.source(n)));
    }
    return names;
  }

  private functionScope(name: string, parameterNames: string[], body: SyntaxNode | null, parent: Scope): Scope {
    const scope = newScope('function', name, parent);
    for (const param of parameterNames) scope.locals.add(param);
    if (body) collectScopeBindings(body, scope, (n) => this.source(n));
    for (const name of scope.globals) scope.locals.delete(name);
    for (const name of scope.nonlocals) scope.locals.delete(name);
    return scope;
  }

  private visitFunction(node: SyntaxNode, decorators: SyntaxNode[], span: SyntaxNode, ctx: Ctx): void {
    for (const decorator of decorators) this.visitChildren(decorator, ctx);
    const nameNode = node.childForFieldName('name');
    const annotationCtx = this.typeParameterScope(node.childForFieldName('type_parameters'), ctx);
    const evaluateAnnotations = !this.futureAnnotations;
    const parameterNames = this.visitParameters(node.childForFieldName('parameters'), ctx, evaluateAnnotations ? annotationCtx : null);
    const returnType = node.childForFieldName('return_type');
    if (returnType && evaluateAnnotations) this.visitAnnotation(returnType, annotationCtx);
    const name = nameNode ? this.source(nameNode) : '';
    const record = this.newFunctionRecord(name, span, ctx);
    const body = node.childForFieldName('body');
    const scope = this.functionScope(name, parameterNames, body, annotationCtx.scope);
    this.visitBlock(body, { scope, late: true, fn: record, inFunction: true, discardWrites: ctx.discardWrites });
    if (nameNode) this.bindName(nameNode, ctx);
  }

  private visitLambda(node: SyntaxNode, ctx: Ctx): void {
    const parameterNames = this.visitParameters(node.childForFieldName('parameters'), ctx, null);
    const record = this.newFunctionRecord('<lambda>', node, ctx);
    const body = node.childForFieldName('body');
    const scope = this.functionScope('<lambda>', parameterNames, body, ctx.scope);
    if (body) this.visitExpr(body, { scope, late: true, fn: record, inFunction: true, discardWrites: ctx.discardWrites });
  }

  private visitClass(node: SyntaxNode, decorators: SyntaxNode[], ctx: Ctx): void {
    for (const decorator of decorators) this.visitChildren(decorator, ctx);
    const nameNode = node.childForFieldName('name');
    const basesCtx = this.typeParameterScope(node.childForFieldName('type_parameters'), ctx);
    const bases = node.childForFieldName('superclasses');
    if (bases) this.visitArguments(bases, basesCtx, null);
    const scope = newScope('class', nameNode ? this.source(nameNode) : '', basesCtx.scope);
    const body = node.childForFieldName('body');
    if (body && (this.mayContainKeyword(body, 'global') || this.mayContainKeyword(body, 'nonlocal'))) collectDeclarations(body, scope, (n) => this.source(n));
    this.visitBlock(body, { ...ctx, scope });
    if (nameNode) this.bindName(nameNode, ctx);
  }

  private visitTypeAlias(node: SyntaxNode, ctx: Ctx): void {
    const left = node.childForFieldName('left');
    const head = left?.namedChildren[0];
    let nameNode: SyntaxNode | null = null;
    let typeParameters: SyntaxNode | null = null;
    if (head?.type === 'identifier') nameNode = head;
    else if (head?.type === 'generic_type') {
      nameNode = head.namedChildren.find((c) => c.type === 'identifier') ?? null;
      typeParameters = head.namedChildren.find((c) => c.type === 'type_parameter') ?? null;
    }
    // The value of `type X = ...` is evaluated lazily, on first access of `X.__value__`.
    const lazyCtx = this.typeParameterScope(typeParameters, { ...ctx, late: true, inFunction: true });
    const value = node.childForFieldName('right');
    if (value) this.visitAnnotation(value, lazyCtx);
    if (nameNode) this.bindName(nameNode, ctx);
  }

  // ---------------------------------------------------------------- expressions

  private visitAnnotation(node: SyntaxNode, ctx: Ctx): void {
    const type = node.type;
    switch (type) {
      case 'identifier':
        return this.readName(node, ctx);
      case 'generic_type':
      case 'type':
      case 'union_type':
      case 'constrained_type':
      case 'splat_type':
      case 'type_parameter':
        for (const child of node.namedChildren) this.visitAnnotation(child, ctx);
        return;
      case 'member_type': {
        const [object] = node.namedChildren;
        if (object) this.visitAnnotation(object, ctx);
        return;
      }
      default:
        this.visitExpr(node, ctx, type);
    }
  }

  private visitArguments(argumentList: SyntaxNode, ctx: Ctx, call: CallRef | null): void {
    for (const argument of argumentList.namedChildren) {
      const type = argument.type;
      if (type === 'keyword_argument') {
        const name = argument.childForFieldName('name');
        if (name && call) call.keywordArgs.push(this.source(name));
        const value = argument.childForFieldName('value');
        if (value) this.visitExpr(value, ctx);
      } else if (type === 'comment') continue;
      else {
        if (call && type !== 'dictionary_splat') call.args.push({ start: argument.startIndex, end: argument.endIndex });
        this.visitExpr(argument, ctx, type);
      }
    }
  }

  private calleeText(node: SyntaxNode, type: string = node.type): string {
    if (type === 'identifier') return this.source(node);
    if (type === 'attribute') return this.attributeParts(node).text;
    return this.source(node);
  }

  /** An attribute's object (what `visitExpr` walks for it) and its dotted callee text. */
  private attributeParts(node: SyntaxNode): { object: SyntaxNode | null; objectType: string; text: string } {
    const object = node.childForFieldName('object');
    const objectType = object ? object.type : '';
    const attribute = node.childForFieldName('attribute');
    const text = object && attribute ? `${this.calleeText(object, objectType)}.${this.source(attribute)}` : this.source(node);
    return { object, objectType, text };
  }

  /** `type` is `node.type` when the caller already asked tree-sitter for it (each ask is a wasm call). */
  private visitExpr(node: SyntaxNode, ctx: Ctx, type: string = node.type): void {
    switch (type) {
      case 'identifier':
        return this.readName(node, ctx);
      case 'attribute': {
        const object = node.childForFieldName('object');
        if (object) this.visitExpr(object, ctx);
        return;
      }
      case 'call': {
        const fn = node.childForFieldName('function');
        const fnType = fn ? fn.type : '';
        // For `obj.method(...)` the callee text and the walk both need `obj`: fetch that node once.
        const method = fn && fnType === 'attribute' ? this.attributeParts(fn) : null;
        const args = node.childForFieldName('arguments');
        const callee = method ? method.text : fn ? this.calleeText(fn, fnType) : '';
        const call: CallRef = { callee, start: node.startIndex, end: node.endIndex, keywordArgs: [], args: [] };
        this.calls.push(call);
        if (method) {
          if (method.object) this.visitExpr(method.object, ctx, method.objectType);
        } else if (fn) this.visitExpr(fn, ctx, fnType);
        const argsType = args ? args.type : '';
        if (argsType === 'argument_list') this.visitArguments(args!, ctx, call);
        else if (args) {
          call.args.push({ start: args.startIndex, end: args.endIndex });
          this.visitExpr(args, ctx, argsType);
        }
        return;
      }
      case 'keyword_argument': {
        const value = node.childForFieldName('value');
        if (value) this.visitExpr(value, ctx);
        return;
      }
      case 'lambda':
        return this.visitLambda(node, ctx);
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        return this.visitComprehension(node, ctx);
      case 'named_expression': {
        const value = node.childForFieldName('value');
        if (value) this.visitExpr(value, ctx);
        const name = node.childForFieldName('name');
        let scope = ctx.scope;
        while (scope.kind === 'comprehension' && scope.parent) scope = scope.parent;
        if (name) this.bindName(name, { ...ctx, scope });
        return;
      }
      case 'boolean_operator': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left) this.visitExpr(left, ctx);
        const flow = this.flowOf(ctx);
        const before = flow.copy();
        if (right) this.visitExpr(right, ctx);
        flow.adopt(Flow.join([before, flow]));
        return;
      }
      case 'conditional_expression': {
        const parts: Array<{ part: SyntaxNode; type: string }> = [];
        for (const part of node.namedChildren) {
          const partType = part.type;
          if (partType !== 'comment') parts.push({ part, type: partType });
        }
        const [whenTrue, test, whenFalse] = parts;
        if (test) this.visitExpr(test.part, ctx, test.type);
        const flow = this.flowOf(ctx);
        const afterTest = flow.copy();
        if (whenTrue) this.visitExpr(whenTrue.part, ctx, whenTrue.type);
        const trueOutcome = flow.copy();
        flow.adopt(afterTest);
        if (whenFalse) this.visitExpr(whenFalse.part, ctx, whenFalse.type);
        flow.adopt(Flow.join([trueOutcome, flow]));
        return;
      }
      case 'await':
        if (!ctx.inFunction) this.topLevelAwait = true;
        return this.visitChildren(node, ctx);
      case 'yield':
        if (!ctx.inFunction) this.topLevelYield = true;
        return this.visitChildren(node, ctx);
      case 'string':
        return this.visitString(node, ctx);
      case 'type':
        return this.visitAnnotation(node, ctx);
      case 'as_pattern': {
        const [expression] = node.namedChildren;
        if (expression) this.visitExpr(expression, ctx);
        return;
      }
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none':
      case 'ellipsis':
      case 'comment':
      case 'escape_sequence':
        return;
      default:
        this.visitChildren(node, ctx);
    }
  }

  private visitString(node: SyntaxNode, ctx: Ctx): void {
    const start = node.startIndex;
    const end = node.endIndex;
    // Most strings are plain one-line literals (`"spend"`). Their value is the text between the quotes:
    // without backslashes or braces, neither the raw nor the f prefix changes it, and there is nothing
    // to interpolate. Reading it from the source spares building the start/content/end child nodes,
    // which cost more than the rest of the string's analysis.
    const plain = PLAIN_STRING.exec(this.masked.masked.slice(start, end));
    if (plain) {
      this.strings.push({ value: plain[1] ?? plain[2]!, start, end });
      return;
    }
    this.visitStringParts(node, ctx, start, end);
  }

  private visitStringParts(node: SyntaxNode, ctx: Ctx, nodeStart: number, nodeEnd: number): void {
    const parts = node.namedChildren;
    const partTypes = parts.map((part) => part.type);
    const start = parts[partTypes.indexOf('string_start')];
    const prefix = start ? this.source(start).replace(/["']/g, '').toLowerCase() : '';
    const raw = prefix.includes('r');
    let value = '';
    for (let i = 0; i < parts.length; i++) {
      const child = parts[i]!;
      if (partTypes[i] === 'string_content') {
        const text = this.source(child);
        value += raw ? text : decodeEscapes(text);
      } else if (partTypes[i] === 'interpolation') {
        value += '{}';
        this.visitInterpolation(child, ctx);
      }
    }
    if (prefix.includes('f')) value = value.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    this.strings.push({ value, start: nodeStart, end: nodeEnd });
  }

  private visitInterpolation(node: SyntaxNode, ctx: Ctx): void {
    const expression = node.childForFieldName('expression');
    if (expression) this.visitExpressionOrAssignment(expression, ctx);
    const spec = node.childForFieldName('format_specifier');
    if (spec) for (const part of spec.namedChildren) if (part.type === 'format_expression') this.visitInterpolation(part, ctx);
  }

  private visitComprehension(node: SyntaxNode, ctx: Ctx): void {
    const clauses = node.namedChildren.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const first = clauses[0];
    // The first iterable is evaluated in the enclosing scope, before the comprehension's own scope exists.
    if (first?.type === 'for_in_clause') for (const iterable of first.childrenForFieldName('right')) this.visitExpr(iterable, ctx);
    const scope = newScope('comprehension', '', ctx.scope);
    for (const clause of clauses) {
      if (clause.type !== 'for_in_clause') continue;
      const target = clause.childForFieldName('left');
      if (target) collectTargetNames(target, (n) => scope.locals.add(this.source(n)));
    }
    const inner: Ctx = { ...ctx, scope };
    const flow = this.flowOf(ctx);
    const before = flow.copy();
    clauses.forEach((clause, index) => {
      if (clause.type === 'for_in_clause') {
        if (!ctx.inFunction && this.mayContainKeyword(clause, 'async') && hasAnonymousChild(clause, 'async')) this.topLevelAwait = true;
        if (index > 0) for (const iterable of clause.childrenForFieldName('right')) this.visitExpr(iterable, inner);
        const target = clause.childForFieldName('left');
        if (target) this.visitTarget(target, inner);
      } else this.visitChildren(clause, inner);
    });
    const body = node.childForFieldName('body');
    if (body) this.visitExpr(body, inner);
    // The comprehension may run zero times: walrus bindings inside it are not definite afterwards.
    flow.adopt(before);
  }
}

const OWN_BREAK_SCOPES = new Set(['for_statement', 'while_statement', 'function_definition', 'class_definition', 'lambda', 'decorated_definition']);

function containsBreak(node: SyntaxNode): boolean {
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'break_statement') return true;
    if (type === 'identifier') continue; // a leaf: nothing below it
    if (OWN_BREAK_SCOPES.has(type)) {
      // A break in a nested loop's else clause still belongs to the outer loop.
      if (type === 'for_statement' || type === 'while_statement') {
        const elseClause = child.childForFieldName('alternative');
        if (elseClause && containsBreak(elseClause)) return true;
      }
      continue;
    }
    if (containsBreak(child)) return true;
  }
  return false;
}

function collectTargetNames(node: SyntaxNode, add: (n: SyntaxNode) => void): void {
  if (node.type === 'identifier') add(node);
  else if (TARGET_CONTAINERS.has(node.type)) for (const child of node.namedChildren) collectTargetNames(child, add);
}

function collectParameterNames(param: SyntaxNode, add: (n: SyntaxNode) => void): void {
  switch (param.type) {
    case 'identifier':
      return add(param);
    case 'default_parameter':
    case 'typed_default_parameter': {
      const name = param.childForFieldName('name');
      if (name) collectParameterNames(name, add);
      return;
    }
    case 'typed_parameter':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
    case 'tuple_pattern':
      for (const child of param.namedChildren) if (child.type !== 'type') collectParameterNames(child, add);
      return;
  }
}

/** Value patterns (`Color.RED`, class names) are reads; bare names are captures. */
function walkPattern(node: SyntaxNode, reads: SyntaxNode[], captures: SyntaxNode[]): void {
  switch (node.type) {
    case 'dotted_name': {
      const parts = node.namedChildren.filter((c) => c.type === 'identifier');
      if (parts.length === 1) captures.push(parts[0]!);
      else if (parts[0]) reads.push(parts[0]);
      return;
    }
    case 'identifier':
      captures.push(node);
      return;
    case 'splat_pattern':
      for (const child of node.namedChildren) if (child.type === 'identifier') captures.push(child);
      return;
    case 'class_pattern': {
      const [cls, ...rest] = node.namedChildren;
      if (cls?.type === 'dotted_name') {
        const head = cls.namedChildren[0];
        if (head) reads.push(head);
      }
      for (const child of rest) walkPattern(child, reads, captures);
      return;
    }
    case 'keyword_pattern': {
      const [, ...values] = node.namedChildren; // the first child is the keyword, not a name
      for (const child of values) walkPattern(child, reads, captures);
      return;
    }
    case 'dict_pattern':
      for (const key of node.childrenForFieldName('key')) {
        if (key.type === 'dotted_name' && key.namedChildren[0]) reads.push(key.namedChildren[0]);
      }
      for (const value of node.childrenForFieldName('value')) walkPattern(value, reads, captures);
      for (const child of node.namedChildren) if (child.type === 'splat_pattern') walkPattern(child, reads, captures);
      return;
    case 'case_pattern':
    case 'list_pattern':
    case 'tuple_pattern':
    case 'union_pattern':
    case 'as_pattern':
      for (const child of node.namedChildren) walkPattern(child, reads, captures);
      return;
    default:
      return; // literals
  }
}

function isIrrefutable(pattern: SyntaxNode): boolean {
  switch (pattern.type) {
    case 'case_pattern': {
      const children = pattern.namedChildren;
      if (children.length === 0) return true; // `_`
      return children.length === 1 && isIrrefutable(children[0]!);
    }
    case 'dotted_name':
      return pattern.namedChildren.length === 1;
    case 'as_pattern': {
      const [inner] = pattern.namedChildren;
      return inner !== undefined && isIrrefutable(inner);
    }
    case 'union_pattern':
      return hasAnonymousChild(pattern, '_') || pattern.namedChildren.some(isIrrefutable);
    default:
      return false;
  }
}

/** `global`/`nonlocal` statements that belong to this scope (not to nested defs or classes). */
function collectDeclarations(node: SyntaxNode, scope: Scope, text: (n: SyntaxNode) => string): void {
  for (const child of node.namedChildren) {
    if (child.type === 'global_statement' || child.type === 'nonlocal_statement') {
      const into = child.type === 'global_statement' ? scope.globals : scope.nonlocals;
      for (const id of child.namedChildren) if (id.type === 'identifier') into.add(text(id));
    } else if (!['function_definition', 'class_definition', 'decorated_definition', 'lambda'].includes(child.type)) {
      collectDeclarations(child, scope, text);
    }
  }
}

/**
 * Every name a function body binds anywhere (what the compiler makes local), plus its declarations.
 * Nested def/class bodies and lambdas are their own scopes; comprehension targets are too, but a
 * walrus inside a comprehension binds here.
 */
function collectScopeBindings(node: SyntaxNode, scope: Scope, text: (n: SyntaxNode) => string): void {
  const add = (n: SyntaxNode): void => {
    scope.locals.add(text(n));
  };
  const visit = (n: SyntaxNode): void => {
    switch (n.type) {
      case 'global_statement':
      case 'nonlocal_statement': {
        const into = n.type === 'global_statement' ? scope.globals : scope.nonlocals;
        for (const id of n.namedChildren) if (id.type === 'identifier') into.add(text(id));
        return;
      }
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) add(name);
        // Defaults, decorators and bases run in this scope (only a walrus there could bind).
        for (const part of ['parameters', 'superclasses']) {
          const child = n.childForFieldName(part);
          if (child) visit(child);
        }
        return;
      }
      case 'lambda': {
        const parameters = n.childForFieldName('parameters');
        if (parameters) visit(parameters);
        return;
      }
      case 'named_expression': {
        const name = n.childForFieldName('name');
        if (name) add(name);
        const value = n.childForFieldName('value');
        if (value) visit(value);
        return;
      }
      case 'for_in_clause': {
        for (const iterable of n.childrenForFieldName('right')) visit(iterable);
        return;
      }
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement': {
        // Annotation-only `x: int` still makes `x` local to the function.
        const left = n.childForFieldName('left');
        if (left) collectTargetNames(left, add);
        for (const field of ['right', 'body', 'alternative']) for (const child of n.childrenForFieldName(field)) visit(child);
        return;
      }
      case 'as_pattern_target':
        return collectTargetNames(n.namedChildren[0] ?? n, add);
      case 'except_clause': {
        const alias = n.childForFieldName('alias');
        if (alias?.type === 'identifier') add(alias);
        for (const child of n.namedChildren) visit(child);
        return;
      }
      case 'delete_statement':
        for (const target of n.namedChildren) collectTargetNames(target, add);
        return;
      case 'import_statement':
        for (const item of n.childrenForFieldName('name')) {
          const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
          const dotted = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
          const bound = alias ?? dotted?.namedChildren[0];
          if (bound) add(bound);
        }
        return;
      case 'import_from_statement':
        for (const item of n.childrenForFieldName('name')) {
          const alias = item.type === 'aliased_import' ? item.childForFieldName('alias') : null;
          const original = item.type === 'aliased_import' ? item.childForFieldName('name') : item;
          if (alias) add(alias);
          else if (original) scope.locals.add(text(original));
        }
        return;
      case 'case_clause': {
        const captures: SyntaxNode[] = [];
        for (const pattern of n.namedChildren) if (pattern.type === 'case_pattern') walkPattern(pattern, [], captures);
        captures.forEach(add);
        for (const child of n.namedChildren) if (child.type !== 'case_pattern') visit(child);
        return;
      }
      case 'type_alias_statement': {
        const head = n.childForFieldName('left')?.namedChildren[0];
        const name = head?.type === 'identifier' ? head : head?.namedChildren.find((c) => c.type === 'identifier');
        if (name) add(name);
        return;
      }
      case 'identifier':
        return; // a leaf: asking for its children would be a wasted call into wasm
      default:
        for (const child of n.namedChildren) visit(child);
    }
  };
  for (const child of node.namedChildren) visit(child);
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

/** Analyses one code cell. Never throws; call `initPythonParser()` once before. */
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
  if (!isPythonParserReady()) {
    const result = emptyAnalysis(masked.magics, false);
    result.syntaxErrors.push({ start: 0, end: 0, message: 'Python parser not initialised (initPythonParser)' });
    return result;
  }
  let tree: ReturnType<typeof parsePython> | null = null;
  try {
    tree = parsePython(masked.masked);
    return new CellWalker(masked).run(tree.rootNode);
  } catch (error) {
    const result = emptyAnalysis(masked.magics, false);
    result.syntaxErrors.push({ start: 0, end: source.length, message: `Internal error analysing cell: ${String(error)}` });
    return result;
  } finally {
    tree?.delete();
  }
}
