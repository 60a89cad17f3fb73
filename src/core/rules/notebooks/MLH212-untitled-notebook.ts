import { basename } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { firstLineRange, type NotebookContext } from './context';

export const untitledNotebook: RuleDefinition<NotebookContext> = {
  code: 'MLH212',
  name: 'untitled-notebook',
  pillar: 'notebooks',
  defaultSeverity: 'hint',
  docs: {
    detects: 'A notebook still named `Untitled*.ipynb`, or a notebook name containing spaces.',
    why: 'A default name says nothing about the notebook\'s purpose, and spaces break shell commands, `dvc.yaml` stages and papermill invocations that have to quote them.',
    example: 'Untitled3.ipynb, "churn model (final).ipynb"',
    exampleLanguage: 'text',
    fix: 'Rename it after what it does, with `-` or `_` instead of spaces: `01-explore-churn.ipynb`.',
  },
  check(ctx, report) {
    const name = basename(ctx.path);
    const untitled = /^untitled[-_ ]?\d*\.ipynb$/i.test(name);
    if (!untitled && !name.includes(' ')) return;
    // A notebook diagnostic lives on a cell in editors: the first code cell's first line stands for the file.
    const first = ctx.cells[0];
    report({
      path: ctx.path,
      ...(first ? { cell: first.codeIndex, range: firstLineRange(first) } : { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }),
      message: untitled ? `\`${name}\` is an untitled notebook: name it after what it does.` : `\`${name}\` has spaces in its name: they break shell commands and pipeline stages.`,
    });
  },
};
