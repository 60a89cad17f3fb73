import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, coveredText } from './helpers';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import type { Finding } from '../../../src/core/diagnostics';
import { checkLicenseExpression, checkLicenseFileGlob, licenseGlobMatchesFile } from '../../../src/core/pyproject/pep639License';
import { checkDependencyGroups } from '../../../src/core/pyproject/pep735DependencyGroups';
import { checkImportNames } from '../../../src/core/pyproject/pep794ImportNames';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

const HEAD = 'name = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n';

/** MLH113 findings as "covered text :: message". */
async function mlh113(py: string, extra: Record<string, string> = {}): Promise<string[]> {
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11\n', ...extra });
  return findings.filter((f: Finding) => f.code === 'MLH113').map((f) => `${coveredText(py, f)} :: ${f.message}`);
}

// ---------- PEP 639 ----------

test('PEP 639: valid SPDX expressions pass, in any case, with LicenseRef, WITH and +', () => {
  for (const ok of ['MIT', 'mit', 'Apache-2.0 OR MIT', '(MIT OR Apache-2.0) AND BSD-3-Clause', 'GPL-2.0-or-later WITH Classpath-exception-2.0', 'LicenseRef-Proprietary', 'apache-2.0 or mit', 'GPL-2.0+', 'BSD-3-Clause']) {
    assert.deepEqual(checkLicenseExpression(ok), [], ok);
  }
});

test('PEP 639: the bad part of a license expression is pointed at, with the SPDX correction', () => {
  const [a] = checkLicenseExpression('MIT License');
  assert.deepEqual([a!.start, a!.end], [4, 11]);
  assert.match(a!.message, /`License` is not an SPDX license identifier\. Did you mean `MIT`\?/);
  const [b] = checkLicenseExpression('Apache 2.0');
  assert.deepEqual([b!.start, b!.end], [0, 10]);
  assert.match(b!.message, /Did you mean `Apache-2\.0`\?/);
  const [c] = checkLicenseExpression('MIT, Apache-2.0');
  assert.deepEqual([c!.start, c!.end], [3, 4]);
  assert.match(c!.message, /`,` cannot appear/);
  const [d] = checkLicenseExpression('MIT AND (Apache-2.0');
  assert.deepEqual([d!.start, d!.end], [8, 9]);
  assert.match(d!.message, /this `\(` is never closed/);
  for (const [expr, bad, why] of [
    ['MIT OR', 'OR', /ends with `OR`/],
    ['MIT Apache-2.0', 'Apache-2.0', /without AND or OR/],
    ['GPL-2.0-only WITH', 'WITH', /needs an exception/],
    ['MIT)', ')', /closes no `\(`/],
  ] as const) {
    const [p] = checkLicenseExpression(expr);
    assert.equal(expr.slice(p!.start, p!.end), bad, expr);
    assert.match(p!.message, why);
  }
  assert.deepEqual(checkLicenseExpression('mit\nor\tbsd-3-clause'), [], 'any whitespace separates tokens');
  const pasted = 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software';
  assert.ok(checkLicenseExpression(pasted)[0]!.message.length < 300, 'a pasted license text is quoted short');
  const [e] = checkLicenseExpression('MIT WITH Foo-exception');
  assert.deepEqual([e!.start, e!.end], [9, 22]);
  assert.equal(checkLicenseExpression('Proprietary')[0]!.message.includes('LicenseRef-'), true);
});

test('PEP 639: license-files globs that are absolute, climb with .. or use characters outside the spec', () => {
  assert.equal(checkLicenseFileGlob('LICEN[CS]E*'), undefined);
  assert.equal(checkLicenseFileGlob('licenses/**/*.txt'), undefined);
  const abs = checkLicenseFileGlob('/etc/LICENSE')!;
  assert.deepEqual([abs.start, abs.end], [0, 4]);
  const up = checkLicenseFileGlob('../LICENSE')!;
  assert.deepEqual([up.start, up.end], [0, 2]);
  const mid = checkLicenseFileGlob('docs/../LICENSE')!;
  assert.deepEqual([mid.start, mid.end], [5, 7]);
  const back = checkLicenseFileGlob('licenses\\MIT.txt')!;
  assert.deepEqual([back.start, back.end], [8, 9]);
  assert.match(back.message, /backslash/);
  assert.match(checkLicenseFileGlob('LICENSE[.txt')!.message, /unbalanced/);
});

