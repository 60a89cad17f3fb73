import type { RuleDefinition } from '../rule';
import { cellFacts, NONE, type CellFinding } from './cellFacts';
import { pythonCells, spanRange, type NotebookContext } from './context';

export const starImport: RuleDefinition<NotebookContext> = {
  code: 'MLH213',
  name: 'star-import',
  pillar: 'notebooks',
  defaultSeverity: 'information',
  docs: {
    detects: '`from module import *` in a notebook cell.',
    why: 'The names a star import binds cannot be traced: hidden-state checks, extract-to-module and readers all lose track of where a name comes from, and a new release of the module can silently shadow notebook variables.',
    example: 'from fastai.vision.all import *   # MLH213',
    exampleLanguage: 'python',
    fix: 'Import the names the notebook uses explicitly, or import the module (`import fastai.vision.all as fv`).',
  },
  check(ctx, report) {
    for (const cell of pythonCells(ctx)) for (const f of starImportsOf(cell)) report({ path: ctx.path, cell: cell.codeIndex, ...f });
  },
};

/** One cell's star imports, once per cell text (see cellFacts.ts). */
const starImportsOf = cellFacts('MLH213', (cell): readonly CellFinding[] => {
  const found: CellFinding[] = [];
  for (const imp of cell.analysis.imports) {
    if (!imp.star) continue;
    const module = '.'.repeat(imp.level) + imp.module;
    found.push({ range: spanRange(cell, imp.start, imp.end), message: `\`from ${module} import *\` binds names that cannot be traced; import what the notebook uses explicitly.` });
  }
  return found.length ? found : NONE;
});
