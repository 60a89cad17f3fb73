import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, codes, coveredText, UV_LOCK } from './helpers';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import type { Finding } from '../../../src/core/diagnostics';

const MESSY = `# Churn model
[project]
name = "churn"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "pandas",                 # MLH101
    "scikit-learn>=1.3",      # MLH102 (no lockfile)
    "pyarrow>=>14",           # MLH105
    "jupyter==1.1.1",         # MLH107
    "Scikit_Learn==1.5.2",    # MLH106 (same name, no marker)
    "numpy>=1.26; python_version >= '3.12'",
    "numpy<1.26; python_version < '3.12'",  # different marker: not a duplicate
    "feat @ git+https://github.com/acme/feat.git@main",   # MLH112
    "feat2 @ git+https://github.com/acme/feat2.git@0123456789abcdef0123456789abcdef01234567",
]
`;

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

test('each dependency rule fires on the messy manifest, with ranges from the parser', async () => {
  const { findings } = await check({ 'pyproject.toml': MESSY, '.python-version': '3.11\n' });
  const got = (code: string) => only(findings, code).map((f) => coveredText(MESSY, f));
  assert.deepEqual(got('MLH101'), ['pandas']);
  assert.deepEqual(got('MLH102'), ['scikit-learn>=1.3', "numpy>=1.26; python_version >= '3.12'"]);
  assert.deepEqual(got('MLH105'), ['>']);
  assert.deepEqual(got('MLH106'), ['Scikit_Learn==1.5.2']);
  assert.deepEqual(got('MLH107'), ['jupyter']);
  assert.deepEqual(got('MLH112'), ['git+https://github.com/acme/feat.git@main']);
  assert.equal(only(findings, 'MLH103').length, 1, 'no lockfile');
  assert.equal(only(findings, 'MLH108').length, 0, 'requires-python is set');
  assert.equal(only(findings, 'MLH109').length, 0, '.python-version 3.11 fits >=3.11');
  assert.equal(only(findings, 'MLH105')[0]!.severity, 'error');
});

test('MLH101 range is exactly the requirement text inside the quotes, on the right line', async () => {
  const { findings } = await check({ 'pyproject.toml': MESSY });
  const f = only(findings, 'MLH101')[0]!;
  const line = MESSY.split('\n').findIndex((l) => l.includes('"pandas"'));
  const character = MESSY.split('\n')[line]!.indexOf('"pandas"') + 1;
  assert.deepEqual(f.range, { start: { line, character }, end: { line, character: character + 'pandas'.length } });
});

test('escaped characters in a basic string keep ranges exact', async () => {
  const text = '[project]\nname = "x"\nversion = "1"\ndependencies = ["\\u0070andas"]\n';
  const { findings } = await check({ 'pyproject.toml': text });
  const f = only(findings, 'MLH101')[0]!;
  assert.equal(coveredText(text, f), '\\u0070andas');
});

test('a fresh uv.lock constrains open ranges (no MLH102/MLH103) and Pin takes the locked version', async () => {
  const py = `[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n  "pandas",\n  "scikit-learn>=1.3",\n]\n`;
  const { findings } = await check({ 'pyproject.toml': py, 'uv.lock': UV_LOCK, '.python-version': '3.11\n' });
  assert.deepEqual(codes(findings), ['MLH101']);
  const fix = findings[0]!.fixes![0]!;
  assert.equal(fix.title, 'Pin dependency: pandas==2.2.3');
  const op = fix.edit!.operations[0]!;
  assert.equal(op.kind, 'edit');
  const after = applyTextEdits(py, op.kind === 'edit' ? op.edits : []);
  assert.equal(after, py.replace('"pandas"', '"pandas==2.2.3"'));
  assert.match(fix.note ?? '', /uv lock/);
});

test('a stale uv.lock is MLH104 on the requirement the lock does not know', async () => {
  const py = `[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n  "pandas",\n  "scikit-learn>=1.3",\n  "lightgbm==4.5.0",\n]\n`;
  const { findings } = await check({ 'pyproject.toml': py, 'uv.lock': UV_LOCK, '.python-version': '3.11\n' });
  const stale = only(findings, 'MLH104');
  assert.ok(stale.length >= 1, JSON.stringify(findings.map((f) => [f.code, f.message])));
  assert.ok(stale.some((f) => coveredText(py, f) === 'lightgbm==4.5.0'));
});

