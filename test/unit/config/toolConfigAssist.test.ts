// Completion and hover for [tool.ml-hygiene] (src/core/pyproject/toolConfigAssist.ts), on the text
// as the user types it: `|` marks the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROJECT_CONFIG_KEYS } from '../../../src/core/config';
import { completeToolConfig, hoverToolConfig } from '../../../src/core/pyproject/toolConfigAssist';
import { allRules } from '../../../src/core/rules/registry';

const rules = allRules();
function at(source: string): { text: string; offset: number } {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0);
  return { text: source.slice(0, offset) + source.slice(offset + 1), offset };
}
const complete = (source: string) => {
  const { text, offset } = at(source);
  return completeToolConfig(text, offset, rules);
};
const hover = (source: string) => {
  const { text, offset } = at(source);
  return hoverToolConfig(text, offset, rules);
};
const HEAD = '[project]\nname = "churn"\ndependencies = ["pandas==2.2.2"]\n\n';

test('keys of [tool.ml-hygiene]: every key not yet written, with its snippet and docs', () => {
  const items = complete(`${HEAD}[tool.ml-hygiene]\nkind = "application"\nlo|\n`)!;
  assert.deepEqual(items.map((i) => i.label), PROJECT_CONFIG_KEYS.map((k) => k.key).filter((k) => k !== 'kind'));
  const long = items.find((i) => i.label === 'long-cell-lines')!;
  assert.equal(long.insertText, 'long-cell-lines = ${1:40}');
  assert.ok(long.snippet);
  assert.match(long.documentation, /MLH210/);
  assert.match(long.documentation, /Default: `40`/);
  // The partial word is replaced.
  const { offset } = at(`${HEAD}[tool.ml-hygiene]\nkind = "application"\nlo|\n`);
  assert.deepEqual([long.replaceStart, long.replaceEnd], [offset - 2, offset]);
  assert.equal(items.find((i) => i.label === 'select')!.insertText, 'select = ["$1"]');
});

test('nothing outside [tool.ml-hygiene]: other tables, the header line itself', () => {
  assert.equal(complete(`${HEAD}[tool.ruff]\nli|\n`), undefined);
  assert.equal(complete(`[project]\nna|`), undefined);
  assert.equal(complete(`${HEAD}[tool.ml-hy|giene]\n`), undefined);
  assert.equal(hover(`[project]\nname = "MLH1|01"\n`), undefined);
});

test('rule codes and prefixes inside select/ignore, quoted or not, on one line or several, minus those written', () => {
  const inQuotes = complete(`${HEAD}[tool.ml-hygiene]\nignore = ["MLH101", "MLH2|`)!;
  assert.ok(inQuotes.some((i) => i.label === 'MLH203' && i.insertText === 'MLH203' && i.kind === 'rule'));
  assert.ok(!inQuotes.some((i) => i.label === 'MLH101'), 'already ignored');
  const prefix = inQuotes.find((i) => i.label === 'MLH2')!;
  assert.equal(prefix.kind, 'selector');
  assert.match(prefix.detail, /^\d+ rules$/);
  const { offset } = at(`${HEAD}[tool.ml-hygiene]\nignore = ["MLH101", "MLH2|`);
  assert.deepEqual([inQuotes[0]!.replaceStart, inQuotes[0]!.replaceEnd], [offset - 4, offset]);

  const bare = complete(`${HEAD}[tool.ml-hygiene]\nselect = [\n  "MLH1",\n  |\n]\n`)!;
  assert.equal(bare.find((i) => i.label === 'MLH301')!.insertText, '"MLH301"');
  assert.ok(!bare.some((i) => i.label === 'MLH1'));
  assert.equal(bare.filter((i) => i.kind === 'rule').length, rules.length);
});

test('severity: rule codes as keys, then the five severities as values, inline or as a table', () => {
  const keys = complete(`${HEAD}[tool.ml-hygiene]\nseverity = { MLH101 = "error", |`)!;
  assert.ok(!keys.some((i) => i.label === 'MLH101'));
  const mlh203 = keys.find((i) => i.label === 'MLH203')!;
  assert.equal(mlh203.insertText, 'MLH203 = "${1|error,warning,information,hint,off|}"');
  assert.match(mlh203.detail, /hidden-state \(default: warning\)/);
  const values = complete(`${HEAD}[tool.ml-hygiene]\nseverity = { MLH101 = "|" }`)!;
  assert.deepEqual(values.map((i) => i.label), ['error', 'warning', 'information', 'hint', 'off']);
  assert.equal(values[0]!.insertText, 'error');
  const table = complete(`${HEAD}[tool.ml-hygiene.severity]\nMLH101 = "error"\nMLH3|\n`)!;
  assert.ok(table.some((i) => i.label === 'MLH301') && !table.some((i) => i.label === 'MLH101'));
  assert.deepEqual(complete(`${HEAD}[tool.ml-hygiene.severity]\nMLH101 = |\n`)!.map((i) => i.insertText), ['"error"', '"warning"', '"information"', '"hint"', '"off"']);
});

