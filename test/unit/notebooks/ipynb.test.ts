import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellLineToFileLine, clearCellOutputsEdit, clearCellOutputsText, codeCells, isPythonNotebook, MAX_OUTPUT_TEXT, parseIpynb } from '../../../src/core/notebook';
import { createNotebookContext, notebookRules } from '../../../src/core/rules/notebooks';
import { LineIndex } from '../../../src/core/text/lineIndex';
import { runRules, where } from './helpers';

function nb4(cells: unknown[], metadata: unknown = { kernelspec: { language: 'python', name: 'python3' } }): string {
  return JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 2 }, null, 1);
}

test('nbformat 4: list and string sources, missing source and id, counts and outputs', () => {
  const text = nb4([
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import os\n', 'x = 1'] },
    { cell_type: 'markdown', metadata: {}, source: '# Title\nmore' },
    { cell_type: 'code', execution_count: null, metadata: {}, outputs: [] }, // no source, no id (nbformat < 4.5)
    { cell_type: 'code', metadata: {}, source: 'y = 2\nz = 3\n' }, // no execution_count, no outputs
  ]);
  const r = parseIpynb('/p/a.ipynb', text);
  assert.ok(r.ok);
  const { cells } = r.notebook;
  assert.deepEqual(
    cells.map((c) => [c.kind, c.source, c.executionCount ?? null]),
    [
      ['code', 'import os\nx = 1', 1],
      ['markdown', '# Title\nmore', null],
      ['code', '', null],
      ['code', 'y = 2\nz = 3\n', null],
    ],
  );
  assert.deepEqual(codeCells(r.notebook).map((c) => [c.codeIndex, c.cellIndex]), [[0, 0], [1, 2], [2, 3]]);
  assert.equal(r.notebook.kernelLanguage, 'python');
  assert.equal(r.notebook.nbformat, 4);
});

test('outputs: types, error name/value, stream and text/plain text, sizes from the file', () => {
  const outputs = [
    { output_type: 'stream', name: 'stdout', text: ['a\n', 'b\n'] },
    { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': ['42'] }, metadata: {} },
    { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} },
    { output_type: 'error', ename: 'KeyError', evalue: "'x'", traceback: ['\u001b[0;31mKeyError\u001b[0m: x'] },
    { output_type: 'update_display_data', data: {}, metadata: {} },
  ];
  const text = nb4([{ cell_type: 'code', execution_count: 1, metadata: {}, outputs, source: [] }]);
  const r = parseIpynb('/p/a.ipynb', text);
  assert.ok(r.ok);
  const out = r.notebook.cells[0]!.outputs!;
  assert.deepEqual(out.map((o) => o.type), ['stream', 'execute_result', 'display_data', 'error', 'other']);
  assert.equal(out[0]!.text, 'a\nb\n');
  assert.equal(out[1]!.text, '42');
  assert.equal(out[2]!.text, undefined);
  assert.equal(out[3]!.ename, 'KeyError');
  assert.equal(out[3]!.evalue, "'x'");
  assert.equal(out[3]!.text, 'KeyError: x'); // ANSI colours stripped
  // byteSize is the output's JSON text in the file.
  const outputsText = JSON.stringify(outputs[2], null, 1);
  assert.ok(Math.abs(out[2]!.byteSize - outputsText.replace(/\n/g, '\n      ').length) < 40, `byteSize ${out[2]!.byteSize}`);
  assert.ok(out.every((o) => o.byteSize > 0));
});

test('nbformat 3: worksheets, `input`, prompt_number, pyout/pyerr and the cell language', () => {
  const text = JSON.stringify({
    metadata: { name: 'old' },
    nbformat: 3,
    nbformat_minor: 0,
    worksheets: [
      {
        cells: [
          { cell_type: 'heading', level: 1, metadata: {}, source: ['Old notebook'] },
          { cell_type: 'code', collapsed: false, input: ['import numpy as np\n', 'np.arange(3)'], language: 'python', metadata: {}, outputs: [{ metadata: {}, output_type: 'pyout', prompt_number: 2, text: ['array([0, 1, 2])'] }], prompt_number: 2 },
          { cell_type: 'code', input: 'undefined_name', language: 'python', metadata: {}, outputs: [{ ename: 'NameError', evalue: "name 'undefined_name' is not defined", output_type: 'pyerr', traceback: [] }], prompt_number: 1 },
        ],
        metadata: {},
      },
    ],
  });
  const r = parseIpynb('/p/old.ipynb', text);
  assert.ok(r.ok);
  const nb = r.notebook;
  assert.equal(nb.nbformat, 3);
  assert.equal(nb.kernelLanguage, 'python');
  assert.deepEqual(nb.cells.map((c) => c.kind), ['markdown', 'code', 'code']);
  assert.equal(nb.cells[1]!.source, 'import numpy as np\nnp.arange(3)');
  assert.equal(nb.cells[1]!.executionCount, 2);
  assert.deepEqual(nb.cells[1]!.outputs!.map((o) => [o.type, o.text]), [['execute_result', 'array([0, 1, 2])']]);
  assert.equal(nb.cells[2]!.outputs![0]!.type, 'error');
  assert.equal(nb.cells[2]!.outputs![0]!.ename, 'NameError');
});