test('PEP 639: a license-files glob is matched against the project files through the FileSystem', async () => {
  const fs = new MemoryFileSystem({ 'LICENSE.txt': 'MIT', 'licenses/vendor/BSD.txt': 'x', '.venv/lib/LICENSE.md': 'x', 'NOTICE': 'x' }, '/p');
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'LICEN[CS]E*'), true);
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'LICENSE.txt'), true);
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'LICENCE.txt'), false);
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'licenses/**/*.txt'), true);
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'licenses/*.txt'), false, 'one level only');
  assert.equal(await licenseGlobMatchesFile(fs, '/p', '**/LICENSE.md'), false, 'never inside .venv');
  assert.equal(await licenseGlobMatchesFile(fs, '/p', 'licenses'), false, 'a folder is not a file');
});

test('MLH113 on PEP 639 fields: exact ranges in pyproject.toml, and a well-kept file is quiet', async () => {
  const bad = `[project]\n${HEAD}license = "Apache 2.0"\nlicense-files = ["LICENCE", "../NOTICE", "LICENSE*"]\nclassifiers = [\n  "Programming Language :: Python :: 3",\n  "License :: OSI Approved :: Apache Software License",\n]\n`;
  const msgs = await mlh113(bad, { LICENSE: 'Apache License' });
  assert.equal(msgs.length, 4, msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('Apache 2.0 :: `Apache 2.0` is not a valid SPDX') && m.includes('Did you mean `Apache-2.0`?')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.startsWith('LICENCE :: `LICENCE` matches no file')));
  assert.ok(msgs.some((m) => m.startsWith('.. :: `../NOTICE` leaves the project folder')));
  assert.ok(msgs.some((m) => m.startsWith('"License :: OSI Approved :: Apache Software License" ::') && m.includes('Remove the classifier')));

  const table = `[project]\n${HEAD}license = { text = "MIT" }\nlicense-files = ["LICENSE"]\n`;
  const tmsgs = await mlh113(table, { LICENSE: 'MIT' });
  assert.deepEqual(tmsgs.map((m) => m.split(' :: ')[0]), ['{ text = "MIT" }']);
  assert.match(tmsgs[0]!, /cannot be combined with `license-files`/);

  const good = `[project]\n${HEAD}license = "MIT OR Apache-2.0"\nlicense-files = ["LICEN[CS]E*", "licenses/*.txt"]\nclassifiers = ["Programming Language :: Python :: 3"]\n`;
  assert.deepEqual(await mlh113(good, { 'LICENSE-MIT': 'x', 'licenses/APACHE.txt': 'x' }), []);
  // The legacy table alone is still allowed (deprecated, not invalid), as is the empty list.
  assert.deepEqual(await mlh113(`[project]\n${HEAD}license = { file = "LICENSE" }\nlicense-files = []\n`.replace('license-files = []\n', '')), []);
});

test('MLH113 maps license ranges through TOML escapes', async () => {
  const py = `[project]\n${HEAD}license = "\\u004dIT Licence"\n`;
  const msgs = await mlh113(py);
  assert.deepEqual(msgs.map((m) => m.split(' :: ')[0]), ['Licence']);
});

// ---------- PEP 735 ----------

