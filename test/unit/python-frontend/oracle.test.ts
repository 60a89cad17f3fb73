/**
 * Our parser against CPython 3.13's `ast.parse` (a native interpreter when the machine has one, else
 * CPython 3.13 in wasm from the pyodide devDependency; see oracleHarness.ts), tree for tree, every
 * field and every range:
 * - the fixtures: every .py file and every code cell of every notebook under test/fixtures and
 *   test/unit/analysis/fixtures;
 * - every code cell of the shared corpus's notebooks (skipped without ../shared);
 * - every .py file of the standard library of the machine's `python3` (site-packages excluded).
 * Notebook cells are compared after masking IPython syntax the way the engine does
 * (src/core/analysis/magics.ts: same-width replacement); cells whose cell magic makes them opaque
 * (%%bash, %%writefile, ...) are not Python and are skipped. Sources CPython rejects must be rejected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { maskMagics } from '../../../src/core/analysis/magics';
import { codeCells } from '../analysis/oracleHarness';
import { CORPUS_ROOT } from '../../helpers/corpus';
import { compareWithCPythonParallel, oracleAvailable, oracleVersion, type Agreement } from './oracleHarness';
import { machineStdlib } from '../../helpers/stdlib';
import { REPO_ROOT } from '../../helpers/repoSnapshot';


function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (name === 'site-packages' || name === 'node_modules' || name === '__pycache__') continue;
      walk(p, keep, out);
    } else if (keep(p)) out.push(p);
  }
  return out;
}

function notebookItems(files: string[], root: string): { items: Array<{ id: string; source: string }>; opaque: number } {
  const items: Array<{ id: string; source: string }> = [];
  let opaque = 0;
  for (const f of files) {
    let cells: string[];
    try {
      cells = codeCells(f);
    } catch {
      continue; // a deliberately broken notebook fixture
    }
    cells.forEach((cell, k) => {
      const masked = maskMagics(cell);
      if (masked.opaque) { opaque++; return; }
      items.push({ id: `${path.relative(root, f)}#${k}`, source: masked.masked });
    });
  }
  return { items, opaque };
}

function report(label: string, r: Agreement, extra = ''): void {
  console.log(`${label}: ${r.total} sources, ${r.agreedAccepted} identical trees, ${r.agreedRejected} rejected by both, ${r.disagreements.length} disagreements${extra} (CPython ${oracleVersion()})`);
  for (const d of r.disagreements.slice(0, 30)) console.log(`  ${d.id}: ${d.what}: ${d.detail}`);
}

const skip = oracleAvailable() ? false : 'no python3 on this machine';

test('fixtures: every .py file and notebook cell parses exactly as CPython parses it', { skip }, async () => {
  const roots = [path.join(REPO_ROOT, 'test', 'fixtures'), path.join(REPO_ROOT, 'test', 'unit', 'analysis', 'fixtures')];
  const py = roots.flatMap((r) => walk(r, (f) => f.endsWith('.py')));
  const nb = roots.flatMap((r) => walk(r, (f) => f.endsWith('.ipynb')));
  const cells = notebookItems(nb, REPO_ROOT);
  const items = [...py.map((f) => ({ id: path.relative(REPO_ROOT, f), source: readFileSync(f, 'utf8') })), ...cells.items];
  const r = await compareWithCPythonParallel(items);
  report('fixtures', r, `; ${cells.opaque} opaque cells skipped`);
  assert.ok(items.length > 50, `only ${items.length} fixture sources found`);
  assert.deepEqual(r.disagreements, []);
});

const corpusNotebooks = path.join(CORPUS_ROOT, 'notebooks');
test('corpus: every code cell of the shared corpus parses exactly as CPython parses it', { skip: skip || (existsSync(corpusNotebooks) ? false : 'no ../shared corpus') }, async () => {
  const nb = walk(corpusNotebooks, (f) => f.endsWith('.ipynb'));
  const cells = notebookItems(nb, CORPUS_ROOT);
  const r = await compareWithCPythonParallel(cells.items);
  report('corpus cells', r, `; ${cells.opaque} opaque cells skipped`);
  assert.ok(cells.items.length > 1000);
  assert.deepEqual(r.disagreements, []);
});

const stdlib = machineStdlib();
test('stdlib: every .py file of the machine\'s python3 standard library parses exactly as CPython parses it', { skip: skip || (stdlib ? false : 'no python3 on this machine'), timeout: 900_000 }, async () => {
  if (!stdlib) return;
  const files = walk(stdlib, (f) => f.endsWith('.py'));
  const items = files.map((f) => ({ id: path.relative(stdlib, f).split(path.sep).join('/'), source: readFileSync(f, 'utf8') }));
  const r = await compareWithCPythonParallel(items);
  report(`stdlib (${stdlib})`, r);
  assert.ok(files.length > 1000, `only ${files.length} stdlib files under ${stdlib}`);
  assert.deepEqual(r.disagreements, []);
});
