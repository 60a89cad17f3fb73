import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the README starts with the two commands: install and run the main job on examples/, and the tests', () => {
  const firstBlock = /```bash\n([\s\S]*?)```/.exec(README)![1]!;
  const commands = firstBlock.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  assert.equal(commands.length, 2, firstBlock);
  assert.match(commands[0]!, /^npm ci && npm run build && node dist\/cli\.js check .*examples\/churn-model$/);
  assert.equal(commands[1], 'npm test');
  // .ci/run must call the README's test command.
  assert.match(readFileSync(path.join(ROOT, '.ci/run'), 'utf8'), /\bnpm test\b/);
});

test('every screenshot the README shows was produced by the real-VS-Code harness and is committed', () => {
  const images = [...README.matchAll(/!\[[^\]]*\]\((docs\/images\/[^)]+\.png)\)/g)].map((m) => m[1]!);
  for (const expected of ['docs/images/pyproject-diagnostics.png', 'docs/images/readiness-report.png', 'docs/images/pipeline-tree.png', 'docs/images/pyproject-toml-highlighting.png']) {
    assert.ok(images.includes(expected), `README shows ${expected}`);
  }
  for (const image of images) {
    const file = path.join(ROOT, image);
    assert.ok(existsSync(file) && statSync(file).size > 10_000, `${image} exists and is a real screenshot`);
    // PNG signature: the harness writes real PNGs (page.screenshot), not placeholders.
    assert.deepEqual([...readFileSync(file).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], image);
  }
  // The harness is what writes them (see MLH_UPDATE_SCREENSHOTS in test/vscode/run.mjs).
  const harness = readFileSync(path.join(ROOT, 'test/vscode/run.mjs'), 'utf8');
  for (const image of images) assert.ok(harness.includes(`screenshot: '${image}'`), `${image} is a screenshot target of a run in test/vscode/run.mjs`);
});
