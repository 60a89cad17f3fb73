import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, coveredText } from './helpers';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import type { Finding } from '../../../src/core/diagnostics';

const only = (findings: Finding[], code: string) => findings.filter((f) => f.code === code);

const REQ = '# serving the churn model\npandas==2.2.3\njupyter==1.0.0        # for the EDA notebook\nscikit-learn==1.5.2\n';

test('MLH107: a dev tool in requirements.txt, the only runtime manifest, is reported on its name and moved to a new requirements-dev.txt', async () => {
  const { findings } = await check({ 'requirements.txt': REQ, 'notebooks/eda.ipynb': '{"cells":[],"metadata":{},"nbformat":4,"nbformat_minor":5}' });
  const [f] = only(findings, 'MLH107');
  assert.ok(f, JSON.stringify(findings));
  assert.equal(coveredText(REQ, f), 'jupyter');
  assert.equal(f.message, '`jupyter` is a development tool; in requirements.txt, the project\'s runtime requirements, it ships with every deployment. Move it to requirements-dev.txt.');
  const fix = f.fixes![0]!;
  assert.equal(fix.title, 'Move `jupyter` to requirements-dev.txt');
  const [edit, create] = fix.edit!.operations;
  assert.equal(edit!.kind, 'edit');
  assert.equal(applyTextEdits(REQ, edit!.kind === 'edit' ? edit!.edits : []), '# serving the churn model\npandas==2.2.3\nscikit-learn==1.5.2\n');
  assert.deepEqual(create, { kind: 'create', path: '/ws/requirements-dev.txt', content: '-r requirements.txt\njupyter==1.0.0        # for the EDA notebook\n' });
});

test('MLH107: with a requirements-dev.txt beside it, the line is appended there (and CRLF is kept)', async () => {
  const dev = 'pytest==8.3.3';
  const req = REQ.replace(/\n/g, '\r\n');
  const { findings } = await check({ 'requirements.txt': req, 'requirements-dev.txt': dev });
  const [f] = only(findings, 'MLH107');
  const [del, append] = f!.fixes![0]!.edit!.operations;
  assert.equal(applyTextEdits(req, del!.kind === 'edit' ? del!.edits : []), '# serving the churn model\r\npandas==2.2.3\r\nscikit-learn==1.5.2\r\n');
  assert.equal(append!.path, '/ws/requirements-dev.txt');
  assert.equal(applyTextEdits(dev, append!.kind === 'edit' ? append!.edits : []), 'pytest==8.3.3\njupyter==1.0.0        # for the EDA notebook\n');
  assert.equal(only(findings, 'MLH107').length, 1, 'pytest in requirements-dev.txt is where it belongs');
});

test('MLH107 stays off requirements.txt when pyproject.toml declares the runtime dependencies', async () => {
  const py = '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n';
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11\n', 'requirements.txt': REQ });
  assert.deepEqual(only(findings, 'MLH107'), []);
  // ...but applies when pyproject.toml reads its dependencies from the requirements file (dynamic).
  const dyn = '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndynamic = ["dependencies"]\n\n[tool.setuptools.dynamic]\ndependencies = { file = ["requirements.txt"] }\n';
  const d = await check({ 'pyproject.toml': dyn, '.python-version': '3.11\n', 'requirements.txt': REQ });
  assert.deepEqual(only(d.findings, 'MLH107').map((f) => coveredText(REQ, f)), ['jupyter']);
});

test('MLH107 on a hashed pip-compile line reports without offering a move that would break the hashes', async () => {
  const req = 'pandas==2.2.3 \\\n    --hash=sha256:aaaa\nipykernel==6.29.5 \\\n    --hash=sha256:bbbb\n';
  const { findings } = await check({ 'requirements.txt': req });
  const [f] = only(findings, 'MLH107');
  assert.equal(coveredText(req, f!), 'ipykernel');
  assert.equal(f!.fixes, undefined);
});
