/**
 * `\N{NAME}` escapes against CPython 3.13 (the oracle of oracleHarness.ts, Unicode 15.1):
 * - every character name CPython knows resolves to its code point, in upper case and in lower case
 *   (CPython accepts lower case except for the names it makes by rule: CJK unified ideographs and
 *   Hangul syllables), and every name and alias of our table is one CPython decodes to the same code
 *   point; near misses are refused by both;
 * - strings and f-strings with such escapes parse to the same trees as CPython's;
 * - the shipped mechanism: a bundle of the parser loads the table from beside itself on the first escape,
 *   and without the table it keeps the escape as written, with no error and no crash;
 * - the built dist/unicodeNameTable.js holds exactly the table the sources compute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { lookupUnicodeName } from '../../../src/core/python/unicodeNames';
import { unicodeNameTable } from '../../../src/core/python/unicodeNameTable';
import { compareWithCPythonParallel, oracleVersion, runPython313 } from './oracleHarness';
import { REPO_ROOT } from '../../helpers/repoSnapshot';


const NEAR_MISSES = [
  'LATIN SMALL LETTER A ', ' LATIN SMALL LETTER A', 'LATIN  SMALL LETTER A', 'latin_small_letter_a', 'LATIN SMALL LETTER',
  'CJK UNIFIED IDEOGRAPH-4e00', 'CJK UNIFIED IDEOGRAPH-FA0E', 'CJK UNIFIED IDEOGRAPH-4E0', 'CJK UNIFIED IDEOGRAPH-004E00',
  'CJK UNIFIED IDEOGRAPH-2EE5E', 'CJK UNIFIED IDEOGRAPH-04E00', 'cjk unified ideograph-4E00', 'CJK COMPATIBILITY IDEOGRAPH-f900',
  'HANGUL SYLLABLE GAGG', 'HANGUL SYLLABLE ', 'HANGUL SYLLABLE X', 'hangul syllable ga', 'HANGUL SYLLABLE ga', 'HANGUL SYLLABLE GAG ',
  'TANGUT IDEOGRAPH-17000', 'KHITAN SMALL SCRIPT CHARACTER-18B00', 'NUSHU CHARACTER-1B170', 'LATİN SMALL LETTER A',
  'LATIN SMALL LETTER ſHARP S', 'LATIN SMALL LETTER SHARP ß', 'NULL', 'LF', 'VS1', 'BOM', 'ZWSP', 'BYTE ORDER MARK',
  'LATIN CAPITAL LETTER GHA', 'PRESENTATION FORM FOR VERTICAL RIGHT WHITE LENTICULAR BRAKCET', 'EGYPTIAN HIEROGLYPH A001',
  'LATIN CAPITAL LETTER A WITH MACRON AND GRAVE', 'SPACE', 'space', 'Space', '<control>', 'CJK Ideograph', 'Hangul Syllable',
];

/** CPython's answers: every (name, code point) it knows, then the code point (or null) of each asked name. */
const ORACLE_SCRIPT = `
import codecs, json, sys, unicodedata
def decode(name):
    try:
        value = codecs.decode(('\\\\N{' + name + '}').encode('utf-8'), 'unicode_escape')
    except UnicodeDecodeError:
        return None
    return ord(value) if len(value) == 1 else -1
asked = json.loads(sys.stdin.read())
names = []
for cp in range(0x110000):
    n = unicodedata.name(chr(cp), None)
    if n is not None:
        names.append([n, cp])
print(json.dumps({'version': unicodedata.unidata_version, 'names': names,
                  'lower': [decode(n.lower()) for n, _ in names], 'asked': [decode(n) for n in asked]}))
`;

