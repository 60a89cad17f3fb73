import { memoizeByText } from '../../text/memo';
import { initPythonParser, parsePython, type SyntaxNode } from '../../analysis/parser';

/**
 * The few facts the structure rules need from a `.py` file, read from the real parse tree
 * (tree-sitter-python, via analysis/parser.ts) so strings, comments and nested calls are told apart.
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
}

export async function ensurePythonParser(): Promise<void> {
  await initPythonParser();
}

/**
 * Parses once and collects imports, calls and string literals. Call `ensurePythonParser()` first.
 * Memoized by source: MLH404 and MLH408 ask about the same files on every project check.
 */
export const pythonFacts = memoizeByText(collectPythonFacts, 2000);

function collectPythonFacts(source: string): PythonFacts {
  const tree = parsePython(source);
  try {
    const facts: PythonFacts = { imports: [], calls: [], strings: [], topLevelFunctions: [] };
    for (const child of tree.rootNode.namedChildren) {
      const def = child?.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
      const name = def?.type === 'function_definition' ? def.childForFieldName('name') : null;
      if (name) facts.topLevelFunctions.push({ name: name.text, start: name.startIndex, end: name.endIndex });
    }
    const stack: SyntaxNode[] = [tree.rootNode];
    while (stack.length) {
      const node = stack.pop()!;
      switch (node.type) {
        case 'import_statement':
          for (const child of node.namedChildren) {
            const name = child?.type === 'aliased_import' ? child.childForFieldName('name') : child;
            if (name?.type === 'dotted_name') facts.imports.push({ module: name.text, start: node.startIndex, end: node.endIndex });
          }
          break;
        case 'import_from_statement': {
          const mod = node.childForFieldName('module_name');
          if (mod) facts.imports.push({ module: mod.text, start: node.startIndex, end: node.endIndex });
          break;
        }
        case 'call':
          facts.calls.push(callFact(node));
          break;
        case 'string':
          facts.strings.push({ value: stringValue(node), start: node.startIndex, end: node.endIndex });
          break;
      }
      for (let i = node.childCount - 1; i >= 0; i--) {
        const child = node.child(i);
        if (child) stack.push(child);
      }
    }
    facts.calls.sort((a, b) => a.start - b.start);
    return facts;
  } finally {
    tree.delete(); // trees live in wasm memory that the garbage collector does not see
  }
}

function callFact(node: SyntaxNode): CallFact {
  const fn = node.childForFieldName('function');
  const callee = fn && (fn.type === 'identifier' || fn.type === 'attribute') ? fn.text.replace(/\s+/g, '') : '';
  const args = node.childForFieldName('arguments');
  const positional: CallFact['positional'] = [];
  const keywords: KeywordArgument[] = [];
  for (const arg of args?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value) keywords.push({ name: name.text, start: arg.startIndex, end: arg.endIndex, value: { ...literalOf(value), start: value.startIndex, end: value.endIndex } });
    } else positional.push({ ...literalOf(arg), start: arg.startIndex, end: arg.endIndex });
  }
  return { callee, start: node.startIndex, end: node.endIndex, positional, keywords };
}

function literalOf(node: SyntaxNode): LiteralValue {
  if (node.type === 'integer' || node.type === 'float') return numberOf(node.text, false);
  if (node.type === 'unary_operator') {
    const operand = node.childForFieldName('argument');
    const op = node.childForFieldName('operator')?.text;
    if (operand && (operand.type === 'integer' || operand.type === 'float') && (op === '-' || op === '+')) return numberOf(operand.text, op === '-');
  }
  if (node.type === 'string') return { kind: 'string', value: stringValue(node) };
  return { kind: 'other' };
}

function numberOf(text: string, negative: boolean): LiteralValue {
  const clean = text.replace(/_/g, '').replace(/[jJlL]$/, '');
  const value = /^0[xob]/i.test(clean) ? Number(clean) : parseFloat(clean);
  return { kind: 'number', value: negative ? -value : value, text: (negative ? '-' : '') + text };
}

function stringValue(node: SyntaxNode): string {
  // Concatenated literals ("a" "b") are a `concatenated_string`; a plain `string` holds its content pieces.
  return node.namedChildren
    .filter((c): c is SyntaxNode => !!c && (c.type === 'string_content' || c.type === 'interpolation' || c.type === 'escape_sequence'))
    .map((c) => c.text)
    .join('');
}
