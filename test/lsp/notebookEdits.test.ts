/**
 * The language server keeps what it derived from unchanged cells and publishes only cells whose
 * diagnostics changed (issue 11 item 4). Over a seeded sequence of edits sent through notebook sync
 * (typing, lines added and removed, cells inserted and deleted, cells run), what the client ends up
 * showing for every cell must be what a cold check of the same notebook says.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/core/engine';
import { DiskFileSystem } from '../../src/core/fs/diskFileSystem';
import { normalizePath } from '../../src/core/fs/paths';
import { LineIndex } from '../../src/core/text/lineIndex';
import { toDiagnostic } from '../../src/server/convert';
import { SeededRandom } from '../../bench/lib/random';
import { LspClient, fileUri } from './lspClient';
import { forgetCellAnalyses } from '../../src/core/rules/notebooks/context';

let dir: string;
let client: LspClient;

interface Cell {
  uri: string;
  text: string;
  order: number | null;
}

const START = [
  'import pandas as pd\nimport numpy as np',
  'frame = pd.read_csv("data/churn.csv")\nprint(model)',
  'model = object()\nsample = np.random.rand(3)',
  'np.random.seed(0)\ndel frame',
  'frame.describe()',
  '!pip install lightgbm',
  'path = "/Users/alice/churn.csv"',
  'from os.path import *\nresult = join("a", "b")',
];
const LINES = ['import random as np', 'import numpy as np', 'model = None', 'del model', 'print(scaler)', 'scaler = 1', 'x = np.random.randn(2)', 'np.random.seed(1)', '%run helpers.py', 'other = pd.read_csv("data/other.csv")', '# ml-hygiene: ignore[MLH203]', 'for i in range(2):'];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlh-lsp-nb-edits-'));
  writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "churn"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n');
  writeFileSync(path.join(dir, 'analysis.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
  client = await LspClient.start(dir);
});

after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The diagnostics a cold check gives each cell of `cells`, as the server converts them. */
async function coldDiagnostics(notebookPath: string, cells: Cell[]): Promise<Map<string, unknown[]>> {
  // Truly cold: the analyses, per-cell facts and rule memos this process kept from the last comparison
  // are dropped, so the reference never reuses the incremental code the server runs.
  forgetCellAnalyses();
  const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: normalizePath(dir), trusted: false });
  const input = { path: notebookPath, cells: cells.map((c) => ({ kind: 'code' as const, source: c.text, executionCount: c.order })) };
  const { findings } = await engine.checkNotebook(notebookPath, input, true);
  const byCell = new Map<string, unknown[]>(cells.map((c) => [c.uri, []]));
  for (const f of findings) byCell.get(cells[f.cell ?? 0]!.uri)!.push(toDiagnostic(f));
  return byCell;
}

test('after seeded edits through notebook sync, every cell shows what a cold check of the notebook says', async () => {
  const notebookPath = normalizePath(path.join(dir, 'analysis.ipynb'));
  const nbUri = fileUri(notebookPath);
  let nextCell = 0;
  const newUri = () => `vscode-notebook-cell:${notebookPath}#e${nextCell++}`;
  const cells: Cell[] = START.map((text, i) => ({ uri: newUri(), text, order: i + 1 }));
  const summary = (c: Cell) => (c.order === null ? {} : { executionSummary: { executionOrder: c.order, success: true } });
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: { uri: nbUri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map((c) => ({ kind: 2, document: c.uri, ...summary(c) })) },
    cellTextDocuments: cells.map((c) => ({ uri: c.uri, languageId: 'python', version: 1, text: c.text })),
  });

  const rng = new SeededRandom(11);
  let version = 1;
  const versions = new Map<string, number>();
  // Cells whose diagnostics changed between two checkpoints although their own text did not: the
  // edits of other cells changed them, which only a server that re-publishes such cells shows.
  let changedByOtherCells = 0;
  let last = new Map<string, { text: string; diagnostics: string }>();
  const shows = async (when: string) => {
    const expected = await coldDiagnostics(notebookPath, cells);
    const seen = () => JSON.stringify(cells.map((c) => client.diagnostics.get(c.uri) ?? []));
    const wanted = JSON.stringify(cells.map((c) => expected.get(c.uri)));
    // The server checks after a short debounce: wait until it has caught up with the last edit.
    await client.waitFor(() => seen() === wanted || undefined, 15_000).catch(() => assert.equal(seen(), wanted, when));
    const now = new Map(cells.map((c) => [c.uri, { text: c.text, diagnostics: JSON.stringify(expected.get(c.uri)) }]));
    for (const [uri, state] of now) {
      const before = last.get(uri);
      if (before && before.text === state.text && before.diagnostics !== state.diagnostics) changedByOtherCells++;
    }
    last = now;
  };
  await shows('after opening');

  for (let step = 1; step <= 60; step++) {
    version++;
    const kind = rng.int(0, 19);
    if (kind <= 11) {
      // Typing or a pasted line somewhere in a cell; sometimes a deletion.
      const cell = rng.pick(cells);
      const lines = new LineIndex(cell.text);
      const at = rng.int(0, cell.text.length);
      const remove = kind === 11 ? Math.min(rng.int(1, 12), cell.text.length - at) : 0;
      const text = kind === 11 ? '' : kind <= 3 ? rng.pick(['x', ' ', '(', '.', '#', '\n']) : `\n${rng.pick(LINES)}`;
      const range = { start: lines.positionAt(at), end: lines.positionAt(at + remove) };
      cell.text = cell.text.slice(0, at) + text + cell.text.slice(at + remove);
      const v = (versions.get(cell.uri) ?? 1) + 1;
      versions.set(cell.uri, v);
      await client.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: nbUri, version },
        change: { cells: { textContent: [{ document: { uri: cell.uri, version: v }, changes: [{ range, text }] }] } },
      });
    } else if (kind <= 14) {
      // A cell inserted (with a line a user would write) or one deleted.
      const insert = kind <= 13 || cells.length < 6;
      const start = rng.int(0, insert ? cells.length : cells.length - 1);
      const added: Cell[] = insert ? [{ uri: newUri(), text: rng.pick(LINES), order: null }] : [];
      const removed = insert ? [] : cells.splice(start, 1);
      if (insert) cells.splice(start, 0, ...added);
      await client.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: nbUri, version },
        change: {
          cells: {
            structure: {
              array: { start, deleteCount: removed.length, cells: added.map((c) => ({ kind: 2, document: c.uri })) },
              didOpen: added.map((c) => ({ uri: c.uri, languageId: 'python', version: 1, text: c.text })),
              didClose: removed.map((c) => ({ uri: c.uri })),
            },
          },
        },
      });
    } else {
      // A cell run: it gets the next execution count.
      const cell = rng.pick(cells);
      cell.order = Math.max(0, ...cells.map((c) => c.order ?? 0)) + 1;
      await client.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: nbUri, version },
        change: { cells: { data: [{ kind: 2, document: cell.uri, ...summary(cell) }] } },
      });
    }
    if (step % 5 === 0) await shows(`after edit ${step}`);
  }
  assert.ok(changedByOtherCells >= 3, `only ${changedByOtherCells} cells changed through other cells' edits`);
});