test('libraries (build-system, no lock) get MLH101/102 as information', async () => {
  const py = `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[project]\nname = "lib"\nversion = "1.0"\nrequires-python = ">=3.10"\ndependencies = ["pandas", "numpy>=1.26"]\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.12\n' });
  assert.deepEqual(only(findings, 'MLH101').map((f) => f.severity), ['information']);
  assert.deepEqual(only(findings, 'MLH102').map((f) => f.severity), ['information']);
  // kind = "application" in [tool.ml-hygiene] wins over the guess.
  const app = py + '\n[tool.ml-hygiene]\nkind = "application"\n';
  const r2 = await check({ 'pyproject.toml': app, '.python-version': '3.12\n' });
  assert.deepEqual(only(r2.findings, 'MLH101').map((f) => f.severity), ['warning']);
});

test('MLH108 offers requires-python from .python-version; MLH109 flags a version outside it', async () => {
  const py = `[project]\nname = "x"\nversion = "1.0"\ndependencies = []\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.12.4\n' });
  const f = only(findings, 'MLH108')[0]!;
  const op = f.fixes![0]!.edit!.operations[0]!;
  const after = applyTextEdits(py, op.kind === 'edit' ? op.edits : []);
  assert.equal(after, `[project]\nname = "x"\nversion = "1.0"\nrequires-python = ">=3.12"\ndependencies = []\n`);
  const mismatch = await check({ 'pyproject.toml': after, '.python-version': '3.10\n' });
  assert.equal(only(mismatch.findings, 'MLH109').length, 1);
  const missing = await check({ 'pyproject.toml': after });
  assert.match(only(missing.findings, 'MLH109')[0]!.message, /No `.python-version`/);
});

test('MLH113 reports PEP 621 structure errors at the offending value', async () => {
  const py = `[project]\nname = "churn model"\nversion = "1.0-final"\nrequires-python = "3.11"\ndynamic = ["version"]\nauthor = "me"\ndependencies = "pandas"\n\n[build-system]\nbuild-backend = "hatchling.build"\n`;
  const { findings } = await check({ 'pyproject.toml': py });
  const msgs = only(findings, 'MLH113').map((f) => `${coveredText(py, f)} :: ${f.message}`);
  assert.ok(msgs.some((m) => m.startsWith('"churn model" ::')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('"1.0-final" ::')));
  assert.ok(msgs.some((m) => m.startsWith('"3.11" ::') && m.includes('>=3.11')));
  assert.ok(msgs.some((m) => m.startsWith('version ::') && m.includes('dynamic')));
  assert.ok(msgs.some((m) => m.startsWith('author ::') && m.includes('Unknown key')));
  assert.ok(msgs.some((m) => m.startsWith('"pandas" ::') && m.includes('array of strings')));
  assert.ok(msgs.some((m) => m.includes('must set `requires`')));
});

test('broken TOML is one clear MLH113 at the error position, and nothing else crashes', async () => {
  const py = `[project]\nname = "x"\ndependencies = [\n  "pandas",\n`;
  const { findings } = await check({ 'pyproject.toml': py });
  assert.deepEqual(codes(findings), ['MLH113']);
  assert.match(findings[0]!.message, /not valid TOML/);
});

test('a binary pyproject.toml and a 50 MB requirements file give MLH114, not a crash', async () => {
  const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]);
  const big = 'numpy==1.26.4\n'.repeat(Math.ceil((50 * 1024 * 1024) / 14));
  const { findings } = await check({ 'pyproject.toml': binary, 'requirements.txt': big });
  const unreadable = only(findings, 'MLH114').map((f) => f.message);
  assert.equal(unreadable.length, 2, JSON.stringify(findings));
  assert.ok(unreadable.some((m) => m.includes('not a text file')));
  assert.ok(unreadable.some((m) => m.includes('MB')));
});

