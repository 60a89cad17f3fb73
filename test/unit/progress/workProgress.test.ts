// The core's progress interface (issue 14 §4): a plain callback and an AbortSignal, as the server and
// the CLI use them, on in-memory workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../src/core/engine';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { scanWorkspace } from '../../../src/core/project/discovery';
import { WorkCancelledError, type WorkProgress } from '../../../src/core/progress';

const ROOT = '/ws';

function bigWorkspace(files: number): Record<string, string> {
  const tree: Record<string, string> = { 'pyproject.toml': '[project]\nname = "frames"\nversion = "0.1.0"\ndependencies = []\n' };
  for (let i = 0; i < files; i++) tree[`data/part-${Math.floor(i / 100)}/frame-${i}.csv`] = 'x\n';
  return tree;
}

test('the workspace walk reports how many files it has seen, every 500', async () => {
  const seen: WorkProgress[] = [];
  const scan = await scanWorkspace(new MemoryFileSystem(bigWorkspace(1300), ROOT), ROOT, { onProgress: (p) => seen.push(p) });
  assert.equal(scan.files.length, 1301);
  assert.ok(seen.length >= 2, JSON.stringify(seen));
  assert.ok(seen.every((p) => p.task === 'scan' && /^scanning the workspace: \d+ files$/.test(p.message)), JSON.stringify(seen));
  const counts = seen.map((p) => Number(/(\d+) files/.exec(p.message)![1]));
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
});

test('an aborted walk throws WorkCancelledError instead of returning part of the workspace', async () => {
  const controller = new AbortController();
  const walk = scanWorkspace(new MemoryFileSystem(bigWorkspace(1300), ROOT), ROOT, {
    signal: controller.signal,
    onProgress: () => controller.abort(),
  });
  await assert.rejects(walk, WorkCancelledError);
});

test('checkWorkspace reports each file checked with a growing percentage ending at 100, and stops when aborted', async () => {
  const files = {
    'pyproject.toml': '[project]\nname = "frames"\nversion = "0.1.0"\ndependencies = []\n',
    'notebooks/a.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: 'x = 1\n' }] }),
    'notebooks/b.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: 'y = 2\n' }] }),
    'dvc.yaml': 'stages:\n  prep:\n    cmd: python prep.py\n    deps:\n      - prep.py\n',
    'prep.py': 'print(1)\n',
  };
  const seen: WorkProgress[] = [];
  const engine = new Engine({ fs: new MemoryFileSystem(files, ROOT), workspaceRoot: ROOT, trusted: false });
  await engine.checkWorkspace(undefined, { onProgress: (p) => seen.push(p) });
  const checks = seen.filter((p) => p.task === 'check');
  assert.deepEqual(checks.map((p) => p.message), ['checked pyproject.toml', 'checked dvc.yaml', 'checked notebooks/a.ipynb', 'checked notebooks/b.ipynb']);
  assert.deepEqual(checks.map((p) => p.percentage), [25, 50, 75, 100]);

  const controller = new AbortController();
  const fresh = new Engine({ fs: new MemoryFileSystem(files, ROOT), workspaceRoot: ROOT, trusted: false });
  const stopped: WorkProgress[] = [];
  const run = fresh.checkWorkspace(undefined, {
    signal: controller.signal,
    onProgress: (p) => {
      stopped.push(p);
      if (p.task === 'check') controller.abort();
    },
  });
  await assert.rejects(run, WorkCancelledError);
  assert.deepEqual(stopped.filter((p) => p.task === 'check').map((p) => p.message), ['checked pyproject.toml'], 'nothing checked after the abort');
});
