import type { RuleDefinition } from '../rule';
import { codeFiles, notebookFiles, testFiles, type StructureContext } from './context';

export const noTests: RuleDefinition<StructureContext> = {
  code: 'MLH402',
  name: 'no-tests',
  pillar: 'structure',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A project with Python code or notebooks but no tests: no `tests/` (or `test/`) folder with Python files, and no `test_*.py`, `*_test.py` or `conftest.py` anywhere.',
    why: 'Feature engineering and preprocessing are where silent bugs live: a shifted window, a leaked label, a changed default. Without tests, a refactor that moves notebook code into a package cannot be checked against what it did before, and nothing stops a regression from reaching the model.',
    example: 'churn/\n  pyproject.toml\n  src/churn/features.py\n  notebooks/explore.ipynb\n  # no tests/',
    exampleLanguage: 'text',
    fix: 'Add a `tests/` folder with pytest tests for the package: start with the data transformations (small DataFrames in, expected columns and values out).',
  },
  check(ctx, report) {
    const code = codeFiles(ctx.project.root, ctx.files);
    const notebooks = notebookFiles(ctx.files);
    if (!code.length && !notebooks.length) return;
    if (testFiles(ctx.project.root, ctx.files).length) return;
    const what = [code.length ? `${code.length} Python file${code.length === 1 ? '' : 's'}` : '', notebooks.length ? `${notebooks.length} notebook${notebooks.length === 1 ? '' : 's'}` : '']
      .filter(Boolean)
      .join(' and ');
    report({ path: ctx.anchor.path, range: ctx.anchor.range, message: `The project has ${what} but no tests: add a \`tests/\` folder with pytest tests.` });
  },
};
