import type { RuleDefinition } from '../rule';
import type { NotebookContext } from './context';
import { undeclaredImport } from './MLH110-undeclared-import';
import { unusedDependency } from './MLH111-unused-dependency';
import { outOfOrderExecution } from './MLH201-out-of-order-execution';
import { skippedCells } from './MLH202-skipped-cells';
import { hiddenState } from './MLH203-hidden-state';
import { pipInstallInNotebook } from './MLH204-pip-install-in-notebook';
import { absolutePath } from './MLH205-absolute-path';
import { secretInNotebook } from './MLH206-secret-in-notebook';
import { errorOutput } from './MLH207-error-output';
import { largeOutput } from './MLH208-large-output';
import { unseededRandomness } from './MLH209-unseeded-randomness';
import { longCell } from './MLH210-long-cell';
import { untrackedDataRead } from './MLH211-untracked-data-read';
import { untitledNotebook } from './MLH212-untitled-notebook';
import { starImport } from './MLH213-star-import';
import { notebookNotChecked } from './MLH214-notebook-not-checked';
import type { ProjectImportsContext } from './projectImports';

/** Per-notebook rules: run once per `.ipynb` on a `NotebookContext`. */
export const notebookRules: RuleDefinition<NotebookContext>[] = [
  outOfOrderExecution,
  skippedCells,
  hiddenState,
  pipInstallInNotebook,
  absolutePath,
  secretInNotebook,
  errorOutput,
  largeOutput,
  unseededRandomness,
  longCell,
  untrackedDataRead,
  untitledNotebook,
  starImport,
  notebookNotChecked,
];

/** Per-project rules comparing the imports of every notebook and `.py` file with the declared dependencies. */
export const projectImportRules: RuleDefinition<ProjectImportsContext>[] = [undeclaredImport, unusedDependency];

export {
  buildNotebookProjectFacts,
  createNotebookContext,
  readNotebookContext,
  declaredNamesOf,
  MAX_NOTEBOOK_BYTES,
  type AnalyzedCell,
  type BuildNotebookProjectFactsOptions,
  type CreateNotebookContextOptions,
  type NotebookContext,
  type NotebookProjectFacts,
} from './context';
export { createProjectImportsContext, type CreateProjectImportsContextOptions, type ImportSite, type ProjectImportsContext } from './projectImports';
export { addDependencyFix, type DependencyTarget } from './addDependency';
export { clearOutputsFix } from './clearOutputsFix';
export { filterCellSuppressions } from './cellSuppressions';