test('every Unicode name and alias resolves as CPython 3.13 resolves it, and near misses fail in both', { timeout: 120_000 }, async () => {
  const table = unicodeNameTable();
  const ours = [...table.keys()];
  const asked = [...ours, ...NEAR_MISSES];
  const answer = JSON.parse(await runPython313(ORACLE_SCRIPT, JSON.stringify(asked))) as { version: string; names: Array<[string, number]>; lower: Array<number | null>; asked: Array<number | null> };
  assert.equal(answer.version, '15.1.0', 'the oracle is CPython 3.13 (Unicode 15.1)');
  const wrong: string[] = [];
  answer.names.forEach(([name, cp], k) => {
    const upper = lookupUnicodeName(name);
    if (upper !== cp) wrong.push(`${name}: ours ${upper} vs CPython ${cp}`);
    const lower = lookupUnicodeName(name.toLowerCase());
    if ((lower ?? null) !== answer.lower[k]) wrong.push(`${name.toLowerCase()}: ours ${lower} vs CPython ${answer.lower[k]}`);
  });
  asked.forEach((name, k) => {
    const mine = lookupUnicodeName(name);
    if ((mine ?? null) !== answer.asked[k]) wrong.push(`${JSON.stringify(name)}: ours ${mine} vs CPython ${answer.asked[k]}`);
  });
  console.log(`unicode names: ${answer.names.length} names of CPython ${oracleVersion()} (Unicode ${answer.version}) in upper and lower case, ${ours.length} names and aliases of our table, ${NEAR_MISSES.length} near misses; ${wrong.length} differences`);
  assert.ok(answer.names.length > 140_000 && ours.length > 35_000);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test('strings and f-strings with \\N{...} escapes parse to CPython\'s trees, unknown names are rejected by both', async () => {
  const sources = [
    'x = "\\N{BULLET} item"\n',
    'x = "\\N{latin small letter e with acute}t\\N{LF}\\N{CJK UNIFIED IDEOGRAPH-4E00}\\N{HANGUL SYLLABLE GAG}"\n',
    'x = u"\\N{EM DASH}" "\\N{NO-BREAK SPACE}" \'\\N{DEGREE SIGN}C\'\n',
    'x = f"{a}\\N{RIGHTWARDS ARROW}{b!r:>{w}}\\N{BOX DRAWINGS LIGHT HORIZONTAL}"\n',
    'x = f"{a:\\N{FULLWIDTH COLON}>10}"\n',
    // CPython 3.13 cuts a spec's text after a \N{...}: two literal pieces and no field make a str Constant
    'x = [f"{a:\\N{BULLET}}", f"{a:x\\N{BULLET}y}", f"{a:\\N{BULLET}\\N{BULLET}}", f"{a:x{b}y\\N{BULLET}z}", f"{a:\\N{BULLET}{b}}"]\n',
    'x = [f"{a:\\\\N{b}}", f"{a:\\N{BULLET}\\\\}", f"{a:\\x41\\N{BULLET}\\u2022}", rf"\\N{b}", rf"{a:\\d{b}}"]\n',
    // and decodes a spec's text with escapes even in a raw f-string, so a lone \N there is malformed
    'x = [rf"{a:\\x41}", rf"{a:\\n}"]\n',
    'x = rf"{a:\\N{b}x}"\n',
    'x = f"{f\'\\N{GREEK SMALL LETTER ALPHA}{a}\'}\\N{GREEK SMALL LETTER BETA}"\n',
    'x = f"""\n\\N{BULLET} {a}\n"""\n',
    'x = b"\\N{BULLET}"\n',
    'x = r"\\N{BULLET}" + rf"{a}\\N{BULLET}"\n',
    'x = "\\N{NO SUCH CHARACTER}"\n',
    'x = f"{a}\\N{NO SUCH CHARACTER}"\n',
    'x = "\\N{cjk unified ideograph-4e00}"\n',
    'x = "\\N{}"\n',
    'def f():\n    """\\N{SNOWMAN} docstring"""\n    return "\\N{DIGIT ONE}"\n',
  ];
  const r = await compareWithCPythonParallel(sources.map((source, k) => ({ id: `named-escape-${k}`, source })), 1);
  assert.deepEqual(r.disagreements, []);
  assert.ok(r.agreedAccepted >= 10 && r.agreedRejected >= 3, `${r.agreedAccepted} accepted, ${r.agreedRejected} rejected`);
});

test('the shipped parser loads the name table from beside itself, and keeps the escape as written without it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlh-unicode-names-'));
  try {
    const { lazyUnicodeNameTable, unicodeNameTableModule } = await import(path.join(REPO_ROOT, 'scripts', 'unicode-name-table.mjs'));
    for (const where of ['with', 'without']) {
      const out = path.join(dir, where);
      await esbuild.build({
        entryPoints: [path.join(REPO_ROOT, 'src', 'core', 'python', 'parser.ts')],
        outfile: path.join(out, 'parser.js'),
        bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
        plugins: [lazyUnicodeNameTable],
      });
      if (where === 'with') writeFileSync(path.join(out, 'unicodeNameTable.js'), unicodeNameTableModule(unicodeNameTable()));
    }
    const script = `const { parseModule } = require(process.argv[1]);
const show = (src) => {
  const m = parseModule(src);
  const v = m.body[0].value;
  return { errors: m.errors.map((e) => e.message), value: v && (v.type === 'JoinedStr' ? v.values.map((p) => (p.type === 'FormattedValue' ? p.value.id : p.value)) : v.value) };
};
console.log(JSON.stringify([show('x = "\\\\N{BULLET} \\\\N{LF}"\\n'), show('x = "\\\\N{NO SUCH}"\\n'), show('x = f"{a}\\\\N{BULLET}"\\n'), show('x = "\\\\N{CJK UNIFIED IDEOGRAPH-4E00}"\\n')]));`;
    const run = (where: string) => {
      const r = spawnSync(process.execPath, ['-e', script, path.join(dir, where, 'parser.js')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    assert.deepEqual(run('with'), [
      { errors: [], value: '\u2022 \n' },
      { errors: ["(unicode error) 'unicodeescape' codec can't decode bytes in position 0-10: unknown Unicode character name"], value: undefined },
      { errors: [], value: ['a', '\u2022'] },
      { errors: [], value: '\u4e00' },
    ].map((x) => (x.value === undefined ? { errors: x.errors } : x)));
    // no table: names made by rule still resolve; the others stay as written, and no name is "unknown"
    assert.deepEqual(run('without'), [
      { errors: [], value: '\\N{BULLET} \\N{LF}' },
      { errors: [], value: '\\N{NO SUCH}' },
      { errors: [], value: ['a', '\\N{BULLET}'] },
      { errors: [], value: '\u4e00' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const BUILT_TABLE = path.join(REPO_ROOT, 'dist', 'unicodeNameTable.js');
test('dist/unicodeNameTable.js holds exactly the table the sources compute', { skip: existsSync(BUILT_TABLE) ? false : 'not built (npm run build)' }, () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const built = (require(BUILT_TABLE) as { unicodeNameTable(): Map<string, number> }).unicodeNameTable();
  const source = unicodeNameTable();
  assert.equal(built.size, source.size);
  const differing = [...source].filter(([name, cp]) => built.get(name) !== cp);
  assert.deepEqual(differing.slice(0, 10), []);
});
