/**
 * The Python syntax tree the engine works on: the node types and fields of CPython's `ast` module
 * (3.13 grammar, so PEP 695 type parameters, PEP 701 f-strings and `except*` are representable), as
 * plain JavaScript objects. Mirroring CPython's shapes one to one is deliberate: the parser's oracle
 * test compares this tree with `ast.dump()` of the same source field by field, so no mapping layer
 * can hide a disagreement.
 *
 * Differences from CPython, all additive:
 * - every node carries `start`/`end`, offsets in UTF-16 code units into the parsed string (the unit of
 *   JavaScript strings and LSP positions), instead of lineno/col_offset in UTF-8 bytes;
 * - identifiers that CPython keeps as bare strings (a def's name, `global` names, an alias's
 *   `asname`, an except handler's name, ...) are {@link Identifier}s with their own range, because
 *   the analysis reports them;
 * - a statement the parser could not read becomes an {@link ErrorStmt} covering the skipped text, and
 *   the module lists every error with its exact range, so the rest of the source is still analysed.
 */

export interface Span {
  start: number;
  end: number;
}

export interface Identifier extends Span {
  name: string;
}

export type ExprContext = 'Load' | 'Store' | 'Del';

export interface SyntaxErrorInfo extends Span {
  message: string;
}

export interface Module extends Span {
  type: 'Module';
  body: Stmt[];
  /** Empty when CPython's `ast.parse` accepts the source. */
  errors: SyntaxErrorInfo[];
}

// ---------------------------------------------------------------------------------------------------
// Statements

export type Stmt =
  | FunctionDef
  | ClassDef
  | Return
  | Delete
  | Assign
  | TypeAlias
  | AugAssign
  | AnnAssign
  | For
  | While
  | If
  | With
  | Match
  | Raise
  | Try
  | Assert
  | Import
  | ImportFrom
  | Global
  | Nonlocal
  | ExprStmt
  | Pass
  | Break
  | Continue
  | ErrorStmt;

/** `def` and `async def` (CPython's FunctionDef and AsyncFunctionDef). */
export interface FunctionDef extends Span {
  type: 'FunctionDef';
  isAsync: boolean;
  name: Identifier;
  args: Arguments;
  body: Stmt[];
  decorators: Expr[];
  returns: Expr | null;
  typeParams: TypeParam[];
}

export interface ClassDef extends Span {
  type: 'ClassDef';
  name: Identifier;
  bases: Expr[];
  keywords: Keyword[];
  body: Stmt[];
  decorators: Expr[];
  typeParams: TypeParam[];
}

export interface Return extends Span {
  type: 'Return';
  value: Expr | null;
}

export interface Delete extends Span {
  type: 'Delete';
  targets: Expr[];
}

export interface Assign extends Span {
  type: 'Assign';
  targets: Expr[];
  value: Expr;
}

/** PEP 695 `type X[T] = ...`. */
export interface TypeAlias extends Span {
  type: 'TypeAlias';
  name: Name;
  typeParams: TypeParam[];
  value: Expr;
}

export interface AugAssign extends Span {
  type: 'AugAssign';
  target: Name | Attribute | Subscript;
  op: BinaryOperator;
  value: Expr;
}

export interface AnnAssign extends Span {
  type: 'AnnAssign';
  target: Name | Attribute | Subscript;
  annotation: Expr;
  value: Expr | null;
  /** CPython's `simple`: the target is a bare name not in parentheses. */
  simple: boolean;
}

