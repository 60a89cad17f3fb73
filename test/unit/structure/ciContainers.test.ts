import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnostics';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { commandsOf, logicalLines } from '../../../src/core/rules/structure/shellCommands';
import { checkFixture, checkWorkspace } from '../readiness/workspace';

const PYPROJECT = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "churn"\nversion = "1.2.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n';
const UV_PROJECT = { 'pyproject.toml': PYPROJECT, 'uv.lock': 'version = 1\n', 'src/churn/__init__.py': '' };
const CI = '.github/workflows/ci.yml';

async function findingsOf(files: Record<string, string>, code: string, root = '/w'): Promise<Finding[]> {
  const { findings } = await checkWorkspace(new MemoryFileSystem(files, root), root);
  return findings.filter((f) => f.code === code);
}

/** "line:char-line:char text" of each finding, with the text its range covers in `source`. */
function spans(findings: Finding[], source: string): string[] {
  const lines = source.split('\n');
  return findings.map((f) => {
    const { start, end } = f.range;
    const text = start.line === end.line ? lines[start.line]!.slice(start.character, end.character) : `${lines[start.line]!.slice(start.character)}…${lines[end.line]!.slice(0, end.character)}`;
    return `${start.line}:${start.character} ${text}`;
  });
}

test('shell lines: continuations join with file offsets kept, commands split at && ; | outside quotes, comments end a line', () => {
  const text = 'pip install \\\n  -r requirements.txt && echo "a && b" ; uv sync # sync it\n# a comment\npytest\n';
  const lines = logicalLines(text, 0, text.length);
  assert.equal(lines.length, 2);
  const cmds = commandsOf(lines[0]!, '/ci', 0);
  assert.deepEqual(cmds.map((c) => c.text), ['pip install     -r requirements.txt', 'echo "a && b"', 'uv sync']);
  assert.equal(text.slice(cmds[2]!.start, cmds[2]!.end), 'uv sync');
  assert.equal(text.slice(cmds[0]!.start, cmds[0]!.end), 'pip install \\\n  -r requirements.txt');
  // A here-document's body is data, not commands.
  const heredoc = "python - <<'PY'\nimport subprocess\nsubprocess.run(['pip', 'install', '-r', 'x.txt'])\nPY\nuv sync\n";
  assert.deepEqual(logicalLines(heredoc, 0, heredoc.length).map((l) => l.text), ["python - <<'PY'", 'uv sync']);
});

test('MLH417: GitHub Actions installing from an unpinned requirements file, uv sync without --locked, and re-locking before install', async () => {
  const workflow = [
    'name: ci',
    'on: [push]',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: pip install -r requirements.txt (just a name)',
    '        run: |',
    '          python -m pip install --upgrade pip',
    '          pip install -r requirements.txt',
    '          pip install -r requirements-lock.txt',
    '      - run: uv sync --all-extras',
    '      - run: uv lock --check',
    '      - run: uv run pytest',
    '',
  ].join('\n');
  const files = { ...UV_PROJECT, 'requirements.txt': 'pandas>=2\n', 'requirements-lock.txt': 'pandas==2.2.3\nnumpy==2.1.3\n', [CI]: workflow };
  const found = await findingsOf(files, 'MLH417');
  assert.deepEqual(spans(found, workflow), ['10:10 pip install -r requirements.txt', '12:13 uv sync --all-extras']);
  assert.match(found[0]!.message, /^CI: `pip install -r requirements\.txt` installs from `requirements\.txt`, whose requirements are not all pinned, while `uv\.lock` holds the resolved versions/);
  const op = found[1]!.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  assert.match(applyTextEdits(workflow, op.edits), /- run: uv sync --locked --all-extras\n/);
  // UV_LOCKED in the environment makes uv sync honour the lock.
  const envLocked = workflow.replace('jobs:', 'env:\n  UV_LOCKED: 1\njobs:');
  assert.deepEqual(spans(await findingsOf({ ...files, [CI]: envLocked }, 'MLH417'), envLocked).map((s) => s.replace(/^\d+:\d+ /, '')), ['pip install -r requirements.txt']);
  // Without a lockfile there is nothing to bypass (MLH103 asks for one).
  const { 'uv.lock': _lock, ...unlocked } = files;
  assert.deepEqual(await findingsOf(unlocked, 'MLH417'), []);
});

