/**
 * Keystrokes do work in proportion to the edit (issue 11 item 4): the notebook rules reuse what
 * they derived from unchanged cells. These tests hold that reuse to two promises:
 * - an edited notebook checked from what earlier checks kept gives exactly the findings (same
 *   order, messages, ranges and fixes) of a cold check of the same notebook, after every edit of a
 *   long seeded sequence of realistic edits;
 * - a one-cell edit derives that cell's facts and no other cell's (counted, not timed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Engine } from '../../../src/core/engine';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { parseIpynb } from '../../../src/core/notebook';
import type { NotebookCellInput, NotebookInput } from '../../../src/core/notebook/model';
import { cellFactsStats } from '../../../src/core/rules/notebooks/cellFacts';
import { forgetCellAnalyses } from '../../../src/core/rules/notebooks/context';
import { SeededRandom } from '../../../bench/lib/random';
import { FIXTURE_ROOT, NOTEBOOKS } from './helpers';

const EXPLORE = `${NOTEBOOKS}/explore.ipynb`;

/** The fixture project's notebooks, joined into one: every notebook rule has something to say about it. */
function realisticNotebook(): NotebookInput {
  const cells: NotebookCellInput[] = [];
  for (const name of ['explore.ipynb', 'train-model.ipynb', 'Untitled1.ipynb']) {
    const read = parseIpynb(`${NOTEBOOKS}/${name}`, readFileSync(`${NOTEBOOKS}/${name}`, 'utf8'));
    assert.ok(read.ok, name);
    cells.push(...read.notebook.cells);
  }
  return { path: EXPLORE, cells };
}

/** Lines a data scientist types, chosen to move every notebook rule: imports and aliases, seeds and draws, bindings, deletions, reads, magics, suppressions. */
const SNIPPETS = [
  'import numpy as np',
  'import pandas as np',
  'import random as rnd',
  'from numpy.random import seed',
  'from sklearn.model_selection import train_test_split as tts',
  'import torch',
  'np.random.seed(0)',
  'seed(42)',
  'rnd.seed(1)',
  'torch.manual_seed(3)',
  'sample = np.random.rand(3)',
  'noise = torch.randn(2)',
  'rng = np.random.default_rng()',
  'parts = tts(features, labels)',
  'model = object()',
  'scaler = None',
  'del model',
  'del scaler',
  'print(model, scaler, frame)',
  'frame = pd.read_csv("data/raw.csv")',
  'extra = pd.read_csv("../data/extra.csv")',
  'other = np.load("data/arrays.npy")',
  'with open("out/report.txt", "w") as fh: fh.write("x")',
  'path = "/Users/alice/data/churn.csv"',
  'from os.path import *',
  '%run helpers.py',
  '!pip install lightgbm',
  '%pip install -q xgboost==2.0.3',
  'api_key = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"',
  '# ml-hygiene: ignore[MLH203]',
  '# ml-hygiene: ignore-file[MLH209]',
  'def fit(x):',
  '    return x',
  'for i in range(3):',
  'print(undefined_name)',
  'import seaborn as sns; sns.set()',
];
const TYPED = ['x', ' ', '(', ')', ':', '=', '.', '"', '#', '\n', 'np', 'model'];

