/**
 * The syntax facts extraction needs beyond the per-cell dataflow of `analysis/`: the list of top-level
 * statements, what each import binds (with its alias), which names are definitely bound when the cell
 * ends, which lines sit inside a multi-line string (they must not be re-indented), the cell's trailing
 * expression (Jupyter displays it), and the type of an assigned value when it is evident.
 * Everything here walks the parser's syntax tree (python/ast.ts); nothing reads Python structure with
 * regular expressions.
 */
import type { Expr, Import, ImportFrom, Stmt } from '../python/ast';
import { parseModule } from '../python/parser';
import { stringPieces } from '../analysis/stringLiterals';

/**
 * Builtins that look names up in the namespace they run in: what code calling them reads cannot be
 * known from its text, and inside a function they see the function's locals, not the notebook's globals.
 */
const NAMESPACE_BUILTINS: ReadonlySet<string> = new Set(['globals', 'locals', 'vars', 'dir', 'eval', 'exec', 'breakpoint']);
/** These look at an object when given one (`dir(df)`, `vars(row)`): only without arguments do they read the namespace. */
const NAMESPACE_WITHOUT_ARGUMENTS: ReadonlySet<string> = new Set(['dir', 'vars', 'locals']);

/** A call that reads the names of the namespace it runs in: `globals()`, `eval(...)`, `exec(...)`, `breakpoint()`, or argument-less `dir()`/`vars()`/`locals()`. */
export function looksUpNames(call: { callee: string; args: unknown[]; keywordArgs: string[] }): boolean {
  if (!NAMESPACE_BUILTINS.has(call.callee)) return false;
  return !NAMESPACE_WITHOUT_ARGUMENTS.has(call.callee) || call.args.length + call.keywordArgs.length === 0;
}

export interface ImportBinding {
  /** The name bound in the namespace: `pd` for `import pandas as pd`, `os` for `import os.path`. */
  name: string;
  /** `import x.y [as z]` or `from m import n [as z]`. */
  form: 'import' | 'from';
  /** Dotted module: `pandas`, `os.path`; for `from` imports the source module (dots included if relative). */
  module: string;
  /** `from` imports: the imported name. */
  importedName?: string;
  alias?: string;
  /** A single-binding statement that recreates this binding, e.g. `import pandas as pd`. */
  statement: string;
}

export interface TopLevelStatement {
  node: Stmt;
  /** The node's type: `Import`, `ExprStmt`, `ClassDef`, ... */
  type: Stmt['type'];
  /** From the first decorator's `@` for a decorated def or class. */
  start: number;
  end: number;
  /** Line (0-based) and column of the statement's first character. */
  line: number;
  column: number;
  /** Line (0-based) of the statement's last character. */
  endLine: number;
  text: string;
  /** Set for import statements at the top level. */
  imports?: ImportBinding[];
  starImport?: boolean;
  futureImport?: boolean;
}

export interface CellSyntax {
  source: string;
  statements: TopLevelStatement[];
  /** 0-based line numbers that begin inside a string literal spanning lines: re-indenting would change the string. */
  linesInsideStrings: Set<number>;
  hasError: boolean;
}

/** Line starts of a source, for offset → line/column. Lines end at `\n`, `\r\n` or `\r`, as Python's. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  column(offset: number): number {
    return offset - this.starts[this.line(offset)]!;
  }
}

/** Parses a cell and hands its syntax facts to `fn`. */
export function withCellSyntax<T>(source: string, fn: (syntax: CellSyntax) => T): T {
  return fn(cellSyntax(source));
}

export function cellSyntax(source: string): CellSyntax {
  const module = parseModule(source);
  const lines = new Lines(source);
  const statements: TopLevelStatement[] = [];
  for (const node of module.body) {
    const start = statementStart(source, node);
    const statement: TopLevelStatement = {
      node,
      type: node.type,
      start,
      end: node.end,
      line: lines.line(start),
      column: lines.column(start),
      endLine: lines.line(Math.max(start, node.end - 1)),
      text: source.slice(start, node.end),
    };
    if (node.type === 'ImportFrom' && isFutureImport(node)) statement.futureImport = true;
    else if (node.type === 'Import' || node.type === 'ImportFrom') {
      const parsed = importBindings(node);
      statement.imports = parsed.bindings;
      statement.starImport = parsed.star;
    }
    statements.push(statement);
  }
  const linesInsideStrings = new Set<number>();
  collectMultilineStrings(module, source, lines, linesInsideStrings);
  return { source, statements, linesInsideStrings, hasError: module.errors.length > 0 };
}

