import type { RuleDefinition } from '../rule';
import { cellFacts } from './cellFacts';
import { firstLineRange, pythonCells, type NotebookContext } from './context';

/**
 * Lines of a cell, not counting blank lines at its end (Jupyter often saves a trailing newline).
 * Not memoized by text (a lookup keyed by the whole text costs about as much as counting); the rule
 * keeps each cell's count with the cell's other facts instead.
 */
export function cellLineCount(source: string): number {
  const trimmed = source.trimEnd(); // the same characters as /\s+$/
  if (trimmed === '') return 0;
  let lines = 1;
  if (!trimmed.includes('\r')) {
    for (let i = trimmed.indexOf('\n'); i !== -1; i = trimmed.indexOf('\n', i + 1)) lines++;
    return lines;
  }
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if (c === 10 || (c === 13 && trimmed.charCodeAt(i + 1) !== 10)) lines++;
  }
  return lines;
}

export const longCell: RuleDefinition<NotebookContext> = {
  code: 'MLH210',
  name: 'long-cell',
  pillar: 'notebooks',
  defaultSeverity: 'hint',
  docs: {
    detects: 'A code cell longer than the threshold (`long-cell-lines` in `[tool.ml-hygiene]`, default 40 lines).',
    why: 'A long cell is a program hidden in a notebook: it cannot be imported, tested or reviewed like a module, and it is what a pipeline ends up executing through papermill.',
    example: '# a 120-line cell that loads, cleans, trains and plots',
    exampleLanguage: 'python',
    fix: '**Extract cell to module** moves the code into a function in the package, with free variables as parameters and names used later as return values, and replaces the cell with a call.',
  },
  check(ctx, report) {
    const limit = ctx.config.longCellLines;
    for (const cell of pythonCells(ctx)) {
      const lines = lineCountOf(cell);
      if (lines <= limit) continue;
      report({
        path: ctx.path,
        cell: cell.codeIndex,
        range: firstLineRange(cell),
        message: `This cell has ${lines} lines (over ${limit}): move its logic into a module where it can be tested and reused.`,
        // The editor asks where to put the function; the plan (or its refusal) comes from the server.
        fixes: [{ title: 'Extract cell to module', command: { id: 'mlHygiene.extractCell', title: 'Extract cell to module', arguments: [{ notebookPath: ctx.path, codeCellIndex: cell.codeIndex }] } }],
      });
    }
  },
};

/** Counted once per cell text (see cellFacts.ts): a keystroke must not rescan 1,000 cells' text. */
const lineCountOf = cellFacts('MLH210', (cell) => cellLineCount(cell.cell.source));
