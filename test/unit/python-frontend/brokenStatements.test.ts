/**
 * A statement broken while the user types keeps the names it had read and bound before the error, so
 * the notebook rules do not report false undefined or unused names meanwhile: the cell's facts
 * (reads, writes, imports) are checked through the analysis, and the syntax error keeps its exact range.
 * Names that may be local to a comprehension or a lambda body are not reported as reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule } from '../../../src/core/python/parser';
import { analyzeCell } from '../../../src/core/analysis/cellAnalysis';

function facts(source: string) {
  const m = parseModule(source);
  const a = analyzeCell(source);
  return {
    errors: m.errors.map((e) => `${e.start}-${e.end} ${e.message}`),
    reads: a.reads.map((r) => `${r.name}@${r.start}`),
    writes: a.writes.map((r) => `${r.name}@${r.start}`),
    imports: a.imports.map((i) => `${i.module}${i.names.length ? ':' + i.names.join(',') : ''}@${i.start}-${i.end}`),
    lateReads: a.lateReads.map((r) => r.name),
  };
}

test('import numpy as np, (a trailing comma while typing): np is imported and bound, the next line reads it', () => {
  const f = facts('import numpy as np,\nx = np.zeros(3)\n');
  assert.deepEqual(f.errors, ['19-20 invalid syntax']);
  assert.deepEqual(f.imports, ['numpy@0-18']);
  assert.deepEqual(f.writes, ['np@16', 'x@20']);
  assert.deepEqual(f.reads, []);
  // an alias left half-written binds only the complete ones; from-imports the same
  assert.deepEqual(facts('import numpy as np, pandas as\n').writes, ['np@16']);
  const from = facts('from sklearn.model_selection import train_test_split as split,\n');
  assert.deepEqual(from.errors, ['61-62 trailing comma not allowed without surrounding parentheses']);
  assert.deepEqual(from.imports, ['sklearn.model_selection:train_test_split@0-61']);
  assert.deepEqual(from.writes, ['split@56']);
  // nothing imported yet: no import at all
  assert.deepEqual(facts('import \n').imports, []);
  assert.deepEqual(facts('from pandas import\n').imports, []);
});

test('def f(: (a parameter list being typed): f is bound, defaults and decorators are read', () => {
  const f = facts('def f(:\n    return 1\ny = f()\n');
  assert.deepEqual(f.errors, ["5-6 '(' was never closed", '6-7 invalid syntax']);
  assert.deepEqual(f.writes, ['f@4', 'y@21']);
  assert.deepEqual(f.reads, []);
  const d = facts('@register(registry)\ndef train(model, lr=default_lr, :\n    pass\n');
  assert.deepEqual(d.errors, ["29-30 '(' was never closed", '52-53 invalid syntax']);
  assert.deepEqual(d.reads, ['register@1', 'registry@10', 'default_lr@40']);
  assert.deepEqual(d.writes, ['train@24']);
  const c = facts('class Model(Base:\n    pass\n');
  assert.deepEqual(c.reads, ['Base@12']);
  assert.deepEqual(c.writes, ['Model@6']);
});

test('x.loc[(:, 1)]: x is read; an assignment keeps its target and the names read before the error', () => {
  const f = facts('x.loc[(:, 1)]\n');
  assert.deepEqual(f.errors, ['7-8 invalid syntax']);
  assert.deepEqual(f.reads, ['x@0']);
  const g = facts('df = x.loc[(:, 1)]\nprint(df)\n');
  assert.deepEqual(g.errors, ['12-13 invalid syntax']);
  assert.deepEqual(g.reads, ['x@5']);
  assert.deepEqual(g.writes, ['df@0']);
  const h = facts('res = model.fit(X_train, y_train, epochs=(\n');
  assert.deepEqual(h.reads, ['model@6', 'X_train@16', 'y_train@25']);
  assert.deepEqual(h.writes, ['res@0']);
});

test('names bound before the error: a with target and a walrus', () => {
  assert.deepEqual(facts('with open(path) as fh, (\n    pass\n').writes, ['fh@19']);
  const w = facts('x = (a := compute(\n');
  assert.deepEqual(w.reads, ['compute@10']);
  assert.deepEqual(w.writes, ['x@0', 'a@5']);
});

test('names that may be a comprehension\'s or a lambda\'s own are not read', () => {
  // the element and the conditions may use the loop variable; only the first iterable runs outside
  const comp = facts('y = [f(v) for v in data if v >\n');
  assert.deepEqual(comp.reads, ['data@19']);
  assert.deepEqual(comp.writes, ['y@0']);
  assert.deepEqual(facts('y = [x for\n').reads, []);
  assert.deepEqual(facts('z = {k: v for k, v in pairs.items() if k in keep and\n').reads, ['pairs@22']);
  const lam = facts('g = lambda q: q + (\n');
  assert.deepEqual([lam.reads, lam.lateReads], [[], []]);
  assert.deepEqual(facts('h = sorted(items, key=lambda r: r.score, reverse=\n').reads, ['items@11']);
});

test('a broken import inside a function binds a local of the function', () => {
  const f = facts('def outer():\n    import numpy as np,\n    return np\n');
  assert.deepEqual(f.errors, ['36-37 invalid syntax']);
  assert.deepEqual(f.lateReads, []);
  assert.deepEqual(f.writes, ['outer@4']);
});

test('the blocks a compound statement read before it broke still count: an if body before a broken elif, a try body before a broken except', () => {
  const branch = facts('if a:\n    x = 1\nelif b ==:\n    y = 2\nprint(x)\n');
  assert.deepEqual(branch.errors, ['25-26 invalid syntax']);
  assert.deepEqual(branch.writes, ['x@10', 'y@31']);
  assert.deepEqual(branch.reads, ['a@3', 'b@21']);
  const guarded = facts('try:\n    import torch\nexcept ImportError as e\n    torch = None\n');
  assert.deepEqual(guarded.errors, ["45-46 expected ':'"]);
  assert.deepEqual(guarded.imports, ['torch@9-21']);
  const loop = facts('for i in items:\n    total = i\nelse\n    done = 1\n');
  assert.deepEqual(loop.writes, ['i@4', 'total@20', 'done@39']);
});

test('a return, raise, break or continue moved out of a broken block does not hide the reads after it', () => {
  assert.deepEqual(facts('for i in items:\n    break\nelse\n    done = 1\nprint(later)\n').reads, ['items@9', 'later@50']);
  assert.deepEqual(facts('for i in items\n    break\nprint(later)\n').reads, ['items@9', 'later@31']);
  const raised = facts('try:\n    raise Failure(code)\nexcept Failure as e\n    pass\nprint(later)\n');
  assert.deepEqual(raised.reads, ['Failure@15', 'code@23', 'later@64']);
});
