/**
 * An open bug found by extract-safety.test.ts's imports-only generator, kept aside: this file is not a
 * `*.test.ts`, so the test runner skips it and the suite stays green. It FAILS today. Run it by hand:
 *   node --import tsx --test test/unit/robustness/extract-safety.open-bug.ts
 * Once importCells.ts is fixed, move the test into extract-safety.test.ts (and add a dynamic reader
 * such as `print(globals()["st"].mean([1, 2, 3]))` to the `st` family there), then delete this file.
 *
 * A cell that looks names up dynamically (`globals()["st"]`, `eval("st…")`, `exec`, `vars()`) still
 * reads `st` from the notebook after the edit, but settleImportCells sees no read of `st` and empties
 * the imports-only cell: that cell then raises KeyError / NameError. plan.ts already treats these calls
 * as dynamic lookups (NAMESPACE_BUILTINS) in its own decisions; the imports cell should stay, with a
 * reason, as it does for a star import or `%run`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCellsExtraction } from '../../../src/core/extract/rangePlan';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

const DYNAMIC_READERS = [
  'print(globals()["st"].mean([1, 2, 3]))',
  'print(eval("st.mean([1, 2, 3])"))',
  'exec("print(st.mean([1, 2, 3]))")',
  'print(vars()["st"].mean([1, 2, 3]))',
];

test('an imports-only cell stays while another cell reads its names through globals(), eval, exec or vars()', async () => {
  const emptied: string[] = [];
  for (const reader of DYNAMIC_READERS) {
    const cells = ['import statistics as st', 'spread = st.pstdev([1.0, 2.0, 4.0])\nprint(spread)', reader];
    const notebook = JSON.stringify({ cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })), metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
    const fs = new MemoryFileSystem({ '/proj/nb.ipynb': notebook, '/proj/src/pkg/__init__.py': '' });
    const plan = await planCellsExtraction(fs, { notebookPath: '/proj/nb.ipynb', codeCellIndex: 1, modulePath: '/proj/src/pkg/steps.py', functionName: 'step', projectRoot: '/proj' });
    assert.ok(plan.ok, plan.ok ? '' : plan.reason);
    // Today: a second .ipynb edit empties cell 0, and importCells reports it emptied; `reader` then raises.
    if (plan.ipynbEdit.length !== 1 || plan.importCells?.some((c) => c.emptied)) emptied.push(reader);
  }
  assert.deepEqual(emptied, [], 'the imports cell was emptied although these cells still read `st`');
});