test('requirements files: runtime rules apply to requirements.txt, not to requirements-dev.txt', async () => {
  const req = '# app\npandas\nscikit-learn>=1.3  # comment\n-r requirements-dev.txt\n';
  const dev = 'pytest\n';
  const { findings } = await check({ 'requirements.txt': req, 'requirements-dev.txt': dev });
  const got = findings.filter((f) => f.path.endsWith('requirements.txt')).map((f) => `${f.code}:${coveredText(req, f)}`);
  assert.deepEqual(got.sort(), ['MLH101:pandas', 'MLH102:scikit-learn>=1.3', 'MLH103:pandas'].sort());
  assert.equal(findings.filter((f) => f.path.endsWith('requirements-dev.txt')).length, 0);
});

test('configuration: ignore, severity and inline suppression', async () => {
  const py = `[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = [\n  "pandas",  # ml-hygiene: ignore[MLH101]\n  "numpy",\n  "scipy>=1",\n]\n[tool.ml-hygiene]\nignore = ["MLH103"]\nseverity = { MLH101 = "error", MLH999 = "hint" }\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11' });
  const got = findings.map((f) => `${f.code}:${f.severity}:${coveredText(py, f)}`);
  assert.ok(got.includes('MLH101:error:numpy'), got.join('\n'));
  assert.ok(!got.some((g) => g.includes(':pandas')), 'suppressed inline');
  assert.ok(!got.some((g) => g.startsWith('MLH103')), 'ignored by config');
  assert.ok(findings.some((f) => f.code === 'MLH113' && f.message.includes('MLH999')), 'unknown code reported');
});

test('MLH106 fix removes the duplicate line and MLH107 fix moves the tool to [dependency-groups].dev in one edit', async () => {
  const py = `[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = [\n    "pandas==2.2.3",\n    "pytest==8.3.3",\n    "pandas==2.2.3",\n]\n\n[dependency-groups]\ndev = [\n    "ruff==0.7.0",\n]\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11' });
  const dup = only(findings, 'MLH106')[0]!;
  const dupOp = dup.fixes![0]!.edit!.operations[0]!;
  assert.equal(applyTextEdits(py, dupOp.kind === 'edit' ? dupOp.edits : []), py.replace('    "pandas==2.2.3",\n]', ']'));
  const dev = only(findings, 'MLH107')[0]!;
  const devOp = dev.fixes![0]!.edit!.operations[0]!;
  const moved = applyTextEdits(py, devOp.kind === 'edit' ? devOp.edits : []);
  assert.equal(moved, `[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = [\n    "pandas==2.2.3",\n    "pandas==2.2.3",\n]\n\n[dependency-groups]\ndev = [\n    "ruff==0.7.0",\n    "pytest==8.3.3",\n]\n`);
});

test('MLH106 fix on the last line of a requirements file without a final line break stays inside the document', async () => {
  for (const [text, expected] of [
    ['requests==2.3\nrequests==2.3', 'requests==2.3'],
    ['requests==2.3\r\nrequests==2.3  # again', 'requests==2.3'],
    ['requests==2.3\nrequests==2.3\n', 'requests==2.3\n'],
  ] as const) {
    const { findings } = await check({ 'requirements.txt': text });
    const dup = only(findings, 'MLH106')[0]!;
    const op = dup.fixes![0]!.edit!.operations[0]!;
    const edits = op.kind === 'edit' ? op.edits : [];
    const lineCount = text.split(/\r\n|\n/).length;
    for (const edit of edits) assert.ok(edit.range.end.line < lineCount, `${JSON.stringify(text)}: edit ends on line ${edit.range.end.line} of ${lineCount}`);
    assert.equal(applyTextEdits(text, edits), expected, JSON.stringify(text));
  }
});

test('the installed environment backs Pin only in a trusted workspace', async () => {
  const py = `[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["requests"]\n`;
  const files = {
    'pyproject.toml': py,
    '.python-version': '3.11',
    '.venv/lib/python3.11/site-packages/requests-2.32.3.dist-info/METADATA': 'Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n\nLong description',
  };
  const untrusted = await check(files, { trusted: false });
  assert.equal(only(untrusted.findings, 'MLH101')[0]!.fixes?.length ?? 0, 0);
  const trusted = await check(files, { trusted: true });
  assert.equal(only(trusted.findings, 'MLH101')[0]!.fixes![0]!.title, 'Pin dependency: requests==2.32.3');
});