function isFutureImport(node: ImportFrom): boolean {
  return node.level === 0 && node.module?.name === '__future__';
}

/** A decorated def or class starts at its first decorator's `@`. */
function statementStart(source: string, node: Stmt): number {
  if ((node.type !== 'FunctionDef' && node.type !== 'ClassDef') || node.decorators.length === 0) return node.start;
  let i = node.decorators[0]!.start - 1;
  while (i > 0 && source[i] !== '@') i--;
  return i;
}

/** Each string literal's lines after its first: their text is part of the value. */
function collectMultilineStrings(root: unknown, source: string, lines: Lines, out: Set<number>): void {
  // An explicit stack: an `elif` chain or a long operator chain nests deeper than the call stack allows.
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const typed = node as { type?: string; kind?: string; start: number; end: number };
    if (typed.type === 'JoinedStr' || (typed.type === 'Constant' && (typed.kind === 'str' || typed.kind === 'bytes'))) {
      // Implicitly concatenated literals are one node; only the lines inside each literal are string text.
      // Nested f-string replacement fields are part of the literal's lines too.
      for (const piece of stringPieces(source, typed.start, typed.end)) {
        const last = lines.line(piece.end);
        for (let row = lines.line(piece.start) + 1; row <= last; row++) out.add(row);
      }
      continue;
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
}

function importBindings(node: Import | ImportFrom): { bindings: ImportBinding[]; star: boolean } {
  const bindings: ImportBinding[] = [];
  if (node.type === 'Import') {
    for (const clause of node.names) {
      const module = clause.name.name;
      if (clause.asname) {
        const alias = clause.asname.name;
        bindings.push({ name: alias, form: 'import', module, alias, statement: `import ${module} as ${alias}` });
      } else bindings.push({ name: module.split('.')[0]!, form: 'import', module, statement: `import ${module}` });
    }
    return { bindings, star: false };
  }
  const module = '.'.repeat(node.level) + (node.module?.name ?? '');
  let star = false;
  for (const clause of node.names) {
    const importedName = clause.name.name;
    if (importedName === '*') {
      star = true;
      continue;
    }
    if (clause.asname) {
      const alias = clause.asname.name;
      bindings.push({ name: alias, form: 'from', module, importedName, alias, statement: `from ${module} import ${importedName} as ${alias}` });
    } else bindings.push({ name: importedName, form: 'from', module, importedName, statement: `from ${module} import ${importedName}` });
  }
  return { bindings, star };
}

/** Two bindings recreate the same object: same form, module, imported name and alias. */
export function sameImport(a: ImportBinding, b: ImportBinding): boolean {
  return a.statement === b.statement;
}

/** Identifier targets of an assignment's left side: `a`, `a, b`, `[a, (b, c)]`, `*rest`. Attributes and subscripts bind nothing. */
export function targetNames(node: Expr | null, out: string[] = []): string[] {
  if (!node) return out;
  switch (node.type) {
    case 'Name':
      out.push(node.id);
      break;
    case 'Tuple':
    case 'List':
      for (const element of node.elts) targetNames(element, out);
      break;
    case 'Starred':
      targetNames(node.value, out);
      break;
    default:
      break;
  }
  return out;
}

/** The path cannot continue past this statement (`raise`, `return`, `continue`, `break`). */
function endsPath(statements: Stmt[]): boolean {
  const last = statements[statements.length - 1];
  return !!last && (last.type === 'Raise' || last.type === 'Return' || last.type === 'Continue' || last.type === 'Break');
}

/**
 * Names definitely bound after `statements` run, starting from `bound`. An under-approximation on
 * purpose: a name wrongly reported as "maybe unbound" only costs an extra parameter (its earlier value
 * is passed in and overwritten), while the opposite would return an unbound local.
 * Returns null for a path that cannot fall through (it ends in `raise`/`return`).
 */
export function definitelyBoundAfter(statements: Stmt[], bound: Set<string>): Set<string> | null {
  let current = new Set(bound);
  for (const statement of statements) {
    const next = boundAfterStatement(statement, current);
    if (!next) return null;
    current = next;
  }
  return current;
}

function boundAfterStatement(node: Stmt, bound: Set<string>): Set<string> | null {
  const out = new Set(bound);
  switch (node.type) {
    case 'Assign':
      for (const target of node.targets) for (const n of targetNames(target)) out.add(n);
      return out;
    case 'AnnAssign':
      // `x: int` alone binds nothing.
      if (node.value) for (const n of targetNames(node.target)) out.add(n);
      return out;
    case 'AugAssign':
      for (const n of targetNames(node.target)) out.add(n);
      return out;
    case 'Import':
      for (const b of importBindings(node).bindings) out.add(b.name);
      return out;
    case 'ImportFrom':
      if (!isFutureImport(node)) for (const b of importBindings(node).bindings) out.add(b.name);
      return out;
    case 'FunctionDef':
    case 'ClassDef':
      out.add(node.name.name);
      return out;
    case 'Delete':
      for (const target of node.targets) for (const n of targetNames(target)) out.delete(n);
      return out;
    case 'Raise':
    case 'Return':
      return null;
    case 'If': {
      // An `elif` chain is one If per `else`: its branches are gathered in a loop, not by recursion.
      const branches: (Set<string> | null)[] = [];
      let current = node;
      while (current.orelse.length === 1 && current.orelse[0]!.type === 'If') {
        branches.push(definitelyBoundAfter(current.body, bound));
        current = current.orelse[0]!;
      }
      branches.push(definitelyBoundAfter(current.body, bound), current.orelse.length ? definitelyBoundAfter(current.orelse, bound) : new Set(bound));
      return intersect(branches, bound);
    }
    case 'With': {
      for (const item of node.items) for (const n of targetNames(item.optionalVars)) out.add(n);
      return definitelyBoundAfter(node.body, out);
    }
    case 'Try': {
      const body = definitelyBoundAfter(node.body, bound);
      const bodyThenElse = body && node.orelse.length ? definitelyBoundAfter(node.orelse, body) : body;
      const paths: (Set<string> | null)[] = [bodyThenElse];
      for (const handler of node.handlers) {
        // A handler starts from the state before `try`: the exception may come first.
        paths.push(endsPath(handler.body) ? null : definitelyBoundAfter(handler.body, bound));
      }
      const joined = intersect(paths, bound);
      if (node.finalbody.length === 0) return joined;
      return joined ? definitelyBoundAfter(node.finalbody, joined) : null;
    }
    default:
      // Loops (zero iterations), match (no irrefutable case proven), walrus in conditions: nothing definite.
      return out;
  }
}

function intersect(paths: (Set<string> | null)[], fallback: Set<string>): Set<string> | null {
  const live = paths.filter((p): p is Set<string> => p !== null);
  if (!live.length) return null;
  const [first, ...rest] = live;
  const result = new Set([...first!].filter((n) => rest.every((p) => p.has(n))));
  for (const n of fallback) result.add(n);
  return result;
}

/** The trailing bare expression Jupyter would display, or undefined (assignment, `x;`, `print(...)`). */
export function displayedExpression(syntax: CellSyntax): TopLevelStatement | undefined {
  const last = syntax.statements[syntax.statements.length - 1];
  if (!last || last.node.type !== 'ExprStmt') return undefined;
  // A bare string as the last statement displays too, but so rarely on purpose that a docstring-like
  // note is the likelier intent; we still treat it as displayed to keep the output identical.
  const expr = last.node.value;
  // `expr;` suppresses the display: a `;` follows the statement on its line.
  const after = syntax.source.slice(last.end).match(/^[ \t]*;/);
  if (after) return undefined;
  if (expr.type === 'Call' && expr.func.type === 'Name' && expr.func.id === 'print' && expr.func.start === expr.start) return undefined;
  return last;
}

/** A type that is evident from the assigned expression, written as it must appear in an annotation. */
export interface EvidentType {
  annotation: string;
  /** Module binding the annotation needs, e.g. `import pandas as pd` for `pd.DataFrame`. */
  needs?: ImportBinding;
}

const CONSTRUCTOR_TYPES: Record<string, string> = {
  int: 'int', float: 'float', str: 'str', bool: 'bool', list: 'list', dict: 'dict', set: 'set', tuple: 'tuple',
  len: 'int', sorted: 'list', repr: 'str', round: 'int', frozenset: 'frozenset',
};
const PANDAS_FRAME_READERS = new Set(['read_csv', 'read_parquet', 'read_json', 'read_excel', 'read_feather', 'read_table', 'read_sql', 'read_pickle', 'DataFrame', 'concat', 'merge']);
const NUMPY_ARRAY_MAKERS = new Set(['array', 'asarray', 'zeros', 'ones', 'empty', 'arange', 'linspace', 'full', 'eye', 'loadtxt', 'genfromtxt']);

/**
 * `resolveModule(alias)` tells which import binds a name (so `pd.read_csv` is pandas only when `pd` is
 * `import pandas as pd`), and `isShadowed(name)` whether a cell rebinds a builtin like `len`.
 */
export function evidentType(
  expr: Expr,
  resolveModule: (name: string) => ImportBinding | undefined,
  isShadowed: (builtin: string) => boolean,
): EvidentType | undefined {
  switch (expr.type) {
    case 'Constant':
      switch (expr.kind) {
        case 'int':
          return { annotation: 'int' };
        case 'float':
          return { annotation: 'float' };
        case 'str':
          return { annotation: 'str' };
        case 'bytes':
          return { annotation: 'bytes' };
        case 'True':
        case 'False':
          return { annotation: 'bool' };
        default:
          return undefined;
      }
    case 'JoinedStr':
      return { annotation: 'str' };
    case 'Compare':
      return { annotation: 'bool' };
    case 'List':
    case 'ListComp':
      return { annotation: 'list' };
    case 'Dict':
    case 'DictComp':
      return { annotation: 'dict' };
    case 'Set':
    case 'SetComp':
      return { annotation: 'set' };
    case 'Tuple':
      return { annotation: 'tuple' };
    case 'UnaryOp': {
      if (expr.op === 'not') return { annotation: 'bool' };
      const operand = expr.operand;
      return operand.type === 'Constant' && (operand.kind === 'int' || operand.kind === 'float') ? evidentType(operand, resolveModule, isShadowed) : undefined;
    }
    case 'Call': {
      const callee = expr.func;
      if (callee.type === 'Name') {
        const builtin = CONSTRUCTOR_TYPES[callee.id];
        if (callee.id === 'round' && expr.args.length + expr.keywords.length !== 1) return undefined; // round(x, n) keeps x's type
        if (builtin) return isShadowed(callee.id) ? undefined : { annotation: builtin };
        // `from pathlib import Path; Path(...)`: calling an imported class gives an instance of it.
        // Only CapWords names, by PEP 8 the convention for classes, so factory functions are left alone.
        const imported = resolveModule(callee.id);
        if (imported?.form === 'from' && /^[A-Z][A-Za-z0-9]*$/.test(imported.importedName ?? '') && /[a-z]/.test(callee.id)) {
          return { annotation: callee.id, needs: imported };
        }
        return undefined;
      }
      if (callee.type === 'Attribute') {
        const object = callee.value;
        const attribute = callee.attr.name;
        if (object.type !== 'Name') return undefined;
        const binding = resolveModule(object.id);
        if (!binding || binding.form !== 'import') return undefined;
        if (binding.module === 'pandas' && PANDAS_FRAME_READERS.has(attribute)) return { annotation: `${binding.name}.DataFrame`, needs: binding };
        if (binding.module === 'pandas' && attribute === 'Series') return { annotation: `${binding.name}.Series`, needs: binding };
        if (binding.module === 'numpy' && NUMPY_ARRAY_MAKERS.has(attribute)) return { annotation: `${binding.name}.ndarray`, needs: binding };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * For `name = <expr>` / `name: T = <expr>` statements at the top level: the assigned value node when
 * the statement assigns exactly `name` (not a tuple target, not chained), else 'other'.
 */
export function simpleAssignedValue(statement: TopLevelStatement, name: string): Expr | 'other' {
  const node = statement.node;
  if (node.type === 'Assign') {
    const [target] = node.targets;
    return node.targets.length === 1 && target?.type === 'Name' && target.id === name ? node.value : 'other';
  }
  if (node.type === 'AnnAssign') return node.target.type === 'Name' && node.target.id === name && node.value ? node.value : 'other';
  return 'other';
}

/** A docstring-like statement: a bare string literal. */
export function isStringStatement(statement: TopLevelStatement): boolean {
  const node = statement.node;
  return node.type === 'ExprStmt' && ((node.value.type === 'Constant' && node.value.kind === 'str') || node.value.type === 'JoinedStr');
}

