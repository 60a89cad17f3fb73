import type { RuleDefinition } from '../rule';
import { firstLineRange, pythonCells, type NotebookContext } from './context';

export const skippedCells: RuleDefinition<NotebookContext> = {
  code: 'MLH202',
  name: 'skipped-cells',
  pillar: 'notebooks',
  defaultSeverity: 'information',
  docs: {
    detects: 'A non-empty code cell that was never executed while a cell below it was: the saved results were produced without it.',
    why: 'Saved outputs below a skipped cell do not show what running the notebook produces; 21% of GitHub notebooks have such cells (Pimentel et al.), and the skipped code may not even work.',
    example: '# [ ]   <- MLH202: never run\ndf = df.dropna()\n# [4]\ndf.describe()',
    exampleLanguage: 'python',
    fix: 'Run the notebook top to bottom, or delete the cell if it is dead code.',
  },
  check(ctx, report) {
    const cells = pythonCells(ctx);
    let lastExecuted = -1;
    cells.forEach((c, i) => {
      if (typeof c.cell.executionCount === 'number') lastExecuted = i;
    });
    for (const cell of cells.slice(0, Math.max(0, lastExecuted))) {
      if (typeof cell.cell.executionCount === 'number' || cell.cell.source.trim() === '') continue;
      report({
        path: ctx.path,
        cell: cell.codeIndex,
        range: firstLineRange(cell),
        message: 'This cell was never run, but cells below it were: the saved results do not include it.',
      });
    }
  },
};
