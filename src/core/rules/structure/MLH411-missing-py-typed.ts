import { basename, joinPath, relativePath } from '../../fs/paths';
import { ZERO_RANGE } from '../../text/lineIndex';
import type { RuleDefinition } from '../rule';
import { packageDirs, type StructureContext } from './context';

export const missingPyTyped: RuleDefinition<StructureContext> = {
  code: 'MLH411',
  name: 'missing-py-typed',
  pillar: 'types',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A project configured as a library (`[tool.ml-hygiene] kind = "library"`) whose package (`src/<pkg>/` or `<pkg>/`) has no `py.typed` marker. Reported on the package\'s `__init__.py`.',
    why: 'PEP 561: type checkers read the annotations of an installed package only when it ships `py.typed`. Without it, every project that depends on the library sees its functions as untyped, and the type errors its annotations would catch (a DataFrame passed where a path was expected) go unreported downstream.',
    example: '# pyproject.toml\n[tool.ml-hygiene]\nkind = "library"\n\n# src/features/__init__.py exists, src/features/py.typed does not',
    exampleLanguage: 'toml',
    fix: '**Create py.typed** adds the empty marker file next to `__init__.py`. Build backends (hatchling, setuptools >= 69, uv_build, poetry-core, pdm-backend) ship files inside the package folder by default.',
  },
  async check(ctx, report) {
    if (ctx.config.kind !== 'library') return;
    for (const dir of packageDirs(ctx.project.root, ctx.files)) {
      const marker = joinPath(dir, 'py.typed');
      if (ctx.files.includes(marker) || (await ctx.fs.stat(marker).catch(() => undefined))) continue;
      const init = joinPath(dir, '__init__.py');
      await ctx.readText(init); // so a `# ml-hygiene: ignore[MLH411]` in it is honoured
      const pkg = relativePath(ctx.project.root, dir);
      report({
        path: init,
        range: ZERO_RANGE,
        message: `The library's package \`${pkg}\` has no \`py.typed\` marker: type checkers ignore its annotations once it is installed (PEP 561). Add an empty \`${pkg}/py.typed\`.`,
        fixes: [{ title: `Create ${basename(dir)}/py.typed`, isPreferred: true, edit: { operations: [{ kind: 'create', path: marker, content: '' }] } }],
      });
    }
  },
};
