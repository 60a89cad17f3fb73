import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { runExtract } from '../../../src/cli/extract';

const FIXTURE_PROJECT = path.resolve(__dirname, '../../extract/project');
const scratch = mkdtempSync(path.join(tmpdir(), 'mlh-extract-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function copy(): string {
  const dir = mkdtempSync(path.join(scratch, 'p-'));
  cpSync(FIXTURE_PROJECT, dir, { recursive: true });
  return dir;
}

async function run(positionals: string[], flags: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExtract({ positionals, flags: new Map(Object.entries(flags)) }, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ml-hygiene extract', () => {
  test('usage errors exit 2', async () => {
    const dir = copy();
    const nb = path.join(dir, 'notebooks', '01_clean_sales.ipynb');
    assert.equal((await run([], { '--cell': '1', '--module': 'm.py', '--function': 'f' })).code, 2);
    assert.equal((await run([nb], { '--cell': 'one', '--module': 'm.py', '--function': 'f' })).code, 2);
    assert.equal((await run([nb], { '--cell': '1', '--module': 'm.txt', '--function': 'f' })).code, 2);
    assert.equal((await run([path.join(dir, 'missing.ipynb')], { '--cell': '1', '--module': 'm.py', '--function': 'f' })).code, 2);
  });

  test('a refusal exits 1, says why, and touches nothing', async () => {
    const dir = copy();
    const nb = path.join(dir, 'notebooks', '04_config_grid.ipynb');
    const before = readFileSync(nb);
    const module = path.join(dir, 'src', 'mlproj', 'grid.py');
    const r = await run([nb], { '--cell': '2', '--module': module, '--function': 'bump' });
    assert.equal(r.code, 1);
    assert.match(r.err, /not extracted: `global counter` on line 2/);
    assert.deepEqual(readFileSync(nb), before);
    assert.ok(!existsSync(module));
  });

  test('applied: creates the module, rewrites only the cell, exit 0; a second cell appends', async () => {
    const dir = copy();
    const nb = path.join(dir, 'notebooks', '01_clean_sales.ipynb');
    const module = path.join(dir, 'src', 'mlproj', 'clean.py');
    const first = await run([nb], { '--cell': '1', '--module': module, '--function': 'settings' });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /code cell 1 extracted to .*clean\.py as MIN_QTY \(moved unchanged\) and settings\(\) -> DATA, regions/);
    const created = readFileSync(module, 'utf8');
    const second = await run([nb], { '--cell': '2', '--module': module, '--function': 'load_rows' });
    assert.equal(second.code, 0, second.err);
    const appended = readFileSync(module, 'utf8');
    // The new function's import joins the module's import block; everything else is the old text, then the new function.
    assert.match(appended, /^from pathlib import Path\nimport csv\n/m);
    assert.ok(appended.replace(/^import csv\n/m, '').startsWith(created), 'the first function and docstring are kept byte for byte');
    assert.match(appended, /def load_rows\(DATA\):/);
  });

  test('--cells A-B extracts a range into one module and empties the other cells', async () => {
    const dir = copy();
    const nb = path.join(dir, 'notebooks', '01_clean_sales.ipynb');
    const module = path.join(dir, 'src', 'mlproj', 'load.py');
    const r = await run([nb], { '--cells': '2-3', '--module': module, '--function': 'load_and_parse' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /code cells 2-3 extracted to .*load\.py as load_and_parse\(DATA\) -> parsed/);
    const cells = (JSON.parse(readFileSync(nb, 'utf8')) as { cells: { cell_type: string; source: string[] }[] }).cells.filter((c) => c.cell_type === 'code');
    assert.equal(cells[2]!.source.join(''), 'from mlproj.load import load_and_parse\nparsed = load_and_parse(DATA)');
    assert.deepEqual(cells[3]!.source, []);
    assert.equal((await run([nb], { '--cells': '3-2', '--module': module })).code, 2);
    assert.equal((await run([nb], { '--cells': '2-3', '--cell': '2', '--module': module })).code, 2);
  });

  test('keeps a UTF-8 byte-order mark', async () => {
    const dir = copy();
    const nb = path.join(dir, 'notebooks', '01_clean_sales.ipynb');
    writeFileSync(nb, '\uFEFF' + readFileSync(nb, 'utf8'));
    const r = await run([nb], { '--cell': '7', '--module': path.join(dir, 'src', 'mlproj', 'clean.py'), '--function': 'add_west' });
    assert.equal(r.code, 0, r.err);
    assert.ok(readFileSync(nb, 'utf8').startsWith('\uFEFF{'));
  });
});