/** One random edit, as the editor would send it: typing, a line added or removed, cells added, removed or moved, a cell run. */
function edit(rng: SeededRandom, nb: NotebookInput): string {
  const codeCells = nb.cells.map((c, i) => ({ c, i })).filter((x) => x.c.kind === 'code');
  const target = rng.pick(codeCells);
  const cell = target.c;
  const kind = rng.int(0, 9);
  if (kind <= 2) {
    const at = rng.int(0, cell.source.length);
    const typed = rng.pick(TYPED);
    cell.source = cell.source.slice(0, at) + typed + cell.source.slice(at);
    return `type ${JSON.stringify(typed)} in cell ${target.i}`;
  }
  const lines = cell.source.split('\n');
  if (kind <= 4) {
    lines.splice(rng.int(0, lines.length), 0, rng.pick(SNIPPETS));
    cell.source = lines.join('\n');
    return `add a line to cell ${target.i}`;
  }
  if (kind === 5) {
    lines.splice(rng.int(0, lines.length - 1), 1);
    cell.source = lines.join('\n');
    return `remove a line of cell ${target.i}`;
  }
  if (kind === 6) {
    const at = rng.int(0, nb.cells.length);
    const added: NotebookCellInput = rng.chance(0.2)
      ? { kind: 'markdown', source: '## Notes' }
      : { kind: 'code', source: [rng.pick(SNIPPETS), rng.pick(SNIPPETS)].join('\n'), executionCount: rng.chance(0.5) ? rng.int(1, 40) : null };
    nb.cells.splice(at, 0, added);
    return `insert a ${added.kind} cell at ${at}`;
  }
  if (kind === 7 && codeCells.length > 3) {
    nb.cells.splice(target.i, 1);
    return `delete cell ${target.i}`;
  }
  if (kind === 8) {
    const [moved] = nb.cells.splice(target.i, 1);
    const to = rng.int(0, nb.cells.length);
    nb.cells.splice(to, 0, moved!);
    return `move cell ${target.i} to ${to}`;
  }
  cell.executionCount = rng.chance(0.3) ? null : rng.int(1, 60);
  return `run cell ${target.i} as [${cell.executionCount}]`;
}

/** The notebook as the language server builds it from sync: new cell objects each time, as on every keystroke. */
function synced(nb: NotebookInput): NotebookInput {
  return { path: nb.path, cells: nb.cells.map((c) => ({ ...c })) };
}

function engine(): Engine {
  return new Engine({ fs: new DiskFileSystem(), workspaceRoot: FIXTURE_ROOT, trusted: false });
}

test('after every edit of a seeded sequence, the check built on earlier checks equals a cold check', async () => {
  const rng = new SeededRandom(20261203);
  const nb = realisticNotebook();
  const live = engine();
  const checkedCodes = new Set<string>();
  let hiddenStateReused = 0;
  await live.checkNotebook(EXPLORE, synced(nb), true);
  for (let step = 1; step <= 250; step++) {
    const what = edit(rng, nb);
    const passes = cellFactsStats.fullPasses.MLH203 ?? 0;
    const incremental = (await live.checkNotebook(EXPLORE, synced(nb), true)).findings;
    if (cellFactsStats.fullPasses.MLH203 === passes) hiddenStateReused++;
    forgetCellAnalyses();
    const cold = (await engine().checkNotebook(EXPLORE, synced(nb), true)).findings;
    assert.equal(JSON.stringify(incremental), JSON.stringify(cold), `step ${step} (${what}): incremental and cold findings differ`);
    for (const f of cold) checkedCodes.add(f.code);
  }
  // Both ways of hidden state were taken: judging only the edited cell, and judging every cell.
  assert.ok(hiddenStateReused >= 50 && hiddenStateReused <= 200, `hidden state judged only the edited cell after ${hiddenStateReused} of 250 edits`);
  // The sequence exercised the rules that look across cells, not only the per-cell ones.
  for (const code of ['MLH201', 'MLH202', 'MLH203', 'MLH204', 'MLH205', 'MLH206', 'MLH209', 'MLH211', 'MLH213']) assert.ok(checkedCodes.has(code), `no ${code} finding in the whole sequence`);
});

