import type { Fix } from '../../diagnostics';
import { CLEAR_CELL_OUTPUTS_COMMAND, type ClearCellOutputsArgs } from '../../notebook/clearOutputs';

/**
 * "Clear outputs of this cell" as an editor command rather than a text edit: the notebook may be
 * open with unsaved outputs, and only the editor can change those. The CLI applies the same change to
 * the file with `clearCellOutputsEdit`.
 */
export function clearOutputsFix(path: string, codeCellIndex: number): Fix {
  const args: ClearCellOutputsArgs = { path, cell: codeCellIndex };
  return { title: 'Clear outputs of this cell', command: { id: CLEAR_CELL_OUTPUTS_COMMAND, title: 'Clear outputs of this cell', arguments: [args] } };
}