test('PEP 735: invalid and colliding group names, missing include targets and cycles with their path', () => {
  const problems = checkDependencyGroups({
    test: ['pytest', { 'include-group': 'Typing' }],
    typing: ['mypy', { 'include-group': 'lint' }],
    lint: ['ruff', { 'include-group': 'test' }],
    Test: ['coverage'],
    'bad name': ['x'],
    docs: [{ 'include-group': 'site' }],
    self: [{ 'include-group': 'self' }],
  });
  const msgs = problems.map((p) => p.message);
  assert.ok(msgs.some((m) => m.includes('`bad name` is not a valid dependency group name')), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('`Test` is the same group as `test`')));
  assert.ok(msgs.some((m) => m.includes('Included group `site` does not exist')));
  assert.ok(msgs.includes('Dependency groups include each other in a cycle: `test` → `typing` → `lint` → `test`. Remove one of these `include-group` entries.'), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('`self` → `self`')));
  assert.equal(msgs.filter((m) => m.includes('cycle')).length, 2, 'each cycle once');
});

test('MLH113 on [dependency-groups]: ranges on the key and on the include-group value; invalid requirements stay MLH105', async () => {
  const py = `[project]\n${HEAD}\n[dependency-groups]\ndev = ["ruff==0.7.0", { include-group = "Test" }]\ntest = ["pytest>=8", { include-group = "dev" }]\ndocs = [{ include-group = "site" }]\nlint_ = ["ruff"]\nci = ["pytest>=>8"]\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11\n' });
  const got = findings.filter((f) => f.code === 'MLH113' || f.code === 'MLH105').map((f) => `${f.code} ${coveredText(py, f)}`);
  assert.deepEqual(got.sort(), ['MLH105 >', 'MLH113 "dev"', 'MLH113 "site"', 'MLH113 lint_'].sort(), got.join('\n'));
  const cycle = findings.find((f) => f.message.includes('cycle'))!;
  assert.match(cycle.message, /`dev` → `test` → `dev`/);
  // include-group names are normalised before lookup: "Test" finds `test`.
  assert.ok(!findings.some((f) => f.message.includes('`Test` does not exist')));
});

// ---------- PEP 794 ----------

test('PEP 794: import names are dotted identifiers, not keywords, with only "; private" after them', () => {
  const entries = [
    { key: 'import-names' as const, index: 0, value: 'churn' },
    { key: 'import-names' as const, index: 1, value: 'churn.models ; private' },
    { key: 'import-names' as const, index: 2, value: 'churn.class' },
    { key: 'import-names' as const, index: 3, value: 'churn-model' },
    { key: 'import-names' as const, index: 4, value: 'churn; internal' },
    { key: 'import-names' as const, index: 5, value: 'churn..io' },
    { key: 'import-names' as const, index: 6, value: 'features.text.tfidf' },
    { key: 'import-namespaces' as const, index: 0, value: 'churn' },
    { key: 'import-namespaces' as const, index: 1, value: 'features' },
    { key: 'import-names' as const, index: 7, value: 'café' },
  ];
  const got = checkImportNames(entries).map((p) => `${p.entry.key}[${p.entry.index}] ${p.entry.value.slice(p.start, p.end)} :: ${p.message}`);
  assert.deepEqual(got, [
    'import-names[2] class :: `churn.class` in `import-names` is not a valid import name: it has the keyword `class`, which cannot be imported.',
    'import-names[3] churn-model :: `churn-model` in `import-names` is not a valid import name: it has `churn-model`, which is not a Python identifier.',
    'import-names[4] internal :: Only `; private` may follow an import name in `import-names` (PEP 794), not `; internal`.',
    'import-names[5] . :: `churn..io` in `import-names` is not a valid import name: it has an empty part (two dots in a row, or a dot at an end).',
    'import-namespaces[0] churn :: `churn` is also in `import-names`; a name is either a package or a namespace: list it once (PEP 794).',
    'import-names[6] features.text.tfidf :: `features.text.tfidf` needs its parent `features.text` listed too, in `import-names` or `import-namespaces` (PEP 794).',
  ]);
});

test('MLH113 on import-names: ranges inside the string, duplicates, and a valid namespace layout is quiet', async () => {
  const py = `[project]\n${HEAD}import-names = ["churn", "churn.io", "churn", "churn.models.v2; private", "for"]\n`;
  const msgs = await mlh113(py);
  assert.deepEqual(msgs.map((m) => m.split(' :: ')[0]).sort(), ['churn', 'churn.models.v2', 'for'].sort(), msgs.join('\n'));
  assert.ok(msgs.some((m) => m.includes('already in `import-names`')));
  const good = `[project]\n${HEAD}import-names = ["acme.churn", "acme.churn._native; private"]\nimport-namespaces = ["acme"]\n`;
  assert.deepEqual(await mlh113(good), []);
  assert.deepEqual(await mlh113(`[project]\n${HEAD}import-names = []\n`), [], 'an empty list says "no import names"');
});

// ---------- PEP 621 people ----------

test('MLH113: an empty author or maintainer table is reported on the entry itself', async () => {
  const py = `[project]\n${HEAD}authors = [\n  { name = "Ada", email = "ada@example.org" },\n  {},\n]\nmaintainers = [{ email = "ml@example.org" }, {}]\n`;
  const msgs = await mlh113(py);
  assert.deepEqual(msgs, [
    '{} :: An entry of `authors` is an empty table: give it a `name` and/or an `email`, or remove it.',
    '{} :: An entry of `maintainers` is an empty table: give it a `name` and/or an `email`, or remove it.',
  ]);
  const lines = py.split('\n');
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11\n' });
  const lineOf = findings.filter((f) => f.code === 'MLH113').map((f) => lines[f.range.start.line]);
  assert.deepEqual(lineOf, ['  {},', 'maintainers = [{ email = "ml@example.org" }, {}]']);
});

// ---------- MLH115 ----------

test('MLH115: a deprecated SPDX identifier is a warning on the identifier, with the exact GNU replacement as a fix', async () => {
  const py = `[project]\n${HEAD}license = "GPL-3.0 OR lgpl-2.1+"\n`;
  const { findings } = await check({ 'pyproject.toml': py, '.python-version': '3.11\n' });
  const got = findings.filter((f) => f.code === 'MLH115');
  assert.deepEqual(got.map((f) => `${f.severity} ${coveredText(py, f)} -> ${f.fixes?.[0]?.title}`), ['warning GPL-3.0 -> Use GPL-3.0-only', 'warning lgpl-2.1+ -> Use LGPL-2.1-or-later']);
  assert.match(got[0]!.message, /`GPL-3\.0-or-later` if later versions are allowed/);
  const op = got[0]!.fixes![0]!.edit!.operations[0]!;
  assert.equal(applyTextEdits(py, op.kind === 'edit' ? op.edits : []), py.replace('"GPL-3.0 OR', '"GPL-3.0-only OR'));
  assert.ok(!findings.some((f) => f.code === 'MLH113'), 'deprecated is still valid: not MLH113');
  // Other deprecated identifiers have no exact replacement to write: reported without a fix.
  const wx = await check({ 'pyproject.toml': `[project]\n${HEAD}license = "wxWindows"\n`, '.python-version': '3.11\n' });
  const [w] = wx.findings.filter((f) => f.code === 'MLH115');
  assert.equal(w!.fixes, undefined);
  assert.match(w!.message, /spdx\.org\/licenses/);
  // Current identifiers, an exception after WITH and an invalid expression (MLH113's) are not MLH115's.
  for (const license of ['GPL-3.0-or-later', 'GPL-2.0-only WITH Classpath-exception-2.0', 'GPL-3.0 License']) {
    const r = await check({ 'pyproject.toml': `[project]\n${HEAD}license = "${license}"\n`, '.python-version': '3.11\n' });
    assert.deepEqual(r.findings.filter((f) => f.code === 'MLH115'), [], license);
  }
});
