import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskMagics } from '../../../src/core/analysis/magics';

const spans = (source: string) => maskMagics(source).magics.map((m) => [m.kind, m.start, m.end]);

test('the lexical scan steps over escapes the way Python does: magics after strings ending in backslashes', () => {
  // `"a\\"` closes the string, so the next line starts a logical line.
  assert.deepEqual(maskMagics('s = "a\\\\"\n!ls').masked, 's = "a\\\\"\n#  ');
  // `"a\"` never closes on its line; without a trailing backslash the next line is still a new logical line.
  assert.deepEqual(spans('s = "a\\"\n!ls'), [['shell', 9, 12]]);
  // `\"""` inside a triple-quoted string is an escaped quote followed by `""`: the string goes on.
  const triple = 's = """x\\"""\n!ls\n"""\n!pwd';
  assert.deepEqual(spans(triple), [['shell', 21, 25]]);
  assert.equal(maskMagics(triple).masked, 's = """x\\"""\n!ls\n"""\n#   ');
  // `\\'''` ends the triple-quoted string.
  const closed = "t = '''a\\\\'''\n%time y = 1";
  assert.equal(maskMagics(closed).masked, "t = '''a\\\\'''\nif 1: y = 1");
  assert.deepEqual([...maskMagics(closed).statementWrappers.keys()], [14]);
});

test('brackets, continuations, help and line ends decide what is a logical line start', () => {
  assert.deepEqual(spans('f(1,\n!ls)\n!ls'), [['shell', 10, 13]]);
  assert.deepEqual(spans('x = 1 \\\n!ls'), []);
  assert.deepEqual(spans('s = "unterminated \\\n!ls'), []);
  assert.equal(maskMagics('print("?")\nobj?').masked, 'print("?")\n#   ');
  assert.deepEqual(spans('d = {"a": "b\\\\"}  # c?\nobj.attr??'), [['help', 23, 33]]);
  const mixed = 'x = 1\r\n%timeit -n 5 x += 1\r!echo \\\n  more';
  const r = maskMagics(mixed);
  assert.equal(r.masked, 'x = 1\r\nif 1:        x += 1\r#      \n#     ');
  assert.deepEqual(spans(mixed), [['line', 7, 26], ['shell', 27, 41]]);
  assert.deepEqual([...r.statementWrappers.entries()], [[7, { isolated: true }]]);
});

test('masking keeps every offset: same length, same text outside the magics, `0` where a statement is needed', () => {
  const source = 'if x:\n    !pip install a \\\n      b\n    y = %env HOME\n%%capture\nz = 1';
  const r = maskMagics(source);
  assert.equal(r.masked.length, source.length);
  // `%%capture` after code is a line magic, not a cell magic.
  assert.equal(r.masked, 'if x:\n    0#              \n#      \n    y = 0#       \n#        \nz = 1');
  assert.deepEqual(spans(source), [['shell', 10, 34], ['line', 43, 52], ['line', 53, 62]]);
  let outside = '';
  let maskedOutside = '';
  let at = 0;
  for (const m of r.magics) {
    outside += source.slice(at, m.start);
    maskedOutside += r.masked.slice(at, m.start);
    at = m.end;
  }
  assert.equal(maskedOutside + r.masked.slice(at), outside + source.slice(at));
});

test('a cell without `%`, `!` or `?` is returned as it is, with nothing masked', () => {
  const source = 'import numpy as np\nx = np.arange(10)  # "quoted" \\\n\ny = """\nmulti\n"""\n';
  const r = maskMagics(source);
  assert.equal(r.masked, source);
  assert.deepEqual({ ...r, statementWrappers: [...r.statementWrappers] }, { masked: source, magics: [], opaque: false, discardWrites: false, statementWrappers: [], magicWrites: [] });
  assert.notEqual(maskMagics(source).magics, r.magics, 'a fresh result each call');
});
