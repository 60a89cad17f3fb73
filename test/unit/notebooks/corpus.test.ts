import assert from 'node:assert/strict';
import { DvcTracking } from '../../../src/core/dvc/trackedOutputs';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_PROJECT_CONFIG } from '../../../src/core/config';
import { ImportResolver } from '../../../src/core/imports';
import { parseIpynb } from '../../../src/core/notebook';
import {
  createNotebookContext,
  createProjectImportsContext,
  notebookRules,
  projectImportRules,
  type NotebookContext,
  type NotebookProjectFacts,
} from '../../../src/core/rules/notebooks';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { runRules } from './helpers';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/notebooks');
const available = existsSync(CORPUS);

test('corpus: every real notebook parses and runs through every rule without throwing', { skip: available ? false : 'shared corpus absent' }, async () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.ipynb')).sort();
  assert.ok(files.length > 0);
  const perRule = new Map<string, number>([...notebookRules, ...projectImportRules].map((r) => [r.code, 0]));
  const contexts: NotebookContext[] = [];
  let largest = { name: '', bytes: 0, parseMs: 0, contextMs: 0 };
  for (const name of files) {
    const file = path.join(CORPUS, name);
    const text = readFileSync(file, 'utf8');
    const t0 = performance.now();
    const read = parseIpynb(`/corpus/${name}`, text);
    const t1 = performance.now();
    assert.ok(read.ok, `${name}: ${read.ok ? '' : read.message}`);
    const ctx = await createNotebookContext(read.notebook);
    const t2 = performance.now();
    const bytes = statSync(file).size;
    if (bytes > largest.bytes) largest = { name, bytes, parseMs: t1 - t0, contextMs: t2 - t1 };
    contexts.push(ctx);
    for (const f of await runRules(notebookRules, ctx)) {
      perRule.set(f.code, perRule.get(f.code)! + 1);
      assert.ok(f.cell === undefined || (f.cell >= 0 && f.cell < ctx.cells.length), `${name}: ${f.code} cell ${f.cell}`);
      if (f.cell !== undefined) {
        const lines = ctx.cells[f.cell]!.lines;
        assert.ok(f.range.end.line < lines.lineCount, `${name}: ${f.code} range beyond cell ${f.cell}`);
      }
    }
  }
  // The corpus is a folder of unrelated notebooks: as one "project" that declares nothing, every third-party import is undeclared.
  const facts: NotebookProjectFacts = {
    root: '/corpus',
    requirements: [],
    declaredNames: new Set(),
    declaresDependencies: true,
    dependencyTarget: {},
    resolver: new ImportResolver(),
    dvcTracked: DvcTracking.empty(),
    config: DEFAULT_PROJECT_CONFIG,
    textOf: () => undefined,
  };
  const imports = await createProjectImportsContext(facts, { fs: new MemoryFileSystem(), notebooks: contexts });
  for (const f of await runRules(projectImportRules, imports)) perRule.set(f.code, perRule.get(f.code)! + 1);

  const cells = contexts.reduce((n, c) => n + c.cells.length, 0);
  console.log(`# corpus: ${files.length} notebooks, ${cells} code cells`);
  console.log(`# largest: ${largest.name} (${(largest.bytes / 1024).toFixed(0)} KB): parse ${largest.parseMs.toFixed(1)} ms, cell analysis ${largest.contextMs.toFixed(1)} ms`);
  for (const [code, n] of [...perRule].sort()) console.log(`# ${code} ${n}`);
  assert.ok(perRule.get('MLH207')! > 0, 'the corpus has saved tracebacks');
  assert.ok(perRule.get('MLH204')! > 0, 'the corpus has pip install cells');
});
