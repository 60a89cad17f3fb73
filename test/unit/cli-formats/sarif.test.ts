import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Finding } from '../../../src/core/diagnostics';
import { allRules } from '../../../src/core/rules/registry';
import { ruleDocsHref } from '../../../src/core/rules/rule';
import { relativeUri, sarifRegion, toSarif, type SarifLog } from '../../../src/cli/sarif';
import { checkFixture, REPO_ROOT } from '../readiness/workspace';
import { notebookRangeMapper } from '../../../src/core/notebook/fileRanges';
import { parseIpynb } from '../../../src/core/notebook';

/**
 * The SARIF 2.1.0 schema as shipped in @microsoft/jest-sarif (the OASIS 2.1.0 rtm.5 schema, JSON
 * Schema draft-04, as published on SchemaStore). Read from node_modules: nothing is fetched.
 */
const SCHEMA_PATH = path.join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function sarifValidator() {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regular
  // expressions accept (as JSON Schema draft-04's ECMA 262 patterns were read when it was written).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function assertValidSarif(log: unknown): void {
  const validate = sarifValidator();
  const ok = validate(log);
  assert.ok(ok, `SARIF does not validate:\n${JSON.stringify(validate.errors, null, 2)}`);
}

const at = (line: number, character: number, endLine = line, endCharacter = character + 3) => ({ start: { line, character }, end: { line: endLine, character: endCharacter } });

test('the schema validator is real: it rejects a log GitHub would reject', () => {
  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), false, 'unknown level');
  assert.equal(validate({ version: '2.0.0', runs: [] }), false, 'wrong version');
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a' }, region: { startLine: 0 } } }] }] }] }), false, 'lines are 1-based');
});

test('check --format sarif on a real project validates against the SARIF 2.1.0 schema and carries what GitHub needs', async () => {
  const { findings, engine } = await checkFixture('bare-notebook');
  assert.ok(findings.length >= 5);
  const rules = allRules();
  const notebookRange = await notebookRangeMapper(engine.fs, findings);
  const log = toSarif(findings, { srcRoot: '/ws', rules, toolVersion: '0.1.0', notebookRange });
  assertValidSarif(log);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'ML Hygiene');
  assert.equal(run.originalUriBaseIds['%SRCROOT%']!.uri, 'file:///ws/');
  for (const rule of run.tool.driver.rules) {
    assert.match(rule.id, /^MLH\d{3}$/);
    assert.equal(rule.helpUri, ruleDocsHref(rule.id));
    assert.ok(rule.shortDescription.text.length > 10 && rule.fullDescription.text.length >= rule.shortDescription.text.length, rule.id);
    assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration.level));
  }
  assert.equal(run.results.length, findings.length);
  for (const [i, result] of run.results.entries()) {
    assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, 'ruleIndex points at the rule');
    const loc = result.locations[0]!.physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(loc.artifactLocation.uri, /^\/|^file:|\\/, 'relative posix URI');
    assert.ok(loc.region.startLine >= 1);
    assert.equal(result.message.text, findings[i]!.message);
    const f = findings[i]!;
    if (f.cell !== undefined) {
      // A notebook finding points into the .ipynb at the JSON string holding that source line.
      const text = new TextDecoder().decode(await engine.fs.readFile(f.path));
      const parsed = parseIpynb(f.path, text);
      assert.ok(parsed.ok);
      const cellSource = parsed.notebook.cells.filter((c) => c.kind === 'code')[f.cell]!.source;
      const fileLine = text.split('\n')[loc.region.startLine - 1]!.trim().replace(/,$/, '');
      assert.equal((JSON.parse(fileLine) as string).replace(/\n$/, ''), cellSource.split('\n')[f.range.start.line], `${f.code} region`);
    }
  }
  const mlh402 = run.results.find((r) => r.ruleId === 'MLH402')!;
  assert.equal(mlh402.level, 'warning');
  assert.equal(mlh402.locations[0]!.physicalLocation.artifactLocation.uri, 'bare-notebook/requirements.txt');
});

test('regions are 1-based with an exclusive end column; an empty range covers its line', () => {
  assert.deepEqual(sarifRegion(at(0, 0, 0, 6)), { startLine: 1, startColumn: 1, endLine: 1, endColumn: 7 });
  assert.deepEqual(sarifRegion(at(4, 2, 6, 1)), { startLine: 5, startColumn: 3, endLine: 7, endColumn: 2 });
  assert.deepEqual(sarifRegion(at(3, 0, 3, 0)), { startLine: 4, startColumn: 1 });
});

test('URIs are relative to the source root, posix, percent-encoded', () => {
  assert.equal(relativeUri('/repo', '/repo/notebooks/EDA v2#1.ipynb'), 'notebooks/EDA%20v2%231.ipynb');
  assert.equal(relativeUri('/repo/sub', '/repo/other/a.py'), '../other/a.py');
});

test('notebook findings: mapped to .ipynb lines through the mapper, else line 1 naming the cell', () => {
  const finding: Finding = { path: '/repo/nb/a.ipynb', cell: 2, range: at(1, 4), code: 'MLH205', severity: 'warning', message: 'Absolute path.' };
  const unmapped = toSarif([finding], { srcRoot: '/repo', rules: allRules(), toolVersion: '0.1.0' });
  assertValidSarif(unmapped);
  const r0 = unmapped.runs[0]!.results[0]!;
  assert.deepEqual(r0.locations[0]!.physicalLocation.region, { startLine: 1 });
  assert.equal(r0.message.text, 'Absolute path. (code cell 3, line 2)');
  assert.deepEqual(r0.properties, { cell: 2 });
  // The rule comes from the registry: the log names it and links its docs page.
  assert.equal(unmapped.runs[0]!.tool.driver.rules[r0.ruleIndex]!.name, 'absolute-path');
  assert.equal(unmapped.runs[0]!.tool.driver.rules[r0.ruleIndex]!.helpUri, ruleDocsHref('MLH205'));

  const seen: Finding[] = [];
  const mapped = toSarif([finding], {
    srcRoot: '/repo',
    rules: allRules(),
    toolVersion: '0.1.0',
    notebookRange: (f) => {
      seen.push(f);
      // e.g. cell 2 starts at line 40 of the file and its sources are indented 5 columns + a quote
      return { start: { line: 40 + f.range.start.line, character: 6 + f.range.start.character }, end: { line: 40 + f.range.end.line, character: 6 + f.range.end.character } };
    },
  });
  assertValidSarif(mapped);
  assert.deepEqual(seen, [finding]);
  const r1 = mapped.runs[0]!.results[0]!;
  assert.deepEqual(r1.locations[0]!.physicalLocation.region, { startLine: 42, startColumn: 11, endLine: 42, endColumn: 14 });
  assert.equal(r1.message.text, 'Absolute path.');
});

test('an empty run is valid and still lists the rules', () => {
  const log: SarifLog = toSarif([], { srcRoot: '/', rules: allRules(), toolVersion: '0.1.0' });
  assertValidSarif(log);
  assert.equal(log.runs[0]!.results.length, 0);
  assert.equal(log.runs[0]!.tool.driver.rules.length, allRules().length);
});
