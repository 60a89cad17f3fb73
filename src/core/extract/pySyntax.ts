/**
 * The syntax facts extraction needs beyond the per-cell dataflow of `analysis/`: the list of top-level
 * statements, what each import binds (with its alias), which names are definitely bound when the cell
 * ends, which lines sit inside a multi-line string (they must not be re-indented), the cell's trailing
 * expression (Jupyter displays it), and the type of an assigned value when it is evident.
 * Everything here walks tree-sitter's tree; nothing reads Python structure with regular expressions.
 */
import { parsePython, type SyntaxNode } from '../analysis/parser';

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
  node: SyntaxNode;
  type: string;
  start: number;
  end: number;
  /** Line (0-based) of the statement's first character. */
  line: number;
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

/**
 * Runs `fn` over a parsed cell and frees the tree afterwards (trees live in wasm memory). When `fn`
 * returns a promise, the tree is freed once it settles: nodes read after an `await` must still point
 * into a live tree, or they silently read whatever reused that memory.
 */
export function withCellSyntax<T>(source: string, fn: (syntax: CellSyntax) => T): T {
  const tree = parsePython(source);
  let async = false;
  try {
    const root = tree.rootNode;
    const statements: TopLevelStatement[] = [];
    for (const node of root.namedChildren) {
      if (node.type === 'comment') continue;
      const statement: TopLevelStatement = { node, type: node.type, start: node.startIndex, end: node.endIndex, line: node.startPosition.row, text: node.text };
      if (node.type === 'import_statement' || node.type === 'import_from_statement') {
        const parsed = importBindings(node);
        statement.imports = parsed.bindings;
        statement.starImport = parsed.star;
      }
      if (node.type === 'future_import_statement') statement.futureImport = true;
      statements.push(statement);
    }
    const linesInsideStrings = new Set<number>();
    collectMultilineStrings(root, linesInsideStrings);
    const result = fn({ source, statements, linesInsideStrings, hasError: root.hasError });
    if (result instanceof Promise) {
      async = true;
      return result.finally(() => tree.delete()) as T;
    }
    return result;
  } finally {
    if (!async) tree.delete();
  }
}

function collectMultilineStrings(node: SyntaxNode, lines: Set<number>): void {
  if (node.type === 'string') {
    for (let row = node.startPosition.row + 1; row <= node.endPosition.row; row++) lines.add(row);
    return; // nested f-string replacement fields are part of the literal's lines too
  }
  for (const child of node.namedChildren) collectMultilineStrings(child, lines);
}

function importBindings(node: SyntaxNode): { bindings: ImportBinding[]; star: boolean } {
  const bindings: ImportBinding[] = [];
  if (node.type === 'import_statement') {
    for (const clause of node.childrenForFieldName('name')) {
      if (clause.type === 'aliased_import') {
        const module = clause.childForFieldName('name')?.text ?? '';
        const alias = clause.childForFieldName('alias')?.text ?? '';
        bindings.push({ name: alias, form: 'import', module, alias, statement: `import ${module} as ${alias}` });
      } else {
        const module = clause.text;
        bindings.push({ name: module.split('.')[0]!, form: 'import', module, statement: `import ${module}` });
      }
    }
    return { bindings, star: false };
  }
  const module = node.childForFieldName('module_name')?.text ?? '';
  const star = node.namedChildren.some((c) => c.type === 'wildcard_import');
  for (const clause of node.childrenForFieldName('name')) {
    if (clause.type === 'aliased_import') {
      const importedName = clause.childForFieldName('name')?.text ?? '';
      const alias = clause.childForFieldName('alias')?.text ?? '';
      bindings.push({ name: alias, form: 'from', module, importedName, alias, statement: `from ${module} import ${importedName} as ${alias}` });
    } else {
      bindings.push({ name: clause.text, form: 'from', module, importedName: clause.text, statement: `from ${module} import ${clause.text}` });
    }
  }
  return { bindings, star };
}

/** Two bindings recreate the same object: same form, module, imported name and alias. */
export function sameImport(a: ImportBinding, b: ImportBinding): boolean {
  return a.statement === b.statement;
}

