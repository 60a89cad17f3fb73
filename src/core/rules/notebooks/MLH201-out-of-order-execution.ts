import type { RuleDefinition } from '../rule';
import { firstLineRange, pythonCells, type NotebookContext } from './context';

export const outOfOrderExecution: RuleDefinition<NotebookContext> = {
  code: 'MLH201',
  name: 'out-of-order-execution',
  pillar: 'notebooks',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A code cell whose saved execution count is not greater than that of the executed cell above it: the notebook was last run in an order other than top to bottom.',
    why: 'Pimentel et al. found 36% of GitHub notebooks executed out of order; such notebooks often fail or give other results when re-run top to bottom, which is how a pipeline, a reviewer or a colleague runs them.',
    example: '# [3]\nmodel = train(df)\n# [2]   <- MLH201: ran before the cell above\ndf = load()',
    exampleLanguage: 'python',
    fix: 'Restart the kernel and run all cells, then save: the counts become 1, 2, 3, ... and prove the notebook runs top to bottom.',
  },
  check(ctx, report) {
    let previous: { count: number; codeIndex: number } | undefined;
    for (const cell of pythonCells(ctx)) {
      const count = cell.cell.executionCount;
      if (typeof count !== 'number') continue;
      // Report where the sequence descends, not every cell after it: one re-run cell at the top is one problem.
      if (previous && count <= previous.count) {
        report({
          path: ctx.path,
          cell: cell.codeIndex,
          range: firstLineRange(cell),
          message: `Cell ran as [${count}] after the cell above ran as [${previous.count}]: the notebook was not run top to bottom. Restart the kernel and run all cells.`,
        });
      }
      previous = { count, codeIndex: cell.codeIndex };
    }
  },
};
