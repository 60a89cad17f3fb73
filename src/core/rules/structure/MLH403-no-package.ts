import { relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { codeFiles, notebookFiles, packageDirs, type StructureContext } from './context';

export const noPackage: RuleDefinition<StructureContext> = {
  code: 'MLH403',
  name: 'no-package',
  pillar: 'structure',
  defaultSeverity: 'warning',
  docs: {
    detects: 'Notebooks and/or loose scripts, but no importable package: neither `src/<pkg>/__init__.py` nor `<pkg>/__init__.py` at the project root.',
    why: 'Code that lives only in notebooks and top-level scripts cannot be imported by tests, by a pipeline stage or by the serving app, so it gets copied instead, and the copies drift. A package is the unit that can be tested, type-checked, versioned and installed.',
    example: 'churn/\n  train.py\n  utils.py\n  explore.ipynb\n  # no src/churn/__init__.py',
    exampleLanguage: 'text',
    fix: 'Create `src/<pkg>/__init__.py`, move reusable code there (the **Extract cell to module** action helps for notebook cells), and declare the package in `pyproject.toml` so `pip install -e .` or `uv sync` makes it importable.',
  },
  check(ctx, report) {
    const code = codeFiles(ctx.project.root, ctx.files);
    const notebooks = notebookFiles(ctx.files);
    if (!code.length && !notebooks.length) return;
    if (packageDirs(ctx.project.root, ctx.files).length) return;
    const examples = [...code, ...notebooks].slice(0, 3).map((f) => `\`${relativePath(ctx.project.root, f)}\``);
    const more = code.length + notebooks.length - examples.length;
    report({
      path: ctx.anchor.path,
      range: ctx.anchor.range,
      message: `Code lives in ${examples.join(', ')}${more > 0 ? ` and ${more} more` : ''} but there is no importable package: create \`src/<package>/__init__.py\` and move reusable code there.`,
    });
  },
};