/** `for` and `async for`. */
export interface For extends Span {
  type: 'For';
  isAsync: boolean;
  target: Expr;
  iter: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface While extends Span {
  type: 'While';
  test: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface If extends Span {
  type: 'If';
  test: Expr;
  body: Stmt[];
  /** An `elif` is a single nested If here, as in CPython. */
  orelse: Stmt[];
}

/** `with` and `async with`. */
export interface With extends Span {
  type: 'With';
  isAsync: boolean;
  items: WithItem[];
  body: Stmt[];
}

export interface WithItem extends Span {
  contextExpr: Expr;
  optionalVars: Expr | null;
}

export interface Match extends Span {
  type: 'Match';
  subject: Expr;
  cases: MatchCase[];
}

export interface MatchCase extends Span {
  pattern: Pattern;
  guard: Expr | null;
  body: Stmt[];
}

export interface Raise extends Span {
  type: 'Raise';
  exc: Expr | null;
  cause: Expr | null;
}

/** `try` and `try` with `except*` (CPython's Try and TryStar). */
export interface Try extends Span {
  type: 'Try';
  isStar: boolean;
  body: Stmt[];
  handlers: ExceptHandler[];
  orelse: Stmt[];
  finalbody: Stmt[];
}

export interface ExceptHandler extends Span {
  type: 'ExceptHandler';
  exceptionType: Expr | null;
  name: Identifier | null;
  body: Stmt[];
}

export interface Assert extends Span {
  type: 'Assert';
  test: Expr;
  msg: Expr | null;
}

export interface Import extends Span {
  type: 'Import';
  names: Alias[];
}

export interface ImportFrom extends Span {
  type: 'ImportFrom';
  /** Null for `from . import x`. */
  module: Identifier | null;
  names: Alias[];
  level: number;
}

/** `name` is dotted for `import a.b`; `*` for a star import. */
export interface Alias extends Span {
  name: Identifier;
  asname: Identifier | null;
}

export interface Global extends Span {
  type: 'Global';
  names: Identifier[];
}

export interface Nonlocal extends Span {
  type: 'Nonlocal';
  names: Identifier[];
}

/** CPython's `Expr` statement (renamed: `Expr` is the expression union here). */
export interface ExprStmt extends Span {
  type: 'ExprStmt';
  value: Expr;
}

export interface Pass extends Span {
  type: 'Pass';
}
export interface Break extends Span {
  type: 'Break';
}
export interface Continue extends Span {
  type: 'Continue';
}

/** Source the parser skipped after a syntax error (up to the next statement it could read). */
export interface ErrorStmt extends Span {
  type: 'ErrorStmt';
  /**
   * Whatever was read before the error, so names in it still count: the expressions read, then the
   * names read that those do not hold (`x.loc[(:, 1)]` keeps x), then the name a broken def or class
   * had bound, as a Store Name (`def f(:` keeps f). Names that may be local to a lambda or a
   * comprehension are left out.
   */
  partial: Expr[];
  /** An import broken after some of its names: those names, as an import (`import numpy as np,` keeps np). */
  partialImport: Import | ImportFrom | null;
}

// ---------------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | BoolOp
  | NamedExpr
  | BinOp
  | UnaryOp
  | Lambda
  | IfExp
  | Dict
  | SetExpr
  | ListComp
  | SetComp
  | DictComp
  | GeneratorExp
  | Await
  | Yield
  | YieldFrom
  | Compare
  | Call
  | FormattedValue
  | JoinedStr
  | Constant
  | Attribute
  | Subscript
  | Starred
  | Name
  | List
  | Tuple
  | Slice;

export type BoolOperator = 'and' | 'or';
export type BinaryOperator = '+' | '-' | '*' | '@' | '/' | '%' | '**' | '<<' | '>>' | '|' | '^' | '&' | '//';
export type UnaryOperator = '~' | 'not' | '+' | '-';
export type CompareOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'is' | 'is not' | 'in' | 'not in';

export interface BoolOp extends Span {
  type: 'BoolOp';
  op: BoolOperator;
  values: Expr[];
}

export interface NamedExpr extends Span {
  type: 'NamedExpr';
  target: Name;
  value: Expr;
}

export interface BinOp extends Span {
  type: 'BinOp';
  left: Expr;
  op: BinaryOperator;
  right: Expr;
}

export interface UnaryOp extends Span {
  type: 'UnaryOp';
  op: UnaryOperator;
  operand: Expr;
}

export interface Lambda extends Span {
  type: 'Lambda';
  args: Arguments;
  body: Expr;
}

export interface IfExp extends Span {
  type: 'IfExp';
  test: Expr;
  body: Expr;
  orelse: Expr;
}

/** `keys[i]` is null for a `**mapping` entry, as in CPython. */
export interface Dict extends Span {
  type: 'Dict';
  keys: Array<Expr | null>;
  values: Expr[];
}

/** CPython's `Set`. */
export interface SetExpr extends Span {
  type: 'Set';
  elts: Expr[];
}

export interface Comprehension extends Span {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
  isAsync: boolean;
}

export interface ListComp extends Span {
  type: 'ListComp';
  elt: Expr;
  generators: Comprehension[];
}
export interface SetComp extends Span {
  type: 'SetComp';
  elt: Expr;
  generators: Comprehension[];
}
export interface DictComp extends Span {
  type: 'DictComp';
  key: Expr;
  value: Expr;
  generators: Comprehension[];
}
export interface GeneratorExp extends Span {
  type: 'GeneratorExp';
  elt: Expr;
  generators: Comprehension[];
}

export interface Await extends Span {
  type: 'Await';
  value: Expr;
}
export interface Yield extends Span {
  type: 'Yield';
  value: Expr | null;
}
export interface YieldFrom extends Span {
  type: 'YieldFrom';
  value: Expr;
}

export interface Compare extends Span {
  type: 'Compare';
  left: Expr;
  ops: CompareOperator[];
  comparators: Expr[];
}

export interface Call extends Span {
  type: 'Call';
  func: Expr;
  args: Expr[];
  keywords: Keyword[];
}

/** `arg` is null for `**kwargs`. */
export interface Keyword extends Span {
  arg: Identifier | null;
  value: Expr;
}

/**
 * One `{...}` of an f-string. `conversion` is -1 (none) or the code of 's', 'r' or 'a', as in CPython.
 * The format spec is a JoinedStr, except where CPython 3.13 makes it a plain str Constant: a spec of
 * literal text only that its tokenizer cut in two or more pieces, which it does after a `\N{...}` escape
 * (`{x:\N{BULLET}>9}`).
 */
export interface FormattedValue extends Span {
  type: 'FormattedValue';
  value: Expr;
  conversion: number;
  formatSpec: JoinedStr | Constant | null;
}

export interface JoinedStr extends Span {
  type: 'JoinedStr';
  values: Array<Constant | FormattedValue>;
}

export type ConstantKind = 'str' | 'bytes' | 'int' | 'float' | 'complex' | 'True' | 'False' | 'None' | 'Ellipsis';

/**
 * A literal. `value` is the decoded text for `str` (escapes applied; implicitly concatenated strings
 * joined, as in CPython), the source text of the literal for numbers and bytes, and the keyword for
 * the rest. `prefixU` is CPython's `kind == "u"`.
 */
export interface Constant extends Span {
  type: 'Constant';
  kind: ConstantKind;
  value: string;
  prefixU: boolean;
}

export interface Attribute extends Span {
  type: 'Attribute';
  value: Expr;
  attr: Identifier;
  ctx: ExprContext;
}

export interface Subscript extends Span {
  type: 'Subscript';
  value: Expr;
  slice: Expr;
  ctx: ExprContext;
}

export interface Starred extends Span {
  type: 'Starred';
  value: Expr;
  ctx: ExprContext;
}

export interface Name extends Span {
  type: 'Name';
  id: string;
  ctx: ExprContext;
}

export interface List extends Span {
  type: 'List';
  elts: Expr[];
  ctx: ExprContext;
}

export interface Tuple extends Span {
  type: 'Tuple';
  elts: Expr[];
  ctx: ExprContext;
}

export interface Slice extends Span {
  type: 'Slice';
  lower: Expr | null;
  upper: Expr | null;
  step: Expr | null;
}

// ---------------------------------------------------------------------------------------------------
// Function signatures

export interface Arguments extends Span {
  posonlyargs: Arg[];
  args: Arg[];
  vararg: Arg | null;
  kwonlyargs: Arg[];
  /** One per keyword-only parameter; null where it has no default. */
  kwDefaults: Array<Expr | null>;
  kwarg: Arg | null;
  /** Defaults of the last positional parameters (posonlyargs then args), as in CPython. */
  defaults: Expr[];
}

export interface Arg extends Span {
  arg: Identifier;
  annotation: Expr | null;
}

// ---------------------------------------------------------------------------------------------------
// PEP 695 type parameters

export type TypeParam = TypeVar | ParamSpec | TypeVarTuple;

export interface TypeVar extends Span {
  type: 'TypeVar';
  name: Identifier;
  bound: Expr | null;
  defaultValue: Expr | null;
}
export interface ParamSpec extends Span {
  type: 'ParamSpec';
  name: Identifier;
  defaultValue: Expr | null;
}
export interface TypeVarTuple extends Span {
  type: 'TypeVarTuple';
  name: Identifier;
  defaultValue: Expr | null;
}

// ---------------------------------------------------------------------------------------------------
// match patterns

export type Pattern =
  | MatchValue
  | MatchSingleton
  | MatchSequence
  | MatchMapping
  | MatchClass
  | MatchStar
  | MatchAs
  | MatchOr;

export interface MatchValue extends Span {
  type: 'MatchValue';
  value: Expr;
}
export interface MatchSingleton extends Span {
  type: 'MatchSingleton';
  value: 'True' | 'False' | 'None';
}
export interface MatchSequence extends Span {
  type: 'MatchSequence';
  patterns: Pattern[];
}
export interface MatchMapping extends Span {
  type: 'MatchMapping';
  keys: Expr[];
  patterns: Pattern[];
  rest: Identifier | null;
}
export interface MatchClass extends Span {
  type: 'MatchClass';
  cls: Expr;
  patterns: Pattern[];
  kwdAttrs: Identifier[];
  kwdPatterns: Pattern[];
}
export interface MatchStar extends Span {
  type: 'MatchStar';
  name: Identifier | null;
}
export interface MatchAs extends Span {
  type: 'MatchAs';
  pattern: Pattern | null;
  name: Identifier | null;
}
export interface MatchOr extends Span {
  type: 'MatchOr';
  patterns: Pattern[];
}
