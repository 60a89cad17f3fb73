import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { TextEdit } from '../diagnostics';
import { LineIndex } from '../text/lineIndex';
import { prop } from './ipynb';

/** The editor command behind "Clear outputs of this cell" for a notebook open in the editor. */
export const CLEAR_CELL_OUTPUTS_COMMAND = 'mlHygiene.clearCellOutputs';

/** Arguments of `mlHygiene.clearCellOutputs`: `cell` is the code-cell index, as in findings. */
export interface ClearCellOutputsArgs {
  path: string;
  cell: number;
}

export type ClearOutputsEditResult =
  | { ok: true; edit: TextEdit; start: number; end: number }
  | { ok: false; message: string };

/**
 * The text edit that empties the `outputs` of one code cell of a `.ipynb`, leaving every other byte of
 * the file as it was (indentation, key order, execution counts, metadata), so the diff shows only the
 * outputs going away. `codeCellIndex` counts code cells only, like findings' `cell`. Never throws.
 */
export function clearCellOutputsEdit(ipynbText: string, codeCellIndex: number): ClearOutputsEditResult {
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(ipynbText, errors, { disallowComments: true, allowTrailingComma: false });
  } catch (e) {
    return { ok: false, message: String((e as Error)?.message ?? e) };
  }
  if (!root || errors.length) return { ok: false, message: 'The notebook is not valid JSON; its outputs cannot be edited safely.' };
  const cellNodes: Node[] = [];
  const cells = prop(root, 'cells');
  if (cells?.type === 'array') cellNodes.push(...(cells.children ?? []));
  else {
    const worksheets = prop(root, 'worksheets');
    for (const ws of worksheets?.type === 'array' ? (worksheets.children ?? []) : []) {
      const wsCells = prop(ws, 'cells');
      if (wsCells?.type === 'array') cellNodes.push(...(wsCells.children ?? []));
    }
  }
  const code = cellNodes.filter((c) => prop(c, 'cell_type')?.value === 'code');
  const cell = code[codeCellIndex];
  if (!cell) return { ok: false, message: `The notebook has no code cell ${codeCellIndex + 1}.` };
  const outputs = prop(cell, 'outputs');
  if (!outputs || outputs.type !== 'array') return { ok: false, message: 'The cell has no outputs.' };
  const start = outputs.offset;
  const end = outputs.offset + outputs.length;
  const li = new LineIndex(ipynbText);
  return { ok: true, start, end, edit: { range: li.rangeOf(start, end), newText: '[]' } };
}

/** The `.ipynb` text with the outputs of one code cell cleared (for the CLI); undefined when it cannot be done. */
export function clearCellOutputsText(ipynbText: string, codeCellIndex: number): string | undefined {
  const r = clearCellOutputsEdit(ipynbText, codeCellIndex);
  if (!r.ok) return undefined;
  return ipynbText.slice(0, r.start) + r.edit.newText + ipynbText.slice(r.end);
}
