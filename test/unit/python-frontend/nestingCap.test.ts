/**
 * The parser's expression nesting cap (1,000 levels, parser.ts MAX_DEPTH) is what keeps every consumer
 * of the tree off a stack overflow: the cell analysis walks expressions recursively, on the server's
 * main thread too (extract, a pool-less engine), whose stack is Node's default (~1 MB). This test
 * holds that promise for each shape the cap counts: at the deepest nesting the parser accepts, a
 * fresh Node process with the default stack parses and analyses the cell without an internal error,
 * and one level deeper is a clear syntax error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/repoSnapshot';


const SCRIPT = `
const { parseModule } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/core/python/parser.ts'))});
const { analyzeCell } = require(${JSON.stringify(path.join(REPO_ROOT, 'src/core/analysis/cellAnalysis.ts'))});
const shapes = {
  'a + a + ...': (n) => 'x = ' + Array(n).fill('a').join(' + '),
  'await a + await a + ...': (n) => 'async def f():\\n    x = ' + Array(n).fill('await a').join(' + '),
  'a.b.b...': (n) => 'x = a' + '.b'.repeat(n),
  'f()()...': (n) => 'x = f' + '()'.repeat(n),
  '- - - 1': (n) => 'x = ' + '-'.repeat(n) + '1',
  'not not y': (n) => 'x = ' + 'not '.repeat(n) + 'y',
  'a ** a ** ...': (n) => 'x = ' + Array(n).fill('a').join(' ** '),
  'a if b else ...': (n) => 'x = ' + 'a if b else '.repeat(n) + 'c',
  'lambda: lambda: ...': (n) => 'x = ' + 'lambda: '.repeat(n) + '1',
  'f"{a}" + f"{a}" + ...': (n) => 'x = ' + Array(n).fill('f"{a}"').join(' + '),
};
const accepts = (src) => parseModule(src).errors.length === 0;
const out = {};
for (const [name, make] of Object.entries(shapes)) {
  let lo = 1, hi = 1200;
  while (lo + 1 < hi) { const mid = (lo + hi) >> 1; if (accepts(make(mid) + '\\n')) lo = mid; else hi = mid; }
  const deepest = make(lo) + '\\n';
  const internal = analyzeCell(deepest).syntaxErrors.filter((e) => e.message.startsWith('Internal'));
  out[name] = { deepest: lo, analysed: internal.length === 0 ? 'ok' : internal[0].message.slice(0, 120), beyond: parseModule(make(lo + 1) + '\\n').errors[0]?.message ?? null };
}
console.log(JSON.stringify(out));
`;

test('at the nesting cap every shape is parsed and analysed on a default-size main-thread stack', { timeout: 120_000 }, () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as Record<string, { deepest: number; analysed: string; beyond: string | null }>;
  console.log(Object.entries(result).map(([shape, r]) => `${shape}: ${r.deepest}`).join('; '));
  assert.equal(Object.keys(result).length, 10, 'every shape reported');
  for (const [shape, r] of Object.entries(result)) {
    assert.ok(r.deepest >= 990 && r.deepest <= 1000, `${shape}: deepest accepted ${r.deepest}`);
    assert.equal(r.analysed, 'ok', `${shape} at ${r.deepest}`);
    assert.match(r.beyond ?? '', /too many nested expressions/, `${shape} at ${r.deepest + 1}`);
  }
});