test('a one-cell edit derives the facts of that cell only; a new import re-derives only the facts that depend on imports', async () => {
  const nb = realisticNotebook();
  const live = engine();
  await live.checkNotebook(EXPLORE, synced(nb), true);
  const codeCells = nb.cells.filter((c) => c.kind === 'code');
  assert.ok(codeCells.length > 10);
  const counts = () => ({ ...cellFactsStats.derived });
  const delta = (before: Record<string, number>) => {
    const after = counts();
    return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
  };

  // Typing in the middle of a cell, no import involved: one cell's facts for each kind of fact.
  const edited = codeCells[4]!;
  edited.source += '\nkeystroke_probe = 1';
  let before = counts();
  let passes = cellFactsStats.fullPasses.MLH203 ?? 0;
  await live.checkNotebook(EXPLORE, synced(nb), true);
  const oneCell = delta(before);
  assert.ok(Object.keys(oneCell).length >= 8, `facts derived: ${JSON.stringify(oneCell)}`);
  for (const [rule, n] of Object.entries(oneCell)) assert.equal(n, 1, `${rule} derived ${n} cells' facts for a one-cell edit`);
  // A new binding changes what other cells may read: hidden state judges every read again.
  assert.equal(cellFactsStats.fullPasses.MLH203, passes + 1);

  // Typing in a comment binds nothing new: hidden state judges the edited cell's reads only.
  edited.source += '\n# a comment typed in';
  passes = cellFactsStats.fullPasses.MLH203!;
  before = counts();
  await live.checkNotebook(EXPLORE, synced(nb), true);
  const commentEdit = delta(before);
  assert.deepEqual(Object.keys(commentEdit).sort(), Object.keys(oneCell).sort(), 'a comment edit derives the same facts as any one-cell edit');
  for (const [rule, n] of Object.entries(commentEdit)) assert.equal(n, 1, `${rule} derived ${n} cells' facts for a comment`);
  assert.equal(cellFactsStats.fullPasses.MLH203, passes);

  // The same notebook again: nothing to derive.
  before = counts();
  await live.checkNotebook(EXPLORE, synced(nb), true);
  assert.deepEqual(delta(before), {});

  // An import changes what `np.` means in every cell: the alias-dependent facts (MLH209, MLH211) are
  // derived again for the Python cells, everything else still for the edited cell only.
  edited.source += '\nimport numpy.random as npr';
  before = counts();
  const { ctx } = await live.checkNotebook(EXPLORE, synced(nb), true);
  const importEdit = delta(before);
  assert.deepEqual(Object.keys(importEdit).sort(), Object.keys(oneCell).sort(), 'an import edit derives every kind of fact');
  // Cells with the same text share their facts.
  const distinctSources = new Set(ctx.cells.map((c) => c.cell.source)).size;
  for (const [rule, n] of Object.entries(importEdit)) assert.equal(n, rule === 'MLH209' || rule === 'MLH211' ? distinctSources : 1, `${rule} derived ${n} cells' facts`);
  assert.equal(importEdit.MLH209, distinctSources);
  assert.equal(importEdit.MLH211, distinctSources);
});

test('edits that change only what a cell may bind unseen (%run, a star import) or a run count are judged like a cold check', async () => {
  const cell = (source: string, executionCount: number | null): NotebookCellInput => ({ kind: 'code', source, executionCount });
  const nb: NotebookInput = {
    path: EXPLORE,
    cells: [cell('import pandas as pd', 1), cell('print(model)\nprint(scaler)', 2), cell('del frame', 3), cell('frame.head()', 4), cell('model = object()', 5)],
  };
  const live = engine();
  const steps: Array<[string, () => void]> = [
    ['a %run above the reads hides "defined later"', () => (nb.cells[0]!.source += '\n%run helpers.py')],
    ['a comment in the reading cell', () => (nb.cells[1]!.source += '  # typed')],
    ['the %run goes away', () => (nb.cells[0]!.source = 'import pandas as pd')],
    ['a star import in the last cell silences "no cell defines"', () => (nb.cells[4]!.source += '\nfrom os.path import *')],
    ['the deleting cell runs again, later', () => (nb.cells[2]!.executionCount = 9)],
    ['nothing has run any more', () => nb.cells.forEach((c) => (c.executionCount = null))],
  ];
  await live.checkNotebook(EXPLORE, synced(nb), true);
  let seen = 0;
  for (const [what, change] of steps) {
    change();
    const incremental = (await live.checkNotebook(EXPLORE, synced(nb), true)).findings;
    forgetCellAnalyses();
    const cold = (await engine().checkNotebook(EXPLORE, synced(nb), true)).findings;
    assert.equal(JSON.stringify(incremental), JSON.stringify(cold), what);
    seen += cold.filter((f) => f.code === 'MLH203').length;
  }
  assert.ok(seen > 0);
});
