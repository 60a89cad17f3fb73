/**
 * The notebook runner behind the extract execution test (test/extract/run_notebook.py) must itself run
 * IPython magics the way IPython would, or the execution test would prove nothing about the magics an
 * extraction keeps at the top of a cell: a runner that skipped them would pass both runs alike.
 * One small notebook, one python3 run, exact output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { python, RUNNER, type RunResult } from './notebookRunner';


function notebook(cells: string[]): string {
  const lines = (s: string) => s.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
  return JSON.stringify({ cells: cells.map((c) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(c) })), metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

describe('run_notebook.py runs IPython magics on a deterministic stand-in shell', { skip: !python && 'python3 is not available' }, () => {
  let dir: string;
  const run = (cells: string[]): RunResult => {
    const file = path.join(dir, `nb-${Math.random().toString(36).slice(2)}.ipynb`);
    writeFileSync(file, notebook(cells));
    const r = spawnSync(python!, [RUNNER, file], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as RunResult;
  };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mlh-runner-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('line magics, shell escapes and their bindings run in order with the code', () => {
    const r = run([
      '%load_ext autoreload\n%autoreload 2\nimport statistics',
      '!pip install tabulate \\\n    rich\nprint("after pip")',
      'files = !ls -1\nlisted = %who\nprint(len(files))',
      'xs = [3, 1, 2]\n%time total = sum(xs)\n%timeit -n 10 -r 2 lost = sorted(xs)\nprint(total, "lost" in globals())',
      '%time max(xs)',
    ]);
    assert.equal(
      r.stdout,
      [
        '[magic] load_ext autoreload',
        '[magic] autoreload 2',
        '[shell] pip install tabulate      rich', // joined like IPython's assemble_continued_line
        'after pip',
        '[getoutput] ls -1',
        '[magic] who',
        '3',
        '[magic] time total = sum(xs)',
        '[magic] timeit -n 10 -r 2 lost = sorted(xs)',
        '6 False',
        '[magic] time max(xs)',
        '3', // `%time expr` returns the value, and the cell displays it
        '',
      ].join('\n'),
    );
    assert.equal(r.error, null);
    assert.equal(r.globals.files, "list['ls -1: line 1', 'ls -1: line 2', 'ls -1: line 3']");
    assert.equal(r.globals.listed, 'None');
    assert.equal(r.globals.total, '6');
    assert.ok(!('lost' in r.globals), '%timeit binds nothing in the notebook');
    assert.ok(!('get_ipython' in r.globals), 'the stand-in shell is not a notebook global');
  });

  test('a magic is only recognised at the start of a logical line', () => {
    const r = run(['text = """\n%not_a_magic\n!not_a_shell\n"""\nvalue = (10\n%3)\nflag = 1 if value \\\n!= 1 else 0\nprint(repr(text), value, flag)']);
    assert.equal(r.stdout, "'\\n%not_a_magic\\n!not_a_shell\\n' 1 0\n");
    assert.equal(r.error, null);
  });

  test('first-line cell magics: %%time displays, %%capture captures and binds, %%timeit discards', () => {
    const r = run([
      'xs = [1, 2]',
      '%%time\ndoubled = [x * 2 for x in xs]\ndoubled',
      '%%capture log\n%matplotlib inline\nprint("quiet")\nlen(xs)',
      'print(repr(log.stdout))',
      '%%timeit\nscratch = sum(xs)',
      'print("scratch" in globals())',
      '%%bash\necho not run',
    ]);
    assert.equal(
      r.stdout,
      ['[cell magic] time', '[2, 4]', '[cell magic] capture log', "'[magic] matplotlib inline\\nquiet\\n2\\n'", '[cell magic] timeit', 'False', '[cell magic] bash', ''].join('\n'),
    );
    assert.equal(r.globals.log, "CapturedIO(dict{'stdout': '[magic] matplotlib inline\\nquiet\\n2\\n', 'stderr': ''})");
    assert.equal(r.globals.doubled, 'list[2, 4]');
    assert.ok(!('scratch' in r.globals));
  });

  test('an error inside a magic body is the notebook error, at its cell', () => {
    const r = run(['x = 1', '%%capture out\nprint("a")\n1 / 0', 'print("never")']);
    assert.deepEqual(r.error, { cell: 1, type: 'ZeroDivisionError' });
    assert.equal(r.stdout, '[cell magic] capture out\n');
  });
});
