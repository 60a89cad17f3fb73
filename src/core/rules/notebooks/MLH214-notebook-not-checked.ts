import type { RuleDefinition } from '../rule';
import type { NotebookContext } from './context';

export const notebookNotChecked: RuleDefinition<NotebookContext> = {
  code: 'MLH214',
  name: 'notebook-not-checked',
  pillar: 'notebooks',
  defaultSeverity: 'information',
  docs: {
    detects: 'A `.ipynb` the notebook rules could not check: it is not valid JSON or not a Jupyter notebook (reported as an error, with the position), or its kernel is not Python (R, Julia, Scala, ...), reported once as information.',
    why: 'Saying a file was skipped beats silently reporting nothing: an unreadable notebook does not open in Jupyter either, and a non-Python notebook is outside what the Python checks understand.',
    example: '{"cells": [ {"cell_type": "code", "source": ["x = 1"] ,, ] }',
    exampleLanguage: 'text',
    fix: 'Restore an unreadable notebook from version control (a merge conflict is the usual cause). Non-Python notebooks need nothing: the finding is only information; `ignore = ["MLH214"]` silences it.',
  },
  check(ctx, report) {
    if (ctx.readError) {
      report({ path: ctx.path, range: ctx.readError.range, message: ctx.readError.message, severity: 'error' });
      return;
    }
    if (ctx.isPython || !ctx.notebook) return;
    const firstCode = ctx.notebook.cells.findIndex((c) => c.kind === 'code');
    const language = ctx.notebook.kernelLanguage ?? 'unknown';
    const message = `This notebook's kernel language is ${language}, not Python: ML Hygiene's notebook checks were skipped.`;
    if (firstCode < 0) {
      report({ path: ctx.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message });
      return;
    }
    const source = ctx.notebook.cells[firstCode]!.source;
    const lineEnd = source.search(/\r|\n/);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: lineEnd < 0 ? source.length : lineEnd } };
    report({ path: ctx.path, cell: 0, range, message });
  },
};
