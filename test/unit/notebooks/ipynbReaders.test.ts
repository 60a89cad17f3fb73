import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseIpynb, parseIpynbFast, parseIpynbTree } from '../../../src/core/notebook/ipynb';
import { ipynbLayout } from '../../../src/core/notebook/ipynbLayout';

// parseIpynb reads valid nbformat 4 files with JSON.parse plus a layout pass and hands everything else
// to the jsonc-parser tree reader. Both must give the same answer for every input, to the offset.

let fastAnswers = 0;

/** parseIpynb and, when it answers, the fast reader alone give the tree reader's result. */
function same(text: string, label = text.slice(0, 200)): ReturnType<typeof parseIpynb> {
  const tree = parseIpynbTree('/p/a.ipynb', text);
  const fast = parseIpynbFast('/p/a.ipynb', text);
  if (fast) {
    fastAnswers++;
    assert.deepStrictEqual(fast, tree, label);
  }
  assert.deepStrictEqual(parseIpynb('/p/a.ipynb', text), tree, label);
  return tree;
}

function fastAnswered(run: () => void): number {
  const before = fastAnswers;
  run();
  return fastAnswers - before;
}

const CELLS = [
  { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import os\n', 'x = 1'] },
  { cell_type: 'markdown', metadata: {}, source: '# Title\nmore' },
  { cell_type: 'code', execution_count: null, metadata: {}, outputs: [] },
  { cell_type: 'code', metadata: {}, source: 'y = 2\r\nz = 3\r' },
  { cell_type: 'code', prompt_number: 7, source: ['a\r', '\r\n', '', 'b\\"\n', 5, 'c "q" \\\\'], outputs: [{ output_type: 'stream', text: ['o\n', 'p'] }] },
  { cell_type: 'code', execution_count: null, prompt_number: 3, source: null, outputs: 'none' },
  {
    cell_type: 'code',
    execution_count: 2,
    source: ['print(1)'],
    outputs: [
      { output_type: 'execute_result', data: { 'text/plain': null, 'image/png': 'iVBO' + 'A'.repeat(5000) }, metadata: {} },
      { output_type: 'display_data', text: 'v3 style', data: [] },
      { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['\u001b[31mE\u001b[0m', 1, 'x'] },
      { output_type: 'pyerr', traceback: 'tb' },
      { output_type: 'toString' },
      'not an object',
      42,
      { output_type: 'stream', text: 'x'.repeat(70 * 1024) },
    ],
  },
  'not a cell',
  null,
  { cell_type: 'raw', source: [] },
  { cell_type: 'heading', level: 1, source: ['# h'] },
  { cell_type: 'unknown', source: ['é ☃ 😀 \u2028 \\u0041'] },
];

function nb4(cells: unknown, extra: Record<string, unknown> = {}, indent: number | string = 1): string {
  return JSON.stringify({ cells, metadata: { kernelspec: { language: 'python' }, language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5, ...extra }, null, indent);
}

test('fast and tree readers agree on cells, sources, line offsets, counts and outputs, whatever the layout', () => {
  const answered = fastAnswered(() => {
    for (const indent of [0, 1, 2, '\t']) {
      const r = same(nb4(CELLS, {}, indent));
      assert.ok(r.ok);
      assert.equal(r.notebook.cells.length, CELLS.length - 2);
    }
    // JSON whitespace anywhere, \r\n line ends, escaped quotes and backslashes right before a closing quote.
    same('\r\n {\t"cells" :\r\n[ { "cell_type" :"code" , "source":[ "a\\\\" ,"b\\\\\\"\\n" ] ,"outputs" : [ { } ] } ] , "nbformat":4.0e0 }\n\t');
    same(nb4([], { metadata: { kernelspec: null, language_info: { name: 'R' } } }));
    same(nb4([], { metadata: 'none', nbformat: '4' }));
    same(nb4([{ cell_type: 'code', source: 'x', execution_count: -0, outputs: [{ output_type: 'stream', text: [] }] }]));
  });
  assert.equal(answered, 8, 'every one of these is the fast reader\'s');
});

test('inputs the fast reader declines are the tree reader\'s, with the same result', () => {
  const cases = [
    // Repeated keys: JSON.parse keeps the last, the tree reader the first.
    '{"cells": [], "cells": [{"cell_type": "code", "source": "x"}], "nbformat": 4}',
    '{"cells": [{"cell_type": "code", "source": "a", "source": "b"}]}',
    '{"cells": [{"cell_type": "code", "source": "a", "outputs": [{"output_type": "stream", "text": "1", "text": "2"}]}]}',
    '{"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/plain": "1", "text/plain": "2"}}]}]}',
    '{"metadata": {"kernelspec": {"language": "python", "language": "R"}}, "cells": []}',
    '{"metadata": {"language_info": {"name": "R"}, "language_info": {"name": "python"}}, "cells": []}',
    // An escaped key may spell a repeated one.
    '{"cells": [{"cell_type": "code", "source": "a", "sourc\\u0065": "b"}]}',
    // nbformat 3, not a notebook, not an object.
    JSON.stringify({ nbformat: 3, worksheets: [{ cells: [{ cell_type: 'code', language: 'python', input: ['x = 1\n'], prompt_number: 1, outputs: [{ output_type: 'pyout', text: ['1'] }] }] }] }),
    '{"cells": {}, "worksheets": []}',
    '{"nbformat": 4}',
    '[1, 2]',
    '  "text"',
    '42',
    // Not JSON: the tree reader's message and position.
    '',
    '   \n',
    '{"cells": [,]}',
    '{"cells": [], }',
    '{"cells": [] // comment\n}',
    '\uFEFF{"cells": []}',
    '{"cells": ["a\u0001b"]}',
    '{"cells": [01]}',
    '{"cells": [1.]}',
    '{"cells": ["\\x"]}',
    '{"cells": [tru]}',
    '{"cells": []}\u00a0',
    '{"cells": []} {}',
    '{"cells": [\n  {"source": "unterminated\n}]}',
  ];
  assert.equal(fastAnswered(() => cases.forEach((text) => same(text, JSON.stringify(text)))), 0);
});

test('deep nesting goes to the tree reader', () => {
  for (const depth of [10, 250, 300, 1000]) {
    const answered = fastAnswered(() => same(`{"cells": [], "metadata": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}`, `depth ${depth}`));
    assert.equal(answered, depth < 256 ? 1 : 0);
    same(`{"cells": [{"cell_type": "code", "source": "x", "outputs": [{"data": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}]}`, `output depth ${depth}`);
  }
  // Deeper still, the recursive tree reader may or may not run out of stack depending on how far its
  // code is optimised, so two runs of it need not agree; what matters is that the fast reader declines
  // (JSON.parse would read it) and that nothing throws.
  const deep = `{"cells": [], "metadata": {"x": ${'['.repeat(5000)}${']'.repeat(5000)}}}`;
  assert.equal(parseIpynbFast('/p/a.ipynb', deep), undefined);
  assert.doesNotThrow(() => parseIpynb('/p/a.ipynb', deep));
  assert.equal(ipynbLayout(`{"cells": [], "m": ${'['.repeat(300)}${']'.repeat(300)}}`), undefined);
  assert.ok(ipynbLayout(`{"cells": [], "m": ${'['.repeat(100)}${']'.repeat(100)}}`));
});

test('the layout finds the offsets of sources, source lines and outputs', () => {
  const text = '{"cells": [ 1, {"source": ["a\\"\\\\", "b"], "outputs": [{"x": "]}"}, [] ]}, {"source": "s"} ]}';
  const layout = ipynbLayout(text);
  assert.ok(layout);
  assert.equal(layout.cells.length, 3);
  assert.equal(layout.cells[0], undefined);
  const cell = layout.cells[1]!;
  assert.equal(text.slice(cell.sourceStart!, cell.sourceStart! + 2), '["');
  assert.deepEqual(cell.sourceElements!.map((o) => text[o + 1]), ['a', 'b']);
  const spans = cell.outputSpans!;
  assert.deepEqual([text.slice(spans[0], spans[1]), text.slice(spans[2], spans[3])], ['{"x": "]}"}', '[]']);
  assert.equal(text.slice(layout.cells[2]!.sourceStart!, layout.cells[2]!.sourceStart! + 3), '"s"');
});

test('fast and tree readers agree on every fixture and corpus notebook, and on mutations of them', () => {
  const roots = [path.resolve(__dirname, '../../fixtures'), path.resolve(__dirname, '../../../examples'), path.resolve(__dirname, '../../../../shared/corpus/notebooks')];
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ipynb')) files.push(p);
    }
  };
  roots.forEach(walk);
  assert.ok(files.length > 0);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  let valid = 0;
  const answered = fastAnswered(() => {
    for (let i = 0; i < texts.length; i++) if (same(texts[i]!, files[i]).ok) valid++;
  });
  assert.ok(valid > 0);
  assert.ok(answered >= valid - 2, `the fast reader answered ${answered} of ${valid} valid notebooks`); // nbformat 3 ones are the tree reader's

  // Deterministic mutations: deleted characters and inserted JSON fragments, mostly at line starts.
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const small = texts.filter((t) => t.length < 20_000);
  const fragments = ['"', '\\', ',', '}', ']', '{', '[', 'null', '"source": null,', '"cells": [],', '"outputs": 5,', '"source": "a\\nb",', '\u0001', '"cell_type": "code",', '"execution_count": null,', '"\\u0073ource": [],', '1e5', '"data": {"text/plain": null},', '"output_type": "error",', '"source": ["x\\r\\n", "y"],'];
  let stillValid = 0;
  const before = fastAnswers;
  for (let i = 0; i < 3000; i++) {
    let m = small[Math.floor(rnd() * small.length)]!;
    for (let j = Math.floor(rnd() * 3); j >= 0; j--) {
      const at = Math.floor(rnd() * m.length);
      const r = rnd();
      const fragment = fragments[Math.floor(rnd() * fragments.length)]!;
      if (r < 0.3) m = m.slice(0, at) + m.slice(at + 1 + Math.floor(rnd() * 5));
      else if (r < 0.8) {
        const lineStart = m.indexOf('\n', at) + 1 || at;
        m = m.slice(0, lineStart) + fragment + m.slice(lineStart);
      } else m = m.slice(0, at) + fragment + m.slice(at);
    }
    if (same(m).ok) stillValid++;
  }
  // Enough mutants stay valid JSON notebooks for the fast reader's own results to be compared.
  assert.ok(stillValid > 100 && fastAnswers - before > 100, `only ${stillValid} valid mutants, ${fastAnswers - before} read by the fast reader`);
});
