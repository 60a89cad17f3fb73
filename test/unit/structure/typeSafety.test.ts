import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnostics';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { checkWorkspace } from '../readiness/workspace';

const PYPROJECT = '[project]\nname = "churn"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n';
const CI = '.github/workflows/ci.yml';
const CI_PYTEST = 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: uv sync --locked\n      - run: uv run pytest\n';

async function findingsOf(files: Record<string, string>, code: string, root = '/w'): Promise<Finding[]> {
  const { findings } = await checkWorkspace(new MemoryFileSystem(files, root), root);
  return findings.filter((f) => f.code === code);
}

const at = (f: Finding) => `${f.path.slice(3)}:${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`;

test('MLH409: global ignore_errors, ignore_missing_imports alone, and Pyright off are reported on the key', async () => {
  const found = await findingsOf(
    {
      'pyproject.toml': PYPROJECT + '\n[tool.mypy]\nignore_errors = true  # for now\n\n[tool.pyright]\ntypeCheckingMode = "off"\n',
      'services/api/pyproject.toml': '[project]\nname = "api"\nversion = "1"\n\n[tool.mypy]\nignore_missing_imports = true\n',
      'services/api/pyrightconfig.json': '{\n  // generated\n  "include": ["src"],\n  "typeCheckingMode": "off"\n}\n',
      'services/web/pyproject.toml': '[project]\nname = "web"\nversion = "1"\n',
      'services/web/setup.cfg': '[metadata]\nname = web\n\n[mypy]\npython_version = 3.11\nignore_errors = True\n',
    },
    'MLH409',
  );
  assert.deepEqual(found.map(at).sort(), [
    'pyproject.toml:10:0-10:24',
    'pyproject.toml:7:0-7:20',
    'services/api/pyproject.toml:5:0-5:29',
    'services/api/pyrightconfig.json:3:2-3:27',
    // The root pyproject's config applies to services/ too, but is reported once, by the root project.
    'services/web/setup.cfg:5:0-5:20',
  ].sort());
  assert.ok(found.every((f) => f.severity === 'warning'));
  const pyright = found.find((f) => f.path.endsWith('pyrightconfig.json'))!;
  assert.match(pyright.message, /typeCheckingMode = "off"/);
  const op = pyright.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  assert.match(applyTextEdits('{\n  // generated\n  "include": ["src"],\n  "typeCheckingMode": "off"\n}\n', op.edits), /"typeCheckingMode": "standard"/);
});

test('MLH409: real settings, per-module overrides and ignore_errors = false are not toothless', async () => {
  const files = {
    'pyproject.toml':
      PYPROJECT +
      '\n[tool.mypy]\npython_version = "3.12"\nignore_missing_imports = true\nfollow_imports = "skip"\n\n[[tool.mypy.overrides]]\nmodule = "churn.legacy.*"\nignore_errors = true\n\n[tool.pyright]\ntypeCheckingMode = "strict"\n',
    'mypy.ini': '[mypy]\nstrict = True\nignore_errors = False\n\n[mypy-vendor.*]\nignore_errors = True\n',
  };
  assert.deepEqual(await findingsOf(files, 'MLH409'), []);
});

test('MLH410: a configured checker that CI never runs is reported on its configuration; any reachable run silences it', async () => {
  const files = { 'pyproject.toml': PYPROJECT + '\n[tool.mypy]\nstrict = true\n', [CI]: CI_PYTEST };
  const [f, ...rest] = await findingsOf(files, 'MLH410');
  assert.equal(rest.length, 0);
  assert.equal(at(f!), 'pyproject.toml:6:0-6:11');
  assert.match(f!.message, /`\[tool\.mypy\]` configures mypy, but CI \(`\.github\/workflows\/ci\.yml`\) never runs it/);
  const silencers: Record<string, string>[] = [
    { [CI]: CI_PYTEST + '      - run: uv run mypy src\n' },
    { 'tox.ini': '[testenv:types]\ncommands = mypy src\n' },
    { '.pre-commit-config.yaml': 'repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.13.0\n    hooks:\n      - id: mypy\n' },
    { 'Makefile': 'check:\n\tuv run pyright\n' },
    { 'pyproject.toml': files['pyproject.toml'] + '\n[tool.hatch.envs.types.scripts]\ncheck = "mypy --install-types src"\n' },
  ];
  for (const extra of silencers) assert.deepEqual(await findingsOf({ ...files, ...extra }, 'MLH410'), [], Object.keys(extra).join());
  // No CI at all is MLH407's finding, not this one.
  assert.deepEqual(await findingsOf({ 'pyproject.toml': files['pyproject.toml'] }, 'MLH410'), []);
});

test('readiness: a toothless or never-run type checker fails "type-checker-enforced"; without any checker it does not apply', async () => {
  const checkOf = async (files: Record<string, string>) => {
    const { reports } = await checkWorkspace(new MemoryFileSystem(files, '/w'), '/w');
    return reports[0]!.pillars.flatMap((p) => p.checks).find((c) => c.id === 'type-checker-enforced')!;
  };
  const toothless = await checkOf({ 'pyproject.toml': PYPROJECT + '\n[tool.mypy]\nignore_errors = true\n', [CI]: CI_PYTEST + '      - run: uv run mypy\n' });
  assert.equal(toothless.applicable, true);
  assert.equal(toothless.passed, false);
  assert.equal(toothless.code, 'MLH409');
  const enforced = await checkOf({ 'pyproject.toml': PYPROJECT + '\n[tool.mypy]\nstrict = true\n', [CI]: CI_PYTEST + '      - run: uv run mypy\n' });
  assert.equal(enforced.passed, true);
  assert.equal(enforced.applicable, true);
  const none = await checkOf({ 'pyproject.toml': PYPROJECT, [CI]: CI_PYTEST });
  assert.equal(none.applicable, false);
  assert.match(none.message, /no type checker is configured/);
});

test('MLH411: a library package without py.typed is reported on its __init__.py with a fix that creates the marker', async () => {
  const library = PYPROJECT + '\n[tool.ml-hygiene]\nkind = "library"\n';
  const files = { 'pyproject.toml': library, 'src/churn_features/__init__.py': '"""Feature functions."""\n', 'src/churn_features/encode.py': 'def encode() -> None: ...\n' };
  const [f, ...rest] = await findingsOf(files, 'MLH411');
  assert.equal(rest.length, 0);
  assert.equal(f!.path, '/w/src/churn_features/__init__.py');
  assert.match(f!.message, /`src\/churn_features` has no `py\.typed` marker/);
  assert.deepEqual(f!.fixes![0]!.edit, { operations: [{ kind: 'create', path: '/w/src/churn_features/py.typed', content: '' }] });
  assert.deepEqual(await findingsOf({ ...files, 'src/churn_features/py.typed': '' }, 'MLH411'), []);
  // Applications are not asked for a marker, nor are projects that do not say what they are.
  assert.deepEqual(await findingsOf({ ...files, 'pyproject.toml': PYPROJECT }, 'MLH411'), []);
  assert.deepEqual(await findingsOf({ ...files, 'pyproject.toml': PYPROJECT + '\n[tool.ml-hygiene]\nkind = "application"\n' }, 'MLH411'), []);
});