test('nbformat 3 notebooks run through the rules (out of order, error output)', async () => {
  const text = JSON.stringify({
    metadata: {},
    nbformat: 3,
    worksheets: [{ cells: [
      { cell_type: 'code', input: 'a = 1', language: 'python', outputs: [], prompt_number: 2 },
      { cell_type: 'code', input: 'b = a', language: 'python', outputs: [{ output_type: 'pyerr', ename: 'E', evalue: 'v', traceback: [] }], prompt_number: 1 },
    ] }],
  });
  const r = parseIpynb('/p/old.ipynb', text);
  assert.ok(r.ok);
  const findings = await runRules(notebookRules, await createNotebookContext(r.notebook));
  assert.deepEqual(findings.map(where), ['MLH201 1 0:0-5', 'MLH207 1 0:0-5']);
});

test('invalid input never throws and says where', () => {
  const cases: Array<[string, RegExp, number | undefined]> = [
    ['', /empty/, 0],
    ['{"cells": [', /not valid JSON: .*line 1, column 12/, 11],
    ['{\n "cells": [1,,2]\n}', /not valid JSON: value expected at line 2, column 14/, 15],
    ['[1, 2]', /not a JSON object/, 0],
    ['{"metadata": {}}', /no `cells`/, 0],
    ['{"cells": [] /* comment */}', /comments are not allowed/, undefined],
    ['\u0000\u0001binary', /not valid JSON/, undefined],
  ];
  for (const [text, message, offset] of cases) {
    const r = parseIpynb('/p/x.ipynb', text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.message, message, text);
    if (offset !== undefined) assert.equal(r.offset, offset, text);
  }
});

test('odd but valid shapes: non-object cells, non-string source parts, unknown cell types', () => {
  const text = JSON.stringify({ cells: [42, null, { cell_type: 'code', source: ['a = 1\n', 7, 'b = 2'], outputs: 'nope' }, { cell_type: 'widget' }], nbformat: 4 });
  const r = parseIpynb('/p/x.ipynb', text);
  assert.ok(r.ok);
  assert.deepEqual(r.notebook.cells.map((c) => [c.kind, c.source]), [['code', 'a = 1\nb = 2'], ['raw', '']]);
  assert.deepEqual(r.notebook.cells[0]!.outputs, []);
});

test('kernel language: R, Julia and unrecorded languages', () => {
  const lang = (metadata: unknown) => {
    const r = parseIpynb('/p/x.ipynb', nb4([], metadata));
    assert.ok(r.ok);
    return [r.notebook.kernelLanguage, isPythonNotebook(r.notebook)];
  };
  assert.deepEqual(lang({ kernelspec: { language: 'R', name: 'ir' } }), ['R', false]);
  assert.deepEqual(lang({ language_info: { name: 'julia' } }), ['julia', false]);
  assert.deepEqual(lang({ kernelspec: { language: 'python', name: 'python3' } }), ['python', true]);
  assert.deepEqual(lang({}), [undefined, true]);
});