/** Identifier targets of an assignment's left side: `a`, `a, b`, `[a, (b, c)]`, `*rest`. Attributes and subscripts bind nothing. */
export function targetNames(node: SyntaxNode | null, out: string[] = []): string[] {
  if (!node) return out;
  switch (node.type) {
    case 'identifier':
      out.push(node.text);
      break;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'list_splat_pattern':
    case 'parenthesized_expression':
      for (const c of node.namedChildren) targetNames(c, out);
      break;
    default:
      break;
  }
  return out;
}

function blockStatements(block: SyntaxNode | null): SyntaxNode[] {
  return block ? block.namedChildren.filter((c) => c.type !== 'comment') : [];
}

/** The path cannot continue past this statement (`raise`, `return`, `continue`, `break`). */
function endsPath(statements: SyntaxNode[]): boolean {
  const last = statements[statements.length - 1];
  return !!last && ['raise_statement', 'return_statement', 'continue_statement', 'break_statement'].includes(last.type);
}

/**
 * Names definitely bound after `statements` run, starting from `bound`. An under-approximation on
 * purpose: a name wrongly reported as "maybe unbound" only costs an extra parameter (its earlier value
 * is passed in and overwritten), while the opposite would return an unbound local.
 * Returns null for a path that cannot fall through (it ends in `raise`/`return`).
 */
export function definitelyBoundAfter(statements: SyntaxNode[], bound: Set<string>): Set<string> | null {
  let current = new Set(bound);
  for (const statement of statements) {
    const next = boundAfterStatement(statement, current);
    if (!next) return null;
    current = next;
  }
  return current;
}

