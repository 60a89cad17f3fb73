import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cellSourceEdit, locateCells, splitSourceLines } from '../../../src/core/extract/ipynbText';
import { planExtraction } from '../../../src/core/extract/plan';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

/** A notebook as Jupyter saves it: sorted keys, indent 1, outputs with non-ASCII text and an image. */
const NOTEBOOK = `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "m1",
   "metadata": {},
   "source": [
    "# Café numbers"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "c1",
   "metadata": {"tags": ["setup"]},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "prix: 3€\\n"
     ]
    }
   ],
   "source": [
    "prices = [3, 4]\\n",
    "print(\\"prix: 3€\\")"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 4,
   "id": "c2",
   "metadata": {},
   "outputs": [
    {
     "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="},
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "total = sum(prices)\\n",
    "mean = total / len(prices)"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 5,
   "id": "c3",
   "metadata": {},
   "outputs": [],
   "source": "print(total, mean)"
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
`;

describe('locating cells in the .ipynb text', () => {
  test('reads kinds and sources, list or string', () => {
    const located = locateCells(NOTEBOOK);
    assert.ok(located.ok);
    assert.deepEqual(
      located.cells.map((c) => [c.kind, c.source]),
      [
        ['markdown', '# Café numbers'],
        ['code', 'prices = [3, 4]\nprint("prix: 3€")'],
        ['code', 'total = sum(prices)\nmean = total / len(prices)'],
        ['code', 'print(total, mean)'],
      ],
    );
  });

  test('nbformat 3 and invalid JSON are refused with a reason', () => {
    const v3 = locateCells('{"worksheets": [{"cells": []}], "nbformat": 3}');
    assert.ok(!v3.ok && /nbformat 3/.test(v3.reason));
    const broken = locateCells('{"cells": [');
    assert.ok(!broken.ok && /not valid JSON/.test(broken.reason));
  });

  test('splits lines like nbformat: each keeps its newline, the last has none', () => {
    assert.deepEqual(splitSourceLines('a\nb\n\nc'), ['a\n', 'b\n', '\n', 'c']);
    assert.deepEqual(splitSourceLines('a\n'), ['a\n']);
    assert.deepEqual(splitSourceLines(''), []);
  });
});

describe('the cell edit preserves every other byte', () => {
  /** Text before and after the edited range must be identical to the original. */
  function assertOnlyRangeChanged(before: string, after: string, start: number, end: number): void {
    assert.equal(after.slice(0, start), before.slice(0, start), 'bytes before the source changed');
    const tail = before.length - end;
    assert.equal(after.slice(after.length - tail), before.slice(end), 'bytes after the source changed');
  }

  test('a list source is rewritten in Jupyter layout; outputs, ids, metadata and the image stay', () => {
    const located = locateCells(NOTEBOOK);
    assert.ok(located.ok);
    const cell = located.cells[2]!;
    const edit = cellSourceEdit(NOTEBOOK, cell, 'from pkg.mod import f\ntotal, mean = f(prices)')!;
    const after = applyTextEdits(NOTEBOOK, [edit]);
    assertOnlyRangeChanged(NOTEBOOK, after, cell.sourceNode!.offset, cell.sourceNode!.offset + cell.sourceNode!.length);
    assert.ok(after.includes('   "source": [\n    "from pkg.mod import f\\n",\n    "total, mean = f(prices)"\n   ]\n'), after);
    const parsed = JSON.parse(after) as { cells: { source: string[] | string }[] };
    assert.deepEqual(parsed.cells[2]!.source, ['from pkg.mod import f\n', 'total, mean = f(prices)']);
  });

  test('a string source stays a string', () => {
    const located = locateCells(NOTEBOOK);
    assert.ok(located.ok);
    const cell = located.cells[3]!;
    const after = applyTextEdits(NOTEBOOK, [cellSourceEdit(NOTEBOOK, cell, 'from m import g\ng(total, mean)')!]);
    assert.ok(after.includes('"source": "from m import g\\ng(total, mean)"\n'));
    assertOnlyRangeChanged(NOTEBOOK, after, cell.sourceNode!.offset, cell.sourceNode!.offset + cell.sourceNode!.length);
  });

  test('CRLF files keep CRLF between the new source lines', () => {
    const crlf = NOTEBOOK.replace(/\n/g, '\r\n');
    const located = locateCells(crlf);
    assert.ok(located.ok);
    const cell = located.cells[2]!;
    const after = applyTextEdits(crlf, [cellSourceEdit(crlf, cell, 'a = 1\nb = 2')!]);
    assert.ok(after.includes('"source": [\r\n    "a = 1\\n",\r\n    "b = 2"\r\n   ]'), JSON.stringify(after.slice(cell.sourceNode!.offset - 20, cell.sourceNode!.offset + 60)));
    assert.ok(!/[^\r]\n/.test(after), 'a bare LF was introduced');
  });

  test('the planner\'s ipynbEdit changes the extracted cell only', async () => {
    const fs = new MemoryFileSystem({
      '/p/pyproject.toml': '[project]\nname = "p"\n',
      '/p/src/p/__init__.py': '',
      '/p/nb.ipynb': NOTEBOOK,
    });
    const plan = await planExtraction(fs, { notebookPath: '/p/nb.ipynb', codeCellIndex: 1, modulePath: '/p/src/p/stats.py', functionName: 'averages', projectRoot: '/p' });
    assert.ok(plan.ok, plan.ok ? '' : plan.reason);
    const after = applyTextEdits(NOTEBOOK, plan.ipynbEdit);
    const located = locateCells(NOTEBOOK);
    assert.ok(located.ok);
    const node = located.cells[2]!.sourceNode!;
    assertOnlyRangeChanged(NOTEBOOK, after, node.offset, node.offset + node.length);
    const reparsed = JSON.parse(after) as { cells: { source: string[] }[] };
    assert.equal(reparsed.cells[2]!.source.join(''), plan.cellText);
    assert.equal(plan.cellText, 'from p.stats import averages\ntotal, mean = averages(prices)');
  });
});
