import type { Arg, Expr, FunctionDef, Stmt } from '../../python/ast';
import { Op, Tok, tokenize } from '../../python/tokenizer';

/**
 * The annotation facts of the functions a module exposes: its module-level `def`s and the methods of
 * its classes (nested classes too), wherever a non-scope block puts them (`if TYPE_CHECKING:`,
 * `try:`). Functions defined inside functions are local helpers, not API, and are not listed;
 * lambdas are expressions, not definitions. Offsets are UTF-16 code units of the source.
 */
export interface FunctionSignature {
  /** The dotted path inside the module: `train`, `Model.fit`, `Model.Config.validate`. */
  qualname: string;
  /** The `def` name's span. */
  nameStart: number;
  nameEnd: number;
  /** Parameters that need an annotation and have none, as written: `df`, `*args`, `**kwargs`. */
  unannotatedParameters: string[];
  /** The return annotation is missing where one is needed. */
  missingReturn: boolean;
  /**
   * Where ` -> None` goes (right after the closing parenthesis) when the body evidently returns
   * nothing: no `return value`, no `yield`, not a stub, not abstract, not ending in `raise`.
   */
  noneReturnAt?: number;
  /** An `@overload` signature: the undecorated implementation after it is not part of the interface. */
  overload: boolean;
}

/** Methods whose first parameter is the class, though no decorator says so. */
const IMPLICIT_CLASSMETHODS = new Set(['__new__', '__init_subclass__', '__class_getitem__']);

type Scope = 'module' | 'class';

export function collectSignatures(source: string, body: Stmt[]): FunctionSignature[] {
  const out: FunctionSignature[] = [];
  // An explicit stack of (statements, scope, qualified prefix): deeply nested blocks must not exhaust the call stack.
  const stack: Array<{ statements: Stmt[]; scope: Scope; prefix: string; overloaded: Set<string> }> = [{ statements: body, scope: 'module', prefix: '', overloaded: new Set() }];
  while (stack.length) {
    const { statements, scope, prefix, overloaded } = stack.pop()!;
    for (const statement of statements) {
      switch (statement.type) {
        case 'FunctionDef': {
          const isOverload = statement.decorators.some((d) => decoratorIs(d, 'overload'));
          const qualname = prefix + statement.name.name;
          if (isOverload) overloaded.add(qualname);
          // The implementation of an overloaded function is hidden behind its overloads (PEP 484).
          else if (overloaded.has(qualname)) continue;
          out.push(signatureOf(source, statement, scope, qualname, isOverload));
          continue;
        }
        case 'ClassDef':
          stack.push({ statements: statement.body, scope: 'class', prefix: `${prefix}${statement.name.name}.`, overloaded: new Set() });
          continue;
        case 'If':
        case 'While':
        case 'For':
          // Same scope: the blocks share the overload bookkeeping of their scope.
          stack.push({ statements: statement.orelse, scope, prefix, overloaded }, { statements: statement.body, scope, prefix, overloaded });
          continue;
        case 'With':
          stack.push({ statements: statement.body, scope, prefix, overloaded });
          continue;
        case 'Try':
          stack.push({ statements: statement.finalbody, scope, prefix, overloaded }, { statements: statement.orelse, scope, prefix, overloaded });
          for (const handler of statement.handlers) stack.push({ statements: handler.body, scope, prefix, overloaded });
          stack.push({ statements: statement.body, scope, prefix, overloaded });
          continue;
        case 'Match':
          for (const c of statement.cases) stack.push({ statements: c.body, scope, prefix, overloaded });
          continue;
      }
    }
  }
  return out.sort((a, b) => a.nameStart - b.nameStart);
}

/** `@name`, `@module.name`, `@name(...)`. */
function decoratorIs(decorator: Expr, name: string): boolean {
  const target = decorator.type === 'Call' ? decorator.func : decorator;
  return (target.type === 'Name' && target.id === name) || (target.type === 'Attribute' && target.attr.name === name);
}