test('50 MB of base64 images in outputs: parsed quickly, sized from offsets, text kept small, rules run', async () => {
  const chunk = 'iVBORw0KGgoAAAANSUhEUgAAA'.repeat(4);
  const image = chunk.repeat(Math.ceil((10 * 1024 * 1024) / chunk.length)); // 10 MB per image
  const cells = Array.from({ length: 5 }, (_, i) => ({
    cell_type: 'code',
    execution_count: i + 1,
    metadata: {},
    outputs: [
      { output_type: 'display_data', data: { 'image/png': image, 'text/plain': ['<Figure>'] }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: ['x'.repeat(200_000)] },
    ],
    source: [`plot(${i})`],
  }));
  const text = nb4(cells);
  assert.ok(text.length > 50 * 1024 * 1024);
  const t0 = performance.now();
  const r = parseIpynb('/p/big.ipynb', text);
  const ms = performance.now() - t0;
  assert.ok(r.ok);
  const outs = r.notebook.cells.flatMap((c) => c.outputs ?? []);
  assert.ok(outs.filter((o) => o.type === 'display_data').every((o) => o.byteSize > image.length && o.text === '<Figure>'));
  assert.ok(outs.filter((o) => o.type === 'stream').every((o) => o.text!.length === MAX_OUTPUT_TEXT));
  const findings = await runRules(notebookRules, await createNotebookContext(r.notebook));
  assert.deepEqual(findings.filter((f) => f.code === 'MLH208').map((f) => f.cell), [0, 1, 2, 3, 4]);
  assert.match(findings.find((f) => f.code === 'MLH208')!.message, /10\.\d MB/);
  console.log(`# 50 MB notebook parsed in ${ms.toFixed(0)} ms`);
});

test('cellLineToFileLine maps each source line to its JSON string line (nbformat 4 layout)', () => {
  const text = nb4([
    { cell_type: 'markdown', metadata: {}, source: ['# t'] },
    { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['a = 1\n', 'b = 2\n', '\n', 'c = 3'] },
    { cell_type: 'code', execution_count: 2, metadata: {}, outputs: [], source: 'x = 1\ny = 2' },
    { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [], source: ['two\nlines\n', 'third'] },
    { cell_type: 'code', execution_count: 4, metadata: {}, outputs: [], source: ['ends with newline\n'] },
  ]);
  const r = parseIpynb('/p/a.ipynb', text);
  assert.ok(r.ok);
  const fileLines = text.split('\n');
  const li = new LineIndex(text);
  const [c0, c1, c2, c3] = codeCells(r.notebook).map((c) => c.cell);
  for (const [line, expected] of [[0, '"a = 1\\n"'], [1, '"b = 2\\n"'], [2, '"\\n"'], [3, '"c = 3"']] as const) {
    assert.equal(fileLines[cellLineToFileLine(li, c0!, line)!]!.trim().replace(/,$/, ''), expected);
  }
  // A source saved as one string: every line maps to that string's line.
  assert.equal(cellLineToFileLine(li, c1!, 0), cellLineToFileLine(li, c1!, 1));
  assert.match(fileLines[cellLineToFileLine(text, c1!, 1)!]!, /"source": "x = 1\\ny = 2"/);
  // One JSON string holding two lines, then another.
  assert.deepEqual([0, 1, 2].map((l) => fileLines[cellLineToFileLine(li, c2!, l)!]!.trim()), ['"two\\nlines\\n",', '"two\\nlines\\n",', '"third"']);
  // Trailing newline: the empty last line maps to the last string; beyond the end clamps.
  assert.equal(c3!.sourceLineOffsets!.length, 2);
  assert.equal(cellLineToFileLine(li, c3!, 9), cellLineToFileLine(li, c3!, 0));
  assert.equal(cellLineToFileLine(li, { kind: 'code', source: 'x' }, 0), undefined);
});

test('clearing one cell\'s outputs changes only its outputs array, byte for byte', () => {
  const raw = `{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# t"]},
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {"tags": ["keep"]},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": ["hello\\n"]
    }
   ],
   "source": ["print('hello')"]
  },
  {"cell_type": "code", "execution_count": 4, "metadata": {}, "outputs": [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": []}], "source": ["raise E"]}
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
`;
  const first = clearCellOutputsText(raw, 0)!;
  assert.equal(first, raw.replace(/"outputs": \[\n {4}\{[\s\S]*?\n {3}\]/, '"outputs": []'));
  assert.ok(first.includes('"execution_count": 3'));
  const second = clearCellOutputsText(raw, 1)!;
  assert.equal(second, raw.replace('"outputs": [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": []}]', '"outputs": []'));
  const edit = clearCellOutputsEdit(raw, 1);
  assert.ok(edit.ok);
  assert.equal(edit.edit.range.start.line, 16);
  assert.deepEqual(clearCellOutputsEdit(raw, 2), { ok: false, message: 'The notebook has no code cell 3.' });
  assert.equal(clearCellOutputsEdit('{"cells": [', 0).ok, false);
  assert.equal(clearCellOutputsText('{"cells": [', 0), undefined);
});
