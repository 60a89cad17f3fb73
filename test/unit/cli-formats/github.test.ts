import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/diagnostics';
import { escapeData, escapeProperty, toGithubAnnotations } from '../../../src/cli/github';

const finding = (over: Partial<Finding>): Finding => ({
  path: '/repo/pyproject.toml',
  range: { start: { line: 6, character: 4 }, end: { line: 6, character: 12 } },
  code: 'MLH101',
  severity: 'warning',
  message: '`pandas` has no version specifier.',
  ...over,
});

test('one workflow command per finding, 1-based, with the code as title', () => {
  const out = toGithubAnnotations([finding({}), finding({ severity: 'error', code: 'MLH104' }), finding({ severity: 'information', code: 'MLH401' }), finding({ severity: 'hint', code: 'MLH210' })], '/repo');
  assert.deepEqual(out.split('\n'), [
    '::warning file=pyproject.toml,line=7,col=5,endLine=7,endColumn=13,title=MLH101::`pandas` has no version specifier.',
    '::error file=pyproject.toml,line=7,col=5,endLine=7,endColumn=13,title=MLH104::`pandas` has no version specifier.',
    '::notice file=pyproject.toml,line=7,col=5,endLine=7,endColumn=13,title=MLH401::`pandas` has no version specifier.',
    '::notice file=pyproject.toml,line=7,col=5,endLine=7,endColumn=13,title=MLH210::`pandas` has no version specifier.',
  ]);
});

test('messages and properties are escaped so a colon, comma, percent or newline cannot end them', () => {
  assert.equal(escapeData('50% done\r\nnext: a,b'), '50%25 done%0D%0Anext: a,b');
  assert.equal(escapeProperty('dir,x/a:b%.py'), 'dir%2Cx/a%3Ab%25.py');
  const out = toGithubAnnotations([finding({ path: '/repo/we,ird:name.py', message: 'line one\nline two: 100%' })], '/repo');
  assert.equal(out, '::warning file=we%2Cird%3Aname.py,line=7,col=5,endLine=7,endColumn=13,title=MLH101::line one%0Aline two: 100%25');
});

test('a multi-line range gives lines only; an empty range gives no end column', () => {
  const multi = toGithubAnnotations([finding({ range: { start: { line: 1, character: 2 }, end: { line: 3, character: 0 } } })], '/repo');
  assert.equal(multi, '::warning file=pyproject.toml,line=2,endLine=4,title=MLH101::`pandas` has no version specifier.');
  const empty = toGithubAnnotations([finding({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })], '/repo');
  assert.equal(empty, '::warning file=pyproject.toml,line=1,col=1,endLine=1,title=MLH101::`pandas` has no version specifier.');
});

test('notebook findings use the mapper, else name the cell and give no line', () => {
  const nb = finding({ path: '/repo/nb/a.ipynb', cell: 0, code: 'MLH201', message: 'Out of order.', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } } });
  assert.equal(toGithubAnnotations([nb], '/repo'), '::warning file=nb/a.ipynb,title=MLH201::Out of order. (code cell 1, line 1)');
  const mapped = toGithubAnnotations([nb], '/repo', (f) => ({ start: { line: 20 + f.range.start.line, character: 5 }, end: { line: 20 + f.range.end.line, character: 10 } }));
  assert.equal(mapped, '::warning file=nb/a.ipynb,line=21,col=6,endLine=21,endColumn=11,title=MLH201::Out of order.');
});
