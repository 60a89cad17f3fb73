// syntaxes/toml.tmLanguage.json tokenized by VS Code's own TextMate engine (vscode-textmate with the
// Oniguruma regex library VS Code uses), over a realistic pyproject.toml: each construct gets the
// scope themes color.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { CORPUS_ROOT } from '../../helpers/corpus';

const ROOT = path.resolve(__dirname, '../../..');
const GRAMMAR = path.join(ROOT, 'syntaxes/toml.tmLanguage.json');
const SAMPLE = readFileSync(path.join(ROOT, 'test/fixtures/syntaxes/sample-pyproject.toml'), 'utf8');

let grammarPromise: Promise<textmate.IGrammar> | undefined;
function grammar(): Promise<textmate.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scope) => (scope === 'source.toml' ? textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
    });
    const g = await registry.loadGrammar('source.toml');
    assert.ok(g, 'grammar loads');
    return g;
  })();
  return grammarPromise;
}

interface Token {
  line: string;
  text: string;
  scopes: string[];
}

async function tokenize(text: string): Promise<Token[]> {
  const g = await grammar();
  const tokens: Token[] = [];
  let state = textmate.INITIAL;
  text.split('\n').forEach((line) => {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) tokens.push({ line, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return tokens;
}

/** The scopes of the `nth` token whose text is exactly `text`, on a line containing `onLine`. */
function scopesOf(tokens: Token[], text: string, onLine?: string, nth = 0): string[] {
  const found = tokens.filter((t) => t.text === text && (onLine === undefined || t.line.includes(onLine)));
  const context = tokens.filter((t) => onLine && t.line.includes(onLine)).map((t) => [t.text, t.scopes.slice(1)]);
  assert.ok(found[nth], `no token '${text}'${onLine ? ` on the line with '${onLine}'` : ''}: ${JSON.stringify(context)}`);
  return found[nth].scopes;
}

function assertScope(scopes: string[], expected: string): void {
  assert.ok(scopes.includes(expected), `expected ${expected} in ${JSON.stringify(scopes)}`);
}

test('keys, dotted keys and quoted keys are property names; `=` is a separator', async () => {
  const t = await tokenize(SAMPLE);
  assertScope(scopesOf(t, 'requires-python'), 'support.type.property-name.toml');
  assertScope(scopesOf(t, 'build-backend'), 'support.type.property-name.toml');
  assertScope(scopesOf(t, '=', 'build-backend'), 'punctuation.separator.key-value.toml');
  // Inside an inline table too.
  assertScope(scopesOf(t, 'MLH101'), 'support.type.property-name.toml');
  assertScope(scopesOf(t, 'MLH210'), 'support.type.property-name.toml');
  assertScope(scopesOf(t, 'text', 'license'), 'support.type.property-name.toml');
});

test('table headers and arrays of tables, with dotted and quoted names', async () => {
  const t = await tokenize(SAMPLE);
  for (const name of ['build-system', 'project', 'ml-hygiene', 'release']) {
    const s = scopesOf(t, name, `[${name === 'ml-hygiene' ? 'tool.ml-hygiene' : name === 'release' ? 'tool.release' : name}]`);
    assertScope(s, 'meta.table.toml');
    assertScope(s, 'entity.name.type.table.toml');
  }
  assertScope(scopesOf(t, '[', '[tool.ml-hygiene]'), 'punctuation.definition.table.begin.toml');
  assertScope(scopesOf(t, '.', '[tool.ml-hygiene]'), 'punctuation.separator.dot.toml');
  assertScope(scopesOf(t, '"setuptools.packages"'), 'entity.name.type.table.toml');
  const index = scopesOf(t, 'index', '[[tool.uv.index]]');
  assertScope(index, 'meta.table.array.toml');
  assertScope(index, 'entity.name.type.table.array.toml');
  assertScope(scopesOf(t, '[[', '[[tool.uv.index]]'), 'punctuation.definition.table.array.begin.toml');
  assertScope(scopesOf(t, ']]', '[[tool.uv.index]]'), 'punctuation.definition.table.array.end.toml');
});

test('strings: basic, literal, escapes, and multi-line basic and literal strings across lines', async () => {
  const t = await tokenize(SAMPLE);
  assertScope(scopesOf(t, 'churn-model'), 'string.quoted.double.basic.toml');
  assertScope(scopesOf(t, 'scikit-learn~=1.5.0'), 'string.quoted.single.literal.toml');
  assertScope(scopesOf(t, 'https://download.pytorch.org/whl/cpu'), 'string.quoted.single.literal.toml');
  assertScope(scopesOf(t, '"""', 'description'), 'string.quoted.triple.basic.block.toml');
  assertScope(scopesOf(t, 'Predicts customer churn'), 'string.quoted.triple.basic.block.toml');
  assertScope(scopesOf(t, '\\t', 'billing events'), 'constant.character.escape.toml');
  assertScope(scopesOf(t, '"""', 'billing events'), 'punctuation.definition.string.end.toml');
  // A `#` inside a multi-line literal is not a comment, and the string ends on its own line.
  assertScope(scopesOf(t, '^v\\d+\\.\\d+$'), 'string.quoted.triple.literal.block.toml');
  assertScope(scopesOf(t, 'max-size'), 'support.type.property-name.toml');
});

test('comments, on their own line and after a value inside an array', async () => {
  const t = await tokenize(SAMPLE);
  assertScope(scopesOf(t, ' Churn model: trained nightly, served by FastAPI'), 'comment.line.number-sign.toml');
  assertScope(scopesOf(t, '#', 'Churn model'), 'punctuation.definition.comment.toml');
  const trailing = scopesOf(t, ' pinned: the 2.3 resampler changed');
  assertScope(trailing, 'comment.line.number-sign.toml');
  assertScope(trailing, 'meta.array.toml');
  assertScope(scopesOf(t, ',', 'scikit-learn'), 'punctuation.separator.array.toml');
  assertScope(scopesOf(t, ']', '[project.optional'), 'punctuation.definition.table.end.toml');
  // A `#` inside a string is not a comment.
  assert.deepEqual(scopesOf(t, 'https://example.com/churn#readme').filter((s) => s.startsWith('comment')), []);
});

test('dates, times, numbers and booleans', async () => {
  const t = await tokenize(SAMPLE);
  assertScope(scopesOf(t, '2024-06-01'), 'constant.numeric.date.toml');
  assertScope(scopesOf(t, '1979-05-27T07:32:00Z'), 'constant.numeric.datetime.offset.toml');
  assertScope(scopesOf(t, '07:30:00'), 'constant.numeric.time.toml');
  assertScope(scopesOf(t, '60'), 'constant.numeric.integer.toml');
  assertScope(scopesOf(t, '250.5'), 'constant.numeric.float.toml');
  assertScope(scopesOf(t, '-1.5e3'), 'constant.numeric.float.toml');
  assertScope(scopesOf(t, '0x1F_FF'), 'constant.numeric.integer.hex.toml');
  assertScope(scopesOf(t, 'true', 'explicit'), 'constant.language.boolean.toml');
});

test('the state after the file is back at the top level: no construct leaks past its end', async () => {
  const t = await tokenize(`${SAMPLE}\n[after]\nkey = 1\n`);
  const last = t.filter((x) => x.text === 'key').pop()!;
  assert.deepEqual(last.scopes, ['source.toml', 'support.type.property-name.toml']);
  assertScope(scopesOf(t, 'after', '[after]'), 'entity.name.type.table.toml');
});

test('broken input stays local: an unclosed string ends at its line, a stray character is marked', async () => {
  const t = await tokenize('a = "unclosed\nb = 2\n% = 3\n');
  assert.deepEqual(t.find((x) => x.text === 'b')!.scopes, ['source.toml', 'support.type.property-name.toml']);
  assertScope(t.find((x) => x.text === '%')!.scopes, 'invalid.illegal.toml');
});

const PROJECTS = path.join(CORPUS_ROOT, 'python-projects');
test('real pyproject.toml files and uv/Poetry/PDM lockfiles tokenize without an invalid token', { skip: existsSync(PROJECTS) ? false : `not found: ${PROJECTS}` }, async () => {
  const files = readdirSync(PROJECTS).flatMap((repo) =>
    ['pyproject.toml', 'uv.lock', 'poetry.lock', 'pdm.lock'].map((f) => path.join(PROJECTS, repo, f)).filter((f) => existsSync(f)),
  );
  assert.ok(files.length >= 10, `${files.length} files`);
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    lines += text.split('\n').length;
    const invalid = (await tokenize(text)).filter((t) => t.scopes.some((s) => s.startsWith('invalid.')));
    assert.deepEqual(invalid.slice(0, 5).map((t) => `${t.line} → ${t.text}`), [], path.relative(PROJECTS, file));
  }
  console.log(`  ${files.length} files, ${lines} lines`);
});

test('package.json contributes the toml language (.toml and the three lockfiles) with this grammar', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { languages: Array<Record<string, unknown>>; grammars: Array<Record<string, unknown>> };
  };
  const toml = pkg.contributes.languages.find((l) => l['id'] === 'toml');
  assert.ok(toml);
  assert.deepEqual(toml['extensions'], ['.toml']);
  assert.deepEqual(toml['filenames'], ['uv.lock', 'poetry.lock', 'pdm.lock']);
  assert.ok(existsSync(path.join(ROOT, String(toml['configuration']))));
  const g = pkg.contributes.grammars.find((x) => x['language'] === 'toml');
  assert.deepEqual(g, { language: 'toml', scopeName: 'source.toml', path: './syntaxes/toml.tmLanguage.json' });
});