test('MLH417: poetry lock before poetry install on GitLab, pip install . next to poetry.lock, Jenkinsfile and tox.ini lines', async () => {
  const gitlab = 'stages: [test]\n\ntest:\n  image: python:3.12\n  before_script:\n    - pip install poetry\n    - poetry lock\n  script:\n    - poetry install --with dev\n    - poetry run pytest\n';
  const poetryProject = { 'pyproject.toml': PYPROJECT, 'poetry.lock': '# lock\n', 'src/churn/__init__.py': '' };
  const found = await findingsOf({ ...poetryProject, '.gitlab-ci.yml': gitlab }, 'MLH417');
  assert.deepEqual(spans(found, gitlab), ['6:6 poetry lock']);
  assert.match(found[0]!.message, /`poetry lock` before installing re-resolves the dependencies and installs those instead of `poetry\.lock`'s: remove it, and run `poetry check --lock`/);
  // `poetry check --lock` and `poetry lock` without a later install are fine.
  assert.deepEqual(await findingsOf({ ...poetryProject, '.gitlab-ci.yml': gitlab.replace('poetry lock', 'poetry check --lock') }, 'MLH417'), []);

  const jenkins = "pipeline {\n  agent any\n  stages {\n    stage('test') {\n      steps {\n        // pip install . would be wrong\n        sh 'pip install -e .[dev]'\n        sh 'pytest'\n      }\n    }\n  }\n}\n";
  const [j, ...rest] = await findingsOf({ ...poetryProject, Jenkinsfile: jenkins }, 'MLH417');
  assert.equal(rest.length, 0);
  assert.deepEqual(spans([j!], jenkins), ['6:12 pip install -e .[dev]']);
  // A library tests against fresh resolutions on purpose; --no-deps after a locked install is fine.
  assert.deepEqual(await findingsOf({ ...poetryProject, 'pyproject.toml': PYPROJECT + '\n[tool.ml-hygiene]\nkind = "library"\n', Jenkinsfile: jenkins }, 'MLH417'), []);
  assert.deepEqual(await findingsOf({ ...poetryProject, Jenkinsfile: jenkins.replace("sh 'pip install -e .[dev]'", "sh 'poetry install'\n        sh 'pip install --no-deps -e .'") }, 'MLH417'), []);

  const tox = '[tox]\nenv_list = py311\n\n[testenv]\ndeps =\n    -r requirements-dev.txt\n    pytest\ncommands =\n    uv sync\n    pytest {posargs}\n';
  const toxFound = await findingsOf({ ...UV_PROJECT, 'requirements-dev.txt': 'pytest\n', 'tox.ini': tox }, 'MLH417');
  // tox installs its deps with pip: the unpinned requirements-dev.txt bypasses uv.lock too.
  assert.deepEqual(spans(toxFound, tox), ['5:4 -r requirements-dev.txt', '8:4 uv sync']);
  assert.match(toxFound[0]!.message, /^tox: /);
});

test('MLH417: requirements exported from the lock, or written by the script itself, are locks', async () => {
  const workflow = 'jobs:\n  t:\n    steps:\n      - run: uv export --frozen --no-hashes > requirements.txt\n      - run: pip install -r requirements.txt\n      - run: pip install -r requirements/prod.txt -c constraints.txt\n';
  assert.deepEqual(await findingsOf({ ...UV_PROJECT, 'requirements.txt': 'pandas>=2\n', [CI]: workflow }, 'MLH417'), []);
});

test('readiness: installs-from-lockfile fails on a CI install that bypasses the lock, and does not apply without a lockfile', async () => {
  const checkOf = async (files: Record<string, string>) => {
    const { reports } = await checkWorkspace(new MemoryFileSystem(files, '/w'), '/w');
    return reports[0]!.pillars.flatMap((p) => p.checks).find((c) => c.id === 'installs-from-lockfile')!;
  };
  const unlocked = await checkOf({ ...UV_PROJECT, [CI]: 'jobs:\n  t:\n    steps:\n      - run: uv sync\n      - run: uv run pytest\n' });
  assert.equal(unlocked.passed, false);
  assert.equal(unlocked.code, 'MLH417');
  assert.equal((await checkOf({ ...UV_PROJECT, [CI]: 'jobs:\n  t:\n    steps:\n      - run: uv sync --locked\n      - run: uv run pytest\n' })).passed, true);
  assert.equal((await checkOf({ 'pyproject.toml': PYPROJECT, [CI]: 'jobs:\n  t:\n    steps:\n      - run: uv sync\n' })).applicable, false);
});

test('MLH418: src layout tested with PYTHONPATH=src and no install is reported on the test command; installing, or tools that install, silence it', async () => {
  const workflow = 'jobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      PYTHONPATH: src\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: python -m pytest -q tests\n';
  const project = { 'pyproject.toml': PYPROJECT, 'requirements.txt': 'pandas==2.2.3\npytest==8.3.4\n', 'src/churn/__init__.py': '', 'tests/test_x.py': 'def test_x(): ...\n' };
  const [f, ...rest] = await findingsOf({ ...project, [CI]: workflow }, 'MLH418');
  assert.equal(rest.length, 0);
  assert.deepEqual(spans([f!], workflow), ['8:13 python -m pytest -q tests']);
  assert.match(f!.message, /^CI runs the tests from the source tree without installing the package \(`PYTHONPATH` points at `src`\)/);
  const installed: string[] = [
    workflow.replace('pip install -r requirements.txt', 'pip install -r requirements.txt && pip install -e .'),
    workflow.replace('pip install -r requirements.txt', 'uv sync --locked'),
    workflow.replace('python -m pytest -q tests', 'tox -e py312'),
    workflow.replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup\n'),
  ];
  for (const w of installed) assert.deepEqual(await findingsOf({ ...project, [CI]: w }, 'MLH418'), [], w);
  // pytest's pythonpath setting is evidence too; a flat layout has no installed/source difference to test.
  const noEnv = workflow.replace('    env:\n      PYTHONPATH: src\n', '');
  assert.deepEqual(await findingsOf({ ...project, [CI]: noEnv }, 'MLH418'), [], 'no evidence of importing from src/');
  const [viaConfig] = await findingsOf({ ...project, 'pyproject.toml': PYPROJECT + '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n', [CI]: noEnv }, 'MLH418');
  assert.match(viaConfig!.message, /pytest's `pythonpath` puts `src` on the import path/);
  const { 'src/churn/__init__.py': _src, ...flat } = project;
  assert.deepEqual(await findingsOf({ ...flat, 'churn/__init__.py': '', [CI]: workflow }, 'MLH418'), []);
});

test('MLH418 and MLH417 judge each GitHub Actions job on its own: an install in a build job does not reach the test job\'s runner', async () => {
  const project = { 'pyproject.toml': PYPROJECT, 'requirements.txt': 'pandas==2.2.3\npytest==8.3.4\n', 'src/churn/__init__.py': '', 'tests/test_x.py': 'def test_x(): ...\n' };
  const twoJobs = [
    'env:',
    '  PYTHONPATH: src',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: pip install -e .',
    '      - run: python -m build',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: pip install -r requirements.txt',
    '      - run: pytest -q',
    '',
  ].join('\n');
  // Before, the build job's `pip install -e .` silenced the test job, which never installs the package.
  assert.deepEqual(spans(await findingsOf({ ...project, [CI]: twoJobs }, 'MLH418'), twoJobs), ['12:13 pytest -q']);
  // The same steps in one job install the package before its tests.
  const oneJob = twoJobs.replace('      - run: python -m build\n  test:\n    runs-on: ubuntu-latest\n    steps:\n', '      - run: python -m build\n');
  assert.deepEqual(await findingsOf({ ...project, [CI]: oneJob }, 'MLH418'), []);

  // MLH417: `uv sync --locked` in a lint job does not make the test job's `pip install .` locked.
  const locked = 'jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv sync --locked\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install .\n      - run: pytest\n';
  assert.deepEqual(spans(await findingsOf({ ...UV_PROJECT, [CI]: locked }, 'MLH417'), locked), ['8:13 pip install .']);
  const sameJob = locked.replace('  test:\n    runs-on: ubuntu-latest\n    steps:\n', '');
  assert.deepEqual(await findingsOf({ ...UV_PROJECT, [CI]: sameJob }, 'MLH417'), []);
});

test('MLH419: FROM without a tag or with latest is a warning on the image; a tag without digest on the deployed stage is a hint', async () => {
  const dockerfile = [
    '# syntax=docker/dockerfile:1',
    'ARG BASE=python:3.12-slim',
    'FROM python:latest AS deps',
    'RUN pip wheel --wheel-dir /wheels pandas==2.2.3',
    '',
    'FROM --platform=linux/amd64 python AS test',
    'FROM ${BASE} AS build',
    'FROM deps AS reuse',
    'FROM scratch AS empty',
    'FROM ghcr.io/astral-sh/uv:0.5.11-python3.12-bookworm-slim',
    'COPY --from=deps /wheels /wheels',
    '',
  ].join('\n');
  const found = await findingsOf({ ...UV_PROJECT, Dockerfile: dockerfile }, 'MLH419');
  assert.deepEqual(spans(found, dockerfile), ['2:5 python:latest', '5:28 python', '9:5 ghcr.io/astral-sh/uv:0.5.11-python3.12-bookworm-slim']);
  assert.deepEqual(found.map((f) => f.severity), ['warning', 'warning', 'hint']);
  assert.match(found[0]!.message, /^`FROM python:latest` in Dockerfile uses the `latest` tag/);
  assert.match(found[1]!.message, /has no tag, so it pulls `latest`/);
  // A digest pins it; a tagged build stage that is not deployed is fine.
  const pinned = 'FROM python:3.12-slim AS build\nRUN echo\nFROM python:3.12-slim@sha256:' + 'a'.repeat(64) + '\n';
  assert.deepEqual(await findingsOf({ ...UV_PROJECT, 'docker/serve.Dockerfile': pinned }, 'MLH419'), []);
  // Readiness counts the warnings only.
  const { reports } = await checkWorkspace(new MemoryFileSystem({ ...UV_PROJECT, Dockerfile: 'FROM python:3.12-slim\n' }, '/w'), '/w');
  assert.equal(reports[0]!.pillars.flatMap((p) => p.checks).find((c) => c.id === 'pinned-base-image')!.passed, true);
});

test('MLH420: a Dockerfile installing without the lockfile, on the RUN command; the fix adds --locked to uv sync', async () => {
  const dockerfile = [
    'FROM python:3.12-slim',
    'WORKDIR /app',
    'COPY requirements.txt pyproject.toml uv.lock ./',
    'RUN --mount=type=cache,target=/root/.cache/pip \\',
    '    pip install --no-cache-dir -r requirements.txt',
    'RUN pip install uv && uv sync --no-dev',
    'COPY src/ src/',
    'RUN pip install .',
    '',
  ].join('\n');
  const files = { ...UV_PROJECT, 'requirements.txt': 'pandas\nscikit-learn>=1.5\n', Dockerfile: dockerfile };
  const found = await findingsOf(files, 'MLH420');
  assert.deepEqual(spans(found, dockerfile), ['4:4 pip install --no-cache-dir -r requirements.txt', '5:22 uv sync --no-dev', '7:4 pip install .']);
  assert.match(found[0]!.message, /^Image build: `.*` installs from `requirements\.txt`, whose requirements are not all pinned, while `uv\.lock` holds the resolved versions/s);
  const op = found[1]!.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  assert.match(applyTextEdits(dockerfile, op.edits), /RUN pip install uv && uv sync --locked --no-dev\n/);
  // From the lock: an export made in the build, uv sync --frozen, and the project with --no-deps.
  const locked = 'FROM python:3.12-slim\nCOPY . /app\nRUN uv export --frozen --no-dev -o requirements.txt && pip install -r requirements.txt\nRUN uv sync --frozen --no-dev\nRUN pip install --no-deps .\n';
  assert.deepEqual(await findingsOf({ ...files, Dockerfile: locked }, 'MLH420'), []);
  // docker/Dockerfile built with the project root as context: requirements.txt is read from the root.
  const { Dockerfile: _root, ...withoutRootDockerfile } = files;
  const [nested] = await findingsOf({ ...withoutRootDockerfile, 'docker/Dockerfile': 'FROM python:3.12-slim\nRUN pip install -r requirements.txt\n' }, 'MLH420');
  assert.equal(nested?.path, '/w/docker/Dockerfile');
});

test('MLH421: COPY . . with notebooks in the context and no .dockerignore for them; COPY *.ipynb; the fix excludes them', async () => {
  const dockerfile = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv\nCOPY src/ src/\nCOPY . .\nCOPY reports/*.ipynb /app/reports/\n';
  const files = { ...UV_PROJECT, Dockerfile: dockerfile, 'notebooks/eda.ipynb': '{}', 'notebooks/train.ipynb': '{}', 'reports/weekly.ipynb': '{}', '.dockerignore': '.venv\n__pycache__' };
  const found = await findingsOf(files, 'MLH421');
  assert.deepEqual(spans(found, dockerfile), ['4:5 .', '5:5 reports/*.ipynb']);
  assert.match(found[0]!.message, /^`COPY \.` copies 3 notebooks into the image \(`notebooks\/eda\.ipynb`, `notebooks\/train\.ipynb`, `reports\/weekly\.ipynb`\): exclude notebooks in \.dockerignore/);
  assert.equal(found[1]!.fixes, undefined, 'an explicit COPY of notebooks is for the user to remove');
  const op = found[0]!.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  const fixed = applyTextEdits(files['.dockerignore'], op.edits);
  assert.equal(fixed, '.venv\n__pycache__\n**/*.ipynb\n');
  // With the fix applied the notebooks are not in the build context at all, so no COPY can ship them.
  assert.deepEqual(await findingsOf({ ...files, '.dockerignore': fixed }, 'MLH421'), []);
  // Docker's matching: a folder pattern covers what is inside; a root-only *.ipynb does not reach notebooks/; ! re-includes.
  assert.equal((await findingsOf({ ...files, '.dockerignore': 'notebooks\nreports/\n' }, 'MLH421')).length, 0);
  assert.match((await findingsOf({ ...files, '.dockerignore': '*.ipynb\n' }, 'MLH421'))[0]!.message, /copies 3 notebooks/);
  assert.match((await findingsOf({ ...files, '.dockerignore': '**/*.ipynb\n!notebooks/train.ipynb\n' }, 'MLH421'))[0]!.message, /copies a notebook into the image \(`notebooks\/train\.ipynb`\)/);
  // No .dockerignore at all: the fix creates one.
  const { '.dockerignore': _ignore, ...bare } = files;
  const [created] = await findingsOf(bare, 'MLH421');
  assert.deepEqual(created!.fixes![0]!.edit!.operations[0], { kind: 'create', path: '/w/.dockerignore', content: '**/*.ipynb\n' });
  // A .dockerignore that is not text is never replaced by a new one.
  const [binary] = await findingsOf({ ...files, '.dockerignore': '.venv\u0000' }, 'MLH421');
  assert.equal(binary!.fixes, undefined);
  // docker/Dockerfile that copies src/ and pyproject.toml from the root is built with the root as context.
  const { Dockerfile: _root, ...noRootDockerfile } = bare;
  const nested = await findingsOf({ ...noRootDockerfile, 'docker/Dockerfile': 'FROM python:3.12-slim\nCOPY pyproject.toml uv.lock ./\nCOPY . .\n' }, 'MLH421');
  assert.ok(nested.some((f) => f.path === '/w/docker/Dockerfile' && /copies 3 notebooks/.test(f.message)));
});

test('the churn-service fixture: each CI and container gap it has is reported once, where it is', async () => {
  const { findings, reports } = await checkFixture('churn-service');
  const mine = findings.filter((f) => f.code >= 'MLH409' && f.code.startsWith('MLH4')).map((f) => `${f.code} ${f.path.replace('/ws/churn-service/', '')}:${f.range.start.line}:${f.range.start.character}`);
  assert.deepEqual(mine.sort(), [
    'MLH416 src/churn_service/serve.py:3:4',
    'MLH417 .github/workflows/ci.yml:12:13',
    'MLH418 .github/workflows/ci.yml:14:13',
    'MLH419 Dockerfile:0:5',
    'MLH420 Dockerfile:3:4',
    'MLH421 Dockerfile:4:5',
  ]);
  const checks = reports[0]!.pillars.flatMap((p) => p.checks);
  for (const id of ['installs-from-lockfile', 'pinned-base-image', 'MLH416', 'MLH418', 'MLH421']) assert.equal(checks.find((c) => c.id === id)!.passed, false, id);
});

test('MLH417: docs requirements, include-only files and constrained files are not reported', async () => {
  const workflow = 'jobs:\n  t:\n    steps:\n      - run: pip install -r docs/requirements.txt\n      - run: pip install -r requirements-docs.txt\n      - run: pip install -r requirements.txt\n      - run: pip install -r requirements-prod.txt\n';
  const files = {
    ...UV_PROJECT,
    'docs/requirements.txt': 'sphinx\n',
    'requirements-docs.txt': 'mkdocs-material\n',
    'requirements.txt': '-r requirements/base.txt\n-e .\n',
    'requirements-prod.txt': '-c constraints.txt\npandas\n',
    [CI]: workflow,
  };
  assert.deepEqual(await findingsOf(files, 'MLH417'), []);
});
