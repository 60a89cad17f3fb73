import { satisfies, isValidSpecifier } from '../../python/pep440';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { pyprojectKeyRange } from './shared';

export const pythonVersionMismatch: RuleDefinition<DependencyContext> = {
  code: 'MLH109',
  name: 'python-version-mismatch',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: '`.python-version` is missing next to a `pyproject.toml` that declares `requires-python`, or the version it names is not allowed by `requires-python`.',
    why: 'The interpreter developers, CI and the image use must be one the project supports; a `.python-version` that contradicts `requires-python` means someone is testing on a Python users cannot install on.',
    example: '# .python-version\n3.9\n# pyproject.toml\n[project]\nrequires-python = ">=3.11"   # MLH109',
    exampleLanguage: 'toml',
    fix: 'Write the version you develop and deploy with to `.python-version` (`uv python pin 3.11`), inside the `requires-python` range.',
  },
  check(ctx, report) {
    const py = ctx.pyproject;
    const requires = py?.toml.get(['project', 'requires-python']);
    if (!py || typeof requires !== 'string' || !isValidSpecifier(requires)) return;
    const range = pyprojectKeyRange(ctx, ['project', 'requires-python']);
    const entry = py.toml.find(['project', 'requires-python']);
    const li = ctx.lineIndexOf(py.path);
    const valueRange = entry && li ? li.rangeOf(entry.value.range[0], entry.value.range[1]) : range;
    if (!ctx.pythonVersion) {
      report({
        path: py.path,
        range: valueRange,
        message: 'No `.python-version` file: the Python used for development and CI is not recorded (e.g. `uv python pin 3.12`).',
        ...(ctx.kind === 'library' ? { severity: 'information' as const } : {}),
      });
      return;
    }
    const version = ctx.pythonVersion.version.replace(/^(cpython-|python)/i, '');
    const numeric = /^\d+(\.\d+)*$/.exec(version.split(/[\s-]/)[0] ?? '');
    if (!numeric) return; // "pypy3.10" or "system": nothing we can compare reliably
    // ".python-version = 3.11" means any 3.11.x: it fits when 3.11's last patch series could match.
    const candidates = version.split('.').length >= 3 ? [version] : [`${version}.0`, `${version}.99`];
    if (candidates.some((c) => satisfies(c, requires))) return;
    report({
      path: py.path,
      range: valueRange,
      message: `.python-version says ${ctx.pythonVersion.version}, which requires-python "${requires}" does not allow.`,
    });
  },
};