test('rule codes inside a suppression comment, anywhere in the file', () => {
  const items = complete(`[project]\ndependencies = [\n  "pandas",  # ml-hygiene: ignore[MLH102, MLH1|\n]\n`)!;
  assert.ok(items.some((i) => i.label === 'MLH101' && i.insertText === 'MLH101'));
  assert.ok(!items.some((i) => i.label === 'MLH102'), 'already listed');
  assert.equal(complete(`[project]\nname = "x"  # a plain comment MLH1|\n`), undefined);
});

test('kind: application or library', () => {
  assert.deepEqual(complete(`${HEAD}[tool.ml-hygiene]\nkind = "|`)!.map((i) => i.label), ['application', 'library']);
  assert.equal(complete(`${HEAD}[tool.ml-hygiene]\nlong-cell-lines = |`), undefined, 'no guesses for a number');
});

test('hover: keys with type and default, rule codes with their docs link, prefixes with the rules they select', () => {
  const key = hover(`${HEAD}[tool.ml-hygiene]\nlarge-out|put-kb = 900\n`)!;
  assert.match(key.contents, /^\*\*large-output-kb\*\* \(positive number\)/);
  assert.match(key.contents, /Default: `500`/);
  const code = hover(`${HEAD}[tool.ml-hygiene]\nignore = ["MLH2|03"]\n`)!;
  assert.match(code.contents, /^\*\*MLH203\*\* hidden-state \(notebooks, default severity: warning\)/);
  assert.match(code.contents, /\[Documentation\]\(https:\/\/.+\/docs\/rules\/MLH203\.md\)/);
  const { text } = at(`${HEAD}[tool.ml-hygiene]\nignore = ["MLH2|03"]\n`);
  assert.equal(text.slice(code.start, code.end), 'MLH203');
  const prefix = hover(`${HEAD}[tool.ml-hygiene]\nselect = ["ML|H3"]\n`)!;
  assert.match(prefix.contents, /^\*\*MLH3\*\*: \d+ rules \(DVC pipelines\)/);
  assert.match(prefix.contents, /- `MLH301` dvc-schema/);
  // In a suppression comment anywhere in the file.
  assert.match(hover(`[project]\ndependencies = ["pandas"]  # ml-hygiene: ignore[MLH1|01]\n`)!.contents, /unpinned-dependency/);
  // A key's name as a value is not a key.
  assert.equal(hover(`${HEAD}[tool.ml-hygiene]\nexclude = ["ki|nd"]\n`), undefined);
});

test('broken input never throws', () => {
  for (const s of ['|', '[tool.ml-hygiene|', '[tool.ml-hygiene]\n= |', '[tool.ml-hygiene]\nselect = [[[["|', '[tool.ml-hygiene]\nseverity = {{ = |', '[tool.ml-hygiene]\n"sel|']) {
    complete(s);
    hover(s);
  }
});

test('any text and any cursor: no exception, edits stay inside the text around the cursor (property test)', async () => {
  const fc = await import('fast-check');
  const fragment = fc.constantFrom(
    '[tool.ml-hygiene]\n', '[tool.ml-hygiene.severity]\n', '[project]\n', '[[tool.uv.index]]\n', 'select = [', 'ignore = ["MLH1', 'severity = { ',
    'MLH101 = "', 'kind = "', '"', "'", ',', ']', '}', '{', '=', ' ', '\n', '\r\n', '#', '# ml-hygiene: ignore[', 'long-cell-lines = 4', 'MLH2', 'é', '😀', '\\',
  );
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 40 }), fc.nat(), (parts, n) => {
      const text = parts.join('');
      const offset = text.length ? n % (text.length + 1) : 0;
      for (const e of completeToolConfig(text, offset, rules) ?? []) {
        assert.ok(e.replaceStart >= 0 && e.replaceStart <= offset && offset <= e.replaceEnd && e.replaceEnd <= text.length, JSON.stringify({ text, offset, e }));
      }
      const h = hoverToolConfig(text, offset, rules);
      if (h) assert.ok(h.start <= offset && offset <= h.end && h.end <= text.length);
    }),
    { numRuns: 3000, seed: 14 },
  );
});

test('a 20,000-line pyproject.toml answers in milliseconds', () => {
  const big = `${HEAD}${Array.from({ length: 20_000 }, (_, i) => `# filler ${i}`).join('\n')}\n[tool.ml-hygiene]\nignore = ["MLH2|`;
  const started = performance.now();
  assert.ok(complete(big)!.length > 10);
  assert.ok(performance.now() - started < 500, `${(performance.now() - started).toFixed(0)} ms`);
});
