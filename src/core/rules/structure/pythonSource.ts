import { memoizeByText } from '../../text/memo';
import type { Call, Expr, JoinedStr, Keyword } from '../../python/ast';
import { parseModule } from '../../python/parser';
import { stringPieces, type StringPiece } from '../../analysis/stringLiterals';
import { collectSignatures, type FunctionSignature } from './functionSignatures';

/**
 * The few facts the structure rules need from a `.py` file, read from the real parse tree
 * (python/parser.ts) so strings, comments and nested calls are told apart.
 * Offsets are UTF-16 code units of the source, the unit of LineIndex.
 */
export interface Span {
  start: number;
  end: number;
}

export interface ImportFact extends Span {
  /** The dotted module: `import a.b` → "a.b", `from a.b import c` → "a.b". */
  module: string;
}

export type LiteralValue = { kind: 'number'; value: number; text: string } | { kind: 'string'; value: string } | { kind: 'other' };

export interface KeywordArgument extends Span {
  name: string;
  value: LiteralValue & Span;
}

export interface CallFact extends Span {
  /** The callee as written when it is a name or dotted attribute (`pm.execute_notebook`), else "". */
  callee: string;
  positional: Array<LiteralValue & Span>;
  keywords: KeywordArgument[];
}

export interface PythonFacts {
  imports: ImportFact[];
  calls: CallFact[];
  /** Every string literal's value (f-strings included, with their holes as written). */
  strings: Array<Span & { value: string }>;
  /** Functions defined at module level (`def main():`, decorated or not); the span is the `def` line's name. */
  topLevelFunctions: Array<Span & { name: string }>;
  /** Module-level functions and class methods with their annotation facts (MLH422), in source order. */
  functions: FunctionSignature[];
}

/**
 * Parses once and collects imports, calls, string literals and function signatures.
 * Memoized by source: MLH404, MLH408, MLH416, MLH422 and the readiness score ask about the same files.
 */
export const pythonFacts = memoizeByText(collectPythonFacts, 2000);

function collectPythonFacts(source: string): PythonFacts {
  const body = parseModule(source).body;
  const facts: PythonFacts = { imports: [], calls: [], strings: [], topLevelFunctions: [], functions: collectSignatures(source, body) };
  for (const statement of body) {
    if (statement.type === 'FunctionDef') facts.topLevelFunctions.push({ name: statement.name.name, start: statement.name.start, end: statement.name.end });
  }
  // An explicit stack: an `elif` chain or a long operator chain nests deeper than the call stack allows.
  const stack: unknown[] = [body];
  const pushFields = (joined: JoinedStr): void => {
    // The replacement fields hold calls and strings of their own; the literal parts are in the pieces.
    for (const part of joined.values) {
      if (part.type !== 'FormattedValue') continue;
      stack.push(part.value);
      if (part.formatSpec?.type === 'JoinedStr') pushFields(part.formatSpec);
    }
  };
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const typed = node as { type?: string } & Span;
    switch (typed.type) {
      case 'Import':
        for (const alias of (node as { names: Array<{ name: { name: string } }> }).names) facts.imports.push({ module: alias.name.name, start: typed.start, end: typed.end });
        continue;
      case 'ImportFrom': {
        const from = node as { level: number; module: { name: string } | null };
        // `from __future__ import x` is a compiler directive, not an import of a module.
        if (from.level === 0 && from.module?.name === '__future__') continue;
        facts.imports.push({ module: '.'.repeat(from.level) + (from.module?.name ?? ''), start: typed.start, end: typed.end });
        continue;
      }
      case 'Call':
        facts.calls.push(callFact(source, node as Call));
        break;
      case 'Constant': {
        const kind = (node as { kind: string }).kind;
        if (kind === 'str' || kind === 'bytes') for (const piece of stringPieces(source, typed.start, typed.end)) facts.strings.push(stringFact(source, piece));
        continue;
      }
      case 'JoinedStr':
        for (const piece of stringPieces(source, typed.start, typed.end)) facts.strings.push(stringFact(source, piece));
        pushFields(node as JoinedStr);
        continue;
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  facts.imports.sort((a, b) => a.start - b.start);
  facts.calls.sort((a, b) => a.start - b.start);
  facts.strings.sort((a, b) => a.start - b.start);
  return facts;
}

/** A literal's value as written between its quotes (escapes and f-string holes as in the source). */
function stringFact(source: string, piece: StringPiece): Span & { value: string } {
  return { value: source.slice(piece.bodyStart, piece.bodyEnd), start: piece.start, end: piece.end };
}

function callFact(source: string, node: Call): CallFact {
  const fn = node.func;
  // A parenthesised callee, `(f)(x)`, is not a name as written.
  const named = (fn.type === 'Name' || fn.type === 'Attribute') && fn.start === node.start;
  const callee = named ? source.slice(fn.start, fn.end).replace(/\s+/g, '') : '';
  const positional: CallFact['positional'] = [];
  const keywords: KeywordArgument[] = [];
  const keywordsLeft: Keyword[] = [...node.keywords];
  const positionalOf = (arg: Expr | Keyword): void => {
    const value = 'type' in arg ? literalOf(source, arg) : ({ kind: 'other' } as const);
    positional.push({ ...value, start: arg.start, end: arg.end });
  };
  for (const arg of node.args) {
    while (keywordsLeft.length && keywordsLeft[0]!.start < arg.start) keywordOf(keywordsLeft.shift()!);
    positionalOf(arg);
  }
  while (keywordsLeft.length) keywordOf(keywordsLeft.shift()!);
  function keywordOf(keyword: Keyword): void {
    if (!keyword.arg) return positionalOf(keyword); // `**options`
    const value = keyword.value;
    keywords.push({ name: keyword.arg.name, start: keyword.start, end: keyword.end, value: { ...literalOf(source, value), start: value.start, end: value.end } });
  }
  return { callee, start: node.start, end: node.end, positional, keywords };
}

function literalOf(source: string, node: Expr): LiteralValue {
  if (node.type === 'Constant') {
    if (node.kind === 'int' || node.kind === 'float' || node.kind === 'complex') return numberOf(source.slice(node.start, node.end), false);
    if (node.kind === 'str' || node.kind === 'bytes') return stringLiteralOf(source, node);
    return { kind: 'other' };
  }
  if (node.type === 'UnaryOp' && (node.op === '-' || node.op === '+')) {
    const operand = node.operand;
    if (operand.type === 'Constant' && (operand.kind === 'int' || operand.kind === 'float' || operand.kind === 'complex')) return numberOf(source.slice(operand.start, operand.end), node.op === '-');
  }
  if (node.type === 'JoinedStr') return stringLiteralOf(source, node);
  return { kind: 'other' };
}

/** One literal is a string; implicitly concatenated literals (`"a" "b"`) are not read as one value. */
function stringLiteralOf(source: string, node: Expr): LiteralValue {
  const pieces = stringPieces(source, node.start, node.end);
  return pieces.length === 1 ? { kind: 'string', value: source.slice(pieces[0]!.bodyStart, pieces[0]!.bodyEnd) } : { kind: 'other' };
}

function numberOf(text: string, negative: boolean): LiteralValue {
  const clean = text.replace(/_/g, '').replace(/[jJlL]$/, '');
  const value = /^0[xob]/i.test(clean) ? Number(clean) : parseFloat(clean);
  return { kind: 'number', value: negative ? -value : value, text: (negative ? '-' : '') + text };
}
