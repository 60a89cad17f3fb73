import type { RuleDefinition } from '../rule';
import { clearOutputsFix } from './clearOutputsFix';
import { firstLineRange, pythonCells, type NotebookContext } from './context';

export const errorOutput: RuleDefinition<NotebookContext> = {
  code: 'MLH207',
  name: 'error-output',
  pillar: 'notebooks',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A code cell whose saved outputs include an error (a traceback).',
    why: 'The committed notebook records a failed run: either the code is broken, or the results below it were produced some other way. Readers cannot tell which, and tools that execute the notebook stop there.',
    example: '# [7]\ndf.groupby("region").mean()\n# ---> TypeError: agg function failed   (MLH207)',
    exampleLanguage: 'python',
    fix: 'Fix the error and re-run, or **Clear outputs of this cell** if the error was expected and is no longer relevant.',
  },
  check(ctx, report) {
    for (const cell of pythonCells(ctx)) {
      const error = (cell.cell.outputs ?? []).find((o) => o.type === 'error');
      if (!error) continue;
      const what = [error.ename, error.evalue].filter(Boolean).join(': ');
      const shown = what.length > 120 ? `${what.slice(0, 117)}...` : what;
      report({
        path: ctx.path,
        cell: cell.codeIndex,
        range: firstLineRange(cell),
        message: `The saved output of this cell is an error${shown ? ` (${shown})` : ''}: the notebook was saved after a failed run.`,
        fixes: [clearOutputsFix(ctx.path, cell.codeIndex)],
      });
    }
  },
};