function signatureOf(source: string, fn: FunctionDef, scope: Scope, qualname: string, overload: boolean): FunctionSignature {
  const args = fn.args;
  const positional = [...args.posonlyargs, ...args.args];
  // `self` and `cls` are typed by the class they belong to; a staticmethod has neither.
  const bound = scope === 'class' && !fn.decorators.some((d) => decoratorIs(d, 'staticmethod'));
  const exempt = bound ? positional[0] : undefined;
  const unannotatedParameters: string[] = [];
  const need = (arg: Arg | null, prefix: string) => {
    if (arg && arg !== exempt && !arg.annotation) unannotatedParameters.push(prefix + arg.arg.name);
  };
  for (const arg of positional) need(arg, '');
  need(args.vararg, '*');
  for (const arg of args.kwonlyargs) need(arg, '');
  need(args.kwarg, '**');
  const others = positional.length + args.kwonlyargs.length + (args.vararg ? 1 : 0) + (args.kwarg ? 1 : 0) - (exempt ? 1 : 0);
  // mypy and Pyright both infer `__init__`'s `None` once a parameter is annotated; a bare
  // `def __init__(self):` is an unannotated function to mypy, so it still needs `-> None`.
  const returnOptional = bound && fn.name.name === '__init__' && others > 0;
  const missingReturn = !fn.returns && !returnOptional;
  const signature: FunctionSignature = { qualname, nameStart: fn.name.start, nameEnd: fn.name.end, unannotatedParameters, missingReturn, overload };
  if (missingReturn && !overload && returnsNothing(fn) && !(bound && IMPLICIT_CLASSMETHODS.has(fn.name.name))) {
    const at = closingParenthesis(source, fn);
    if (at !== undefined) signature.noneReturnAt = at;
  }
  return signature;
}

/**
 * True when `-> None` is evidently the return type: the body has statements beyond a docstring,
 * `pass` or `...`, returns no value, yields nothing, does not end by raising (that may be
 * `NoReturn`, or a placeholder a subclass overrides) and is not abstract.
 */
function returnsNothing(fn: FunctionDef): boolean {
  if (fn.decorators.some((d) => decoratorIs(d, 'abstractmethod') || decoratorIs(d, 'abstractproperty'))) return false;
  const body = fn.body;
  const isFiller = (s: Stmt) => s.type === 'Pass' || (s.type === 'ExprStmt' && s.value.type === 'Constant' && (s.value.kind === 'Ellipsis' || s.value.kind === 'str'));
  if (body.every(isFiller)) return false;
  const last = body[body.length - 1];
  if (!last || last.type === 'Raise' || last.type === 'ErrorStmt') return false;
  const stack: unknown[] = [...body];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const type = (node as { type?: string }).type;
    // Nested scopes return and yield for themselves.
    if (type === 'FunctionDef' || type === 'ClassDef' || type === 'Lambda') continue;
    if (type === 'Yield' || type === 'YieldFrom' || type === 'ErrorStmt') return false;
    if (type === 'Return') {
      const value = (node as { value: Expr | null }).value;
      if (value && !(value.type === 'Constant' && value.kind === 'None')) return false;
      continue;
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  return true;
}

/**
 * The offset just after the `)` that closes the parameter list. The syntax tree has no node for the
 * parenthesis, so the header (from `def` to the body) is tokenized: comments and strings inside the
 * parameter list cannot fool it.
 */
function closingParenthesis(source: string, fn: FunctionDef): number | undefined {
  const headerEnd = fn.body[0]?.start ?? fn.end;
  const header = source.slice(fn.start, headerEnd);
  const tokens = tokenize(header);
  let depth = 0;
  let inParameters = false;
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kind[i] !== Tok.Op) continue;
    const op = tokens.sub[i];
    if (op === Op.LPar || op === Op.LSqb || op === Op.LBrace) {
      if (depth === 0 && op === Op.LPar) inParameters = true;
      depth++;
    } else if (op === Op.RPar || op === Op.RSqb || op === Op.RBrace) {
      depth--;
      if (depth === 0 && inParameters && op === Op.RPar) return fn.start + tokens.end[i]!;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}
