export { parseIpynb, cellLineToFileLine } from './ipynb';
export { clearCellOutputsEdit, clearCellOutputsText, CLEAR_CELL_OUTPUTS_COMMAND, type ClearCellOutputsArgs, type ClearOutputsEditResult } from './clearOutputs';
export {
  codeCells,
  cellIndexOfCodeCell,
  isPythonNotebook,
  MAX_OUTPUT_TEXT,
  type CodeCellRef,
  type NotebookCellInput,
  type NotebookCellKind,
  type NotebookInput,
  type NotebookOutput,
  type NotebookOutputType,
  type NotebookReadResult,
} from './model';