function boundAfterStatement(node: SyntaxNode, bound: Set<string>): Set<string> | null {
  const out = new Set(bound);
  switch (node.type) {
    case 'expression_statement': {
      for (const expr of node.namedChildren) {
        let assignment: SyntaxNode | null = expr;
        // `a = b = 1` nests the second assignment in `right`.
        while (assignment && assignment.type === 'assignment') {
          if (assignment.childForFieldName('right')) for (const n of targetNames(assignment.childForFieldName('left'))) out.add(n);
          assignment = assignment.childForFieldName('right');
        }
        if (expr.type === 'augmented_assignment') for (const n of targetNames(expr.childForFieldName('left'))) out.add(n);
      }
      return out;
    }
    case 'import_statement':
    case 'import_from_statement':
      for (const b of importBindings(node).bindings) out.add(b.name);
      return out;
    case 'function_definition':
    case 'class_definition': {
      const name = node.childForFieldName('name')?.text;
      if (name) out.add(name);
      return out;
    }
    case 'decorated_definition':
      return boundAfterStatement(node.childForFieldName('definition') ?? node, bound);
    case 'delete_statement':
      for (const target of node.namedChildren) for (const n of targetNames(target.type === 'expression_list' ? target : target)) out.delete(n);
      return out;
    case 'raise_statement':
    case 'return_statement':
      return null;
    case 'if_statement': {
      const branches: (Set<string> | null)[] = [definitelyBoundAfter(blockStatements(node.childForFieldName('consequence')), bound)];
      let hasElse = false;
      for (const alt of node.childrenForFieldName('alternative')) {
        if (alt.type === 'elif_clause') branches.push(definitelyBoundAfter(blockStatements(alt.childForFieldName('consequence')), bound));
        else {
          hasElse = true;
          branches.push(definitelyBoundAfter(blockStatements(alt.childForFieldName('body')), bound));
        }
      }
      if (!hasElse) branches.push(new Set(bound));
      return intersect(branches, bound);
    }
    case 'with_statement': {
      for (const item of node.descendantsOfType('as_pattern_target')) for (const n of targetNames(item.namedChildren[0] ?? null)) out.add(n);
      return definitelyBoundAfter(blockStatements(node.childForFieldName('body')), out);
    }
    case 'try_statement': {
      const body = definitelyBoundAfter(blockStatements(node.childForFieldName('body')), bound);
      const elseClause = node.namedChildren.find((c) => c.type === 'else_clause');
      const bodyThenElse = body && elseClause ? definitelyBoundAfter(blockStatements(elseClause.childForFieldName('body')), body) : body;
      const paths: (Set<string> | null)[] = [bodyThenElse];
      for (const handler of node.namedChildren.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause')) {
        // A handler starts from the state before `try`: the exception may come first.
        const handlerBlock = handler.namedChildren.find((c) => c.type === 'block') ?? null;
        const statements = blockStatements(handlerBlock);
        paths.push(endsPath(statements) ? null : definitelyBoundAfter(statements, bound));
      }
      const joined = intersect(paths, bound);
      const finallyClause = node.namedChildren.find((c) => c.type === 'finally_clause');
      if (!finallyClause) return joined;
      const finallyBlock = finallyClause.namedChildren.find((c) => c.type === 'block') ?? null;
      return joined ? definitelyBoundAfter(blockStatements(finallyBlock), joined) : null;
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
  if (!last || last.type !== 'expression_statement') return undefined;
  const expr = last.node.namedChildren[0];
  if (!expr || last.node.namedChildren.length !== 1) return undefined;
  if (['assignment', 'augmented_assignment', 'string', 'concatenated_string'].includes(expr.type)) {
    // A bare string as the last statement displays too, but so rarely on purpose that a docstring-like
    // note is the likelier intent; we still treat it as displayed to keep the output identical.
    if (expr.type !== 'string' && expr.type !== 'concatenated_string') return undefined;
  }
  // `expr;` suppresses the display: a `;` follows the statement on its line.
  const after = syntax.source.slice(last.end).match(/^[ \t]*;/);
  if (after) return undefined;
  if (expr.type === 'call' && expr.childForFieldName('function')?.text === 'print') return undefined;
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
  expr: SyntaxNode,
  resolveModule: (name: string) => ImportBinding | undefined,
  isShadowed: (builtin: string) => boolean,
): EvidentType | undefined {
  switch (expr.type) {
    case 'integer':
      return { annotation: 'int' };
    case 'float':
      return { annotation: 'float' };
    case 'string':
    case 'concatenated_string':
      return { annotation: 'str' };
    case 'true':
    case 'false':
    case 'comparison_operator':
    case 'not_operator':
      return { annotation: 'bool' };
    case 'list':
    case 'list_comprehension':
      return { annotation: 'list' };
    case 'dictionary':
    case 'dictionary_comprehension':
      return { annotation: 'dict' };
    case 'set':
    case 'set_comprehension':
      return { annotation: 'set' };
    case 'tuple':
      return { annotation: 'tuple' };
    case 'unary_operator': {
      const operand = expr.childForFieldName('argument');
      return operand && (operand.type === 'integer' || operand.type === 'float') ? evidentType(operand, resolveModule, isShadowed) : undefined;
    }
    case 'parenthesized_expression':
      return expr.namedChildren[0] ? evidentType(expr.namedChildren[0], resolveModule, isShadowed) : undefined;
    case 'call': {
      const callee = expr.childForFieldName('function');
      if (!callee) return undefined;
      if (callee.type === 'identifier') {
        const builtin = CONSTRUCTOR_TYPES[callee.text];
        if (callee.text === 'round' && (expr.childForFieldName('arguments')?.namedChildren.length ?? 0) !== 1) return undefined; // round(x, n) keeps x's type
        if (builtin) return isShadowed(callee.text) ? undefined : { annotation: builtin };
        // `from pathlib import Path; Path(...)`: calling an imported class gives an instance of it.
        // Only CapWords names, by PEP 8 the convention for classes, so factory functions are left alone.
        const imported = resolveModule(callee.text);
        if (imported?.form === 'from' && /^[A-Z][A-Za-z0-9]*$/.test(imported.importedName ?? '') && /[a-z]/.test(callee.text)) {
          return { annotation: callee.text, needs: imported };
        }
        return undefined;
      }
      if (callee.type === 'attribute') {
        const object = callee.childForFieldName('object');
        const attribute = callee.childForFieldName('attribute')?.text ?? '';
        if (object?.type !== 'identifier') return undefined;
        const binding = resolveModule(object.text);
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
 * the statement assigns exactly `name` (not a tuple target, not chained), else undefined.
 */
export function simpleAssignedValue(statement: TopLevelStatement, name: string): SyntaxNode | 'other' {
  if (statement.type !== 'expression_statement') return 'other';
  const expr = statement.node.namedChildren[0];
  if (!expr || expr.type !== 'assignment') return 'other';
  const left = expr.childForFieldName('left');
  const right = expr.childForFieldName('right');
  if (left?.type !== 'identifier' || left.text !== name || !right || right.type === 'assignment') return 'other';
  return right;
}
