/**
 * Locates the cells of an `.ipynb` file in its raw text and rewrites one cell's `source` without touching
 * a single other byte. We do not round-trip the notebook through JSON.parse/stringify: that would
 * re-indent the file, reorder nothing but still rewrite escapes (`\u00e9` vs `é`) and key spacing, and a
 * refactoring that produces a noisy diff of the whole notebook is one users revert.
 */
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { TextEdit } from '../diagnostics';
import { LineIndex } from '../text/lineIndex';
import { readTextFile, type FileSystem } from '../fs/fileSystem';
import { basename } from '../fs/paths';

export interface LocatedCell {
  /** Index among all cells. */
  cellIndex: number;
  kind: 'code' | 'markdown' | 'raw' | 'other';
  source: string;
  /** The JSON node of `source` (a string or an array of strings), absent when the cell has none. */
  sourceNode?: JsonNode;
}

export type LocateResult = { ok: true; cells: LocatedCell[] } | { ok: false; reason: string };

function property(object: JsonNode, key: string): JsonNode | undefined {
  for (const prop of object.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (keyNode?.value === key) return valueNode;
  }
  return undefined;
}

function sourceText(node: JsonNode | undefined): string {
  if (!node) return '';
  if (node.type === 'string') return String(node.value);
  if (node.type === 'array') return (node.children ?? []).map((c) => (c.type === 'string' ? String(c.value) : '')).join('');
  return '';
}

export function locateCells(notebookText: string): LocateResult {
  const errors: { error: number; offset: number; length: number }[] = [];
  const root = parseTree(notebookText, errors, { disallowComments: true, allowTrailingComma: false });
  if (!root || errors.length) return { ok: false, reason: 'the notebook is not valid JSON' };
  if (root.type !== 'object') return { ok: false, reason: 'the notebook is not a JSON object' };
  if (property(root, 'worksheets')) return { ok: false, reason: 'nbformat 3 notebooks are not supported: open and save it in Jupyter to upgrade it to nbformat 4' };
  const cellsNode = property(root, 'cells');
  if (!cellsNode || cellsNode.type !== 'array') return { ok: false, reason: 'the notebook has no "cells" array' };
  const cells: LocatedCell[] = (cellsNode.children ?? []).map((cellNode, cellIndex) => {
    const typeValue = cellNode.type === 'object' ? property(cellNode, 'cell_type')?.value : undefined;
    const kind = typeValue === 'code' || typeValue === 'markdown' || typeValue === 'raw' ? typeValue : 'other';
    const sourceNode = cellNode.type === 'object' ? property(cellNode, 'source') : undefined;
    return { cellIndex, kind, source: sourceText(sourceNode), ...(sourceNode ? { sourceNode } : {}) };
  });
  return { ok: true, cells };
}

/** nbformat's writer splits source into lines that keep their `\n`; the last line has none. */
export function splitSourceLines(source: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\n') {
      lines.push(source.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < source.length) lines.push(source.slice(start));
  return lines;
}

/** The whitespace that precedes the first item of a JSON array, e.g. "\n    " — reused for new items. */
function itemSeparator(notebookText: string, arrayNode: JsonNode): { itemIndent: string; closingIndent: string } | undefined {
  const first = arrayNode.children?.[0];
  if (!first) return undefined;
  const between = notebookText.slice(arrayNode.offset + 1, first.offset);
  const arrayEnd = arrayNode.offset + arrayNode.length - 1;
  const last = arrayNode.children![arrayNode.children!.length - 1]!;
  const beforeClose = notebookText.slice(last.offset + last.length, arrayEnd);
  return { itemIndent: between, closingIndent: beforeClose };
}

/** Indentation of the line on which `offset` sits, used when an empty `[]` source must grow. */
function lineIndentAt(text: string, offset: number): string {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return text.slice(lineStart, end);
}

/**
 * The JSON text for a new `source`, in the style of the old one: an array of line strings laid out with
 * the same separators (Jupyter's one-per-line, or everything on one line), or a single string when the
 * file stored it that way. JSON.stringify escapes exactly what Jupyter's `json.dumps(ensure_ascii=False)`
 * escapes for these strings, so the new lines look like the ones Jupyter would write.
 */
export function renderSource(notebookText: string, sourceNode: JsonNode, newSource: string): string {
  if (sourceNode.type === 'string') return JSON.stringify(newSource);
  const lines = splitSourceLines(newSource).map((l) => JSON.stringify(l));
  if (!lines.length) return '[]';
  const layout = itemSeparator(notebookText, sourceNode);
  if (layout) {
    const separatorAfterComma = layout.itemIndent;
    return '[' + layout.itemIndent + lines.join(',' + separatorAfterComma) + layout.closingIndent + ']';
  }
  // An empty array: lay items out as Jupyter does, one per line, one level deeper than the key.
  const indent = lineIndentAt(notebookText, sourceNode.offset);
  const unit = /\t/.test(indent) ? '\t' : ' ';
  return '[\n' + indent + unit + lines.join(',\n' + indent + unit) + '\n' + indent + ']';
}

/** A text edit of the whole `.ipynb` that replaces one cell's source and nothing else. */
export function cellSourceEdit(notebookText: string, cell: LocatedCell, newSource: string): TextEdit | undefined {
  if (!cell.sourceNode) return undefined;
  const lines = new LineIndex(notebookText);
  return {
    range: lines.rangeOf(cell.sourceNode.offset, cell.sourceNode.offset + cell.sourceNode.length),
    newText: renderSource(notebookText, cell.sourceNode, newSource),
  };
}

/**
 * The notebook an edit is planned on: the editor's text when given, else the file's, with its cells
 * located in that text. The reason says what a user can act on.
 */
export async function readNotebookForEdit(fs: FileSystem, notebookPath: string, notebookText?: string): Promise<{ ok: true; text: string; cells: LocatedCell[] } | { ok: false; reason: string }> {
  let text = notebookText;
  if (text === undefined) {
    const read = await readTextFile(fs, notebookPath);
    if (!read.ok) return { ok: false, reason: `Cannot read ${notebookPath} (${read.reason}).` };
    text = read.text;
  }
  const located = locateCells(text);
  if (!located.ok) return { ok: false, reason: `Cannot edit ${basename(notebookPath)}: ${located.reason}.` };
  return { ok: true, text, cells: located.cells };
}
