import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, Tok, Op } from '../../../src/core/python/tokenizer';

const KIND_NAMES = ['ENDMARKER', 'NAME', 'NUMBER', 'STRING', 'NEWLINE', 'INDENT', 'DEDENT', 'OP', 'FSTRING_START', 'FSTRING_MIDDLE', 'FSTRING_END', 'ERROR'];

/** Tokens as `KIND:text` (text omitted for NEWLINE/INDENT/DEDENT/ENDMARKER). */
function toks(source: string): string[] {
  const t = tokenize(source);
  const out: string[] = [];
  for (let i = 0; i < t.count; i++) {
    const k = KIND_NAMES[t.kind[i]!]!;
    const text = source.slice(t.start[i]!, t.end[i]!);
    out.push(t.kind[i] === Tok.Newline || t.kind[i] === Tok.Indent || t.kind[i] === Tok.Dedent || t.kind[i] === Tok.EndMarker ? k : `${k}:${text}`);
  }
  return out;
}

function errors(source: string): string[] {
  return tokenize(source).errors.map((e) => `${e.start}-${e.end} ${e.message}`);
}

test('indentation: INDENT/DEDENT pairs, blank and comment-only lines ignored, NEWLINE at EOF without a final line break', () => {
  assert.deepEqual(toks('if x:\n    y\n\n  # c\nz'), [
    'NAME:if', 'NAME:x', 'OP::', 'NEWLINE', 'INDENT', 'NAME:y', 'NEWLINE', 'DEDENT', 'NAME:z', 'NEWLINE', 'ENDMARKER',
  ]);
});

test('tabs count to the next multiple of 8, and must agree with tabs of width 1 (TabError otherwise)', () => {
  assert.deepEqual(errors('if x:\n\ty\n        z\n'), ['9-17 inconsistent use of tabs and spaces in indentation']);
  assert.deepEqual(errors('if x:\n\ty\n\tz\n'), []);
  // a form feed resets the column
  assert.deepEqual(toks('if x:\n    y\n\f\x0cz\n').slice(6), ['NEWLINE', 'DEDENT', 'NAME:z', 'NEWLINE', 'ENDMARKER']);
  assert.deepEqual(errors('if x:\n    y\n  z\n'), ['12-14 unindent does not match any outer indentation level']);
});

test('CRLF, CR and backslash continuations; a BOM is skipped', () => {
  assert.deepEqual(toks('\ufeffa = 1 + \\\r\n  2\r\nb\rc'), [
    'NAME:a', 'OP:=', 'NUMBER:1', 'OP:+', 'NUMBER:2', 'NEWLINE', 'NAME:b', 'NEWLINE', 'NAME:c', 'NEWLINE', 'ENDMARKER',
  ]);
  assert.deepEqual(errors('a = 1 \\ 2\n'), ['6-7 unexpected character after line continuation character']);
  assert.deepEqual(errors('a = 1 \\'), ['6-7 unexpected EOF while parsing']);
});

test('newlines inside brackets are not NEWLINE tokens; 200 nested brackets at most', () => {
  assert.deepEqual(toks('f(a,\n  b)\n'), ['NAME:f', 'OP:(', 'NAME:a', 'OP:,', 'NAME:b', 'OP:)', 'NEWLINE', 'ENDMARKER']);
  assert.deepEqual(errors('('.repeat(200) + ')'.repeat(200)), []);
  assert.equal(errors('('.repeat(201) + ')'.repeat(201))[0], '200-201 too many nested parentheses');
  assert.deepEqual(errors('x = (1,\n'), ["4-5 '(' was never closed"]);
  assert.deepEqual(errors('x = [1)\n'), ["6-7 closing parenthesis ')' does not match opening parenthesis '['", "4-5 '[' was never closed"]);
});

test('numbers: underscores, radixes, floats, imaginary; malformed literals are errors', () => {
  assert.deepEqual(toks('1_000 0x_FF 0o17 0b1 1.5e-3 .5 5. 1j 1_0.0_1J').filter((t) => t.startsWith('NUMBER')).length, 9);
  assert.deepEqual(errors('1__0'), ['0-4 invalid decimal literal']);
  assert.deepEqual(errors('0777'), ['0-4 leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers']);
  assert.deepEqual(errors('0b12'), ["0-4 invalid digit '2' in binary literal"]);
  assert.deepEqual(errors('1abc'), ['0-4 invalid decimal literal']);
  assert.deepEqual(toks('1if x else 2').slice(0, 2), ['NUMBER:1', 'NAME:if']);
});

test('strings: prefixes, triple quotes, escaped quotes; unterminated strings have exact ranges', () => {
  assert.deepEqual(toks(`rb'\\'' U"x" '''a\n'b'''`).slice(0, 3), [`STRING:rb'\\''`, 'STRING:U"x"', "STRING:'''a\n'b'''"]);
  assert.deepEqual(errors('x = "abc\ny = 1\n'), ['4-8 unterminated string literal (detected at line 1)']);
  assert.deepEqual(errors('x = """abc\ny = 1\n'), ['4-17 unterminated triple-quoted string literal (detected at line 3)']);
  assert.deepEqual(toks('ab"x"').slice(0, 2), ['NAME:ab', 'STRING:"x"']);
});

test('PEP 701 f-strings: quote reuse, nesting, format specs, conversions, doubled braces', () => {
  assert.deepEqual(toks('f"a{d["k"]!r:>{w}}{{b}}"'), [
    'FSTRING_START:f"', 'FSTRING_MIDDLE:a', 'OP:{', 'NAME:d', 'OP:[', 'STRING:"k"', 'OP:]', 'OP:!', 'NAME:r', 'OP::',
    'FSTRING_MIDDLE:>', 'OP:{', 'NAME:w', 'OP:}', 'OP:}', 'FSTRING_MIDDLE:{{b}}', 'FSTRING_END:"', 'NEWLINE', 'ENDMARKER',
  ]);
  assert.deepEqual(toks(`f'{f'{f'{x}'}'}'`).filter((t) => t.startsWith('FSTRING_START')).length, 3);
  // `:=` directly inside the braces starts a format spec, as in CPython
  assert.deepEqual(toks('f"{x:=5}"').slice(2, 5), ['NAME:x', 'OP::', 'FSTRING_MIDDLE:=5']);
  assert.deepEqual(errors('f"abc\n'), ['0-5 unterminated f-string literal (detected at line 1)']);
  assert.deepEqual(errors('f"a}b"'), ["3-4 f-string: single '}' is not allowed"]);
});

test('operators are longest-match; unknown characters are errors with their code point', () => {
  const t = tokenize('a //= b ** c -> d := e != f ...');
  const ops: number[] = [];
  for (let i = 0; i < t.count; i++) if (t.kind[i] === Tok.Op) ops.push(t.sub[i]!);
  assert.deepEqual(ops, [Op.DoubleSlashEqual, Op.DoubleStar, Op.RArrow, Op.ColonEqual, Op.NotEqual, Op.Ellipsis]);
  assert.deepEqual(errors('a = $b'), ['4-5 invalid syntax']);
  assert.deepEqual(errors('a = b€'), ["5-6 invalid character '€' (U+20AC)"]);
});

test('a 1 MB single line tokenizes in linear time', () => {
  const line = 'x = [' + '1, '.repeat(350_000) + ']\n';
  const started = performance.now();
  const t = tokenize(line);
  const ms = performance.now() - started;
  assert.equal(t.count, 2 * 350_000 + 6);
  assert.ok(ms < 2000, `took ${ms} ms`);
});
