// The JSON Schemas other extensions consume (schemas/*.json): committed files match the generator,
// and validated with ajv they accept our valid fixtures and reject each broken one on the key it
// breaks, in agreement with our own readers (config.ts, pep508.ts, dvcYaml.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { outdatedSchemas, renderSchemas } from '../../../scripts/gen-schemas';
import { PROJECT_CONFIG_KEYS, readProjectConfig } from '../../../src/core/config';
import { parseDvcYaml, STAGE_KEYS, TOP_LEVEL_KEYS } from '../../../src/core/dvc/dvcYaml';
import { parsePyproject } from '../../../src/core/pyproject/pyprojectFile';
import { allRules, isKnownRuleCode } from '../../../src/core/rules/registry';
import { CORPUS_ROOT } from '../../helpers/corpus';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/schemas');
const schema = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'schemas', name), 'utf8')) as Record<string, unknown>;

function compile(name: string): ValidateFunction {
  // strict: the schemas must be clean draft-07 (unknown keywords would be ignored by taplo too).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, keywords: ['markdownDescription'] });
  return ajv.compile(schema(name));
}

/** The fixture's first line: `# schema-error: <instance path> [<key>]`. */
function expectation(text: string): { at: string; key?: string } {
  const m = /^# schema-error: (\S*)(?: (\S+))?/.exec(text);
  assert.ok(m, 'an invalid fixture starts with `# schema-error: <instance path> [<key>]`');
  return { at: m[1]!, ...(m[2] ? { key: m[2] } : {}) };
}

/** Every error lies on the path to the expected location (anyOf reports its parents too), and one names it. */
function assertFailsAt(errors: ErrorObject[] | null | undefined, at: string, key: string | undefined, file: string): void {
  assert.ok(errors && errors.length, `${file} validated`);
  const related = (p: string) => p === at || at.startsWith(`${p}/`) || p.startsWith(`${at}/`) || p === '';
  const stray = errors.filter((e) => !related(e.instancePath));
  assert.deepEqual(stray.map((e) => `${e.instancePath} ${e.message}`), [], `${file}: errors away from ${at}`);
  const named = errors.some((e) => {
    if (key === undefined) return e.instancePath === at;
    const p = e.params as Record<string, unknown>;
    return e.instancePath === at && (p['additionalProperty'] === key || p['missingProperty'] === key || p['propertyName'] === key);
  });
  assert.ok(named, `${file}: no error at ${at}${key ? ` naming '${key}'` : ''}:\n${errors.map((e) => `  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n')}`);
}

const listDir = (dir: string) => readdirSync(dir).sort().map((f) => path.join(dir, f));

test('the committed schemas are what scripts/gen-schemas.ts generates from the rule registry and config', () => {
  assert.deepEqual(outdatedSchemas(), [], 'run `node --import tsx scripts/gen-schemas.ts` and commit schemas/');
  assert.deepEqual([...renderSchemas().keys()], ['tool-ml-hygiene.schema.json', 'pyproject.schema.json', 'dvc.schema.json']);
});

test('package.json hands them to Even Better TOML (tomlValidation) and Red Hat YAML (yamlValidation)', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; contributes: Record<string, Array<{ fileMatch: string; url: string }>> };
  // Red Hat YAML resolves a path relative to the extension. Even Better TOML passes the url to taplo
  // as is and taplo needs an absolute URL (tamasfe/taplo#322, open), so it gets the file of this
  // release tag, the same bytes as ./schemas/pyproject.schema.json in the installed extension.
  const toml = pkg.contributes['tomlValidation']!;
  assert.deepEqual(toml, [{ fileMatch: 'pyproject.toml', url: `https://raw.githubusercontent.com/ml-hygiene/ml-hygiene/v${pkg.version}/schemas/pyproject.schema.json` }]);
  assert.deepEqual(pkg.contributes['yamlValidation'], [{ fileMatch: 'dvc.yaml', url: './schemas/dvc.schema.json' }]);
  assert.ok(existsSync(path.join(ROOT, new URL(toml[0]!.url).pathname.replace(/^\/ml-hygiene\/ml-hygiene\/v[^/]+\//, ''))));
  assert.ok(existsSync(path.join(ROOT, pkg.contributes['yamlValidation']![0]!.url)));
  // The .vsix ships them.
  assert.match(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/\*\*$/m);
});

describe('tool-ml-hygiene.schema.json', () => {
  const tool = schema('tool-ml-hygiene.schema.json') as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean };

  test('lists every key the config reader accepts, with its default, and no other', () => {
    assert.deepEqual(Object.keys(tool.properties), PROJECT_CONFIG_KEYS.map((k) => k.key));
    assert.equal(tool.additionalProperties, false);
    assert.equal(tool.properties['long-cell-lines']!['default'], 40);
    assert.equal(tool.properties['large-output-kb']!['default'], 500);
    for (const k of PROJECT_CONFIG_KEYS) assert.ok(String(tool.properties[k.key]!['description']).length > 20, `${k.key} has a description`);
  });

  test('rule codes are an enum of exactly the registered rules, and severity lists each one', () => {
    const codes = allRules().map((r) => r.code);
    const select = tool.properties['select'] as { items: { anyOf: Array<{ enum?: string[] }> } };
    assert.deepEqual(select.items.anyOf[0]!.enum, codes);
    const severity = tool.properties['severity'] as { properties: Record<string, { enum: string[]; description: string }> };
    assert.deepEqual(Object.keys(severity.properties), codes);
    assert.deepEqual(severity.properties['MLH101']!.enum, ['error', 'warning', 'information', 'hint', 'off']);
    assert.match(severity.properties['MLH101']!.description, /^MLH101 \(unpinned-dependency\): .+ Default: warning\. Docs: https:\/\/.+MLH101\.md$/);
  });
});

describe('pyproject.schema.json over the fixtures', () => {
  const validate = compile('pyproject.schema.json');
  const validDir = path.join(FIXTURES, 'pyproject/valid');
  const invalidDir = path.join(FIXTURES, 'pyproject/invalid');

  for (const file of listDir(validDir)) {
    test(`valid: ${path.basename(file)}`, () => {
      const text = readFileSync(file, 'utf8');
      assert.ok(validate(parseToml(text)), JSON.stringify(validate.errors, null, 2));
      // Our own readers agree: no config problem, every dependency parses.
      const pyproject = parsePyproject(file, text);
      assert.deepEqual(readProjectConfig(pyproject, isKnownRuleCode).problems, []);
      assert.ok(pyproject.requirements.length > 0);
      for (const r of pyproject.requirements) assert.ok(r.parsed.ok, r.raw);
    });
  }

  for (const file of listDir(invalidDir)) {
    test(`invalid: ${path.basename(file)} fails on the expected key, as our reader does`, () => {
      const text = readFileSync(file, 'utf8');
      const { at, key } = expectation(text);
      assert.equal(validate(parseToml(text)), false);
      assertFailsAt(validate.errors, at, key, path.basename(file));
      const pyproject = parsePyproject(file, text);
      const configProblems = readProjectConfig(pyproject, isKnownRuleCode).problems;
      const badRequirements = pyproject.requirements.filter((r) => !r.parsed.ok);
      if (at.startsWith('/tool/ml-hygiene')) assert.equal(configProblems.length, 1, 'the config reader reports it too');
      else if (at === '/project' || at === '/project/requires-python') assert.deepEqual(configProblems, []);
      else assert.equal(badRequirements.length, 1, 'the PEP 508 parser rejects the same string');
    });
  }
});

const PROJECTS = path.join(CORPUS_ROOT, 'python-projects');
test('the pyproject.toml of every maintained project in the corpus validates', { skip: existsSync(PROJECTS) ? false : `not found: ${PROJECTS}` }, () => {
  const validate = compile('pyproject.schema.json');
  const files = readdirSync(PROJECTS).map((d) => path.join(PROJECTS, d, 'pyproject.toml')).filter((f) => existsSync(f));
  assert.ok(files.length >= 9, `${files.length} files`);
  for (const file of files) assert.ok(validate(parseToml(readFileSync(file, 'utf8'))), `${path.relative(PROJECTS, file)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
});

describe('dvc.schema.json', () => {
  const validate = compile('dvc.schema.json');
  const dvc = schema('dvc.schema.json') as { properties: Record<string, unknown>; definitions: { stage: { properties: Record<string, unknown> } } };
  const noParams = async () => ({ ok: false as const, reason: 'missing' as const, message: 'missing' });
  const parserProblems = async (file: string, text: string) => (await parseDvcYaml(file, text, noParams as never)).problems.map((p) => p.message);

  test('has exactly the top-level and stage keys the dvc.yaml reader knows', () => {
    assert.deepEqual(Object.keys(dvc.properties).sort(), [...TOP_LEVEL_KEYS].sort());
    assert.deepEqual(Object.keys(dvc.definitions.stage.properties).sort(), [...STAGE_KEYS].sort());
  });

  test('our fixtures: the valid pipeline passes, each broken one fails on its key, and the reader agrees', async () => {
    for (const file of listDir(path.join(FIXTURES, 'dvc/valid'))) {
      const text = readFileSync(file, 'utf8');
      assert.ok(validate(parseYaml(text)), `${path.basename(file)}: ${JSON.stringify(validate.errors, null, 2)}`);
      assert.deepEqual(await parserProblems(file, text), []);
    }
    const invalid = listDir(path.join(FIXTURES, 'dvc/invalid'));
    assert.ok(invalid.length >= 6);
    for (const file of invalid) {
      const text = readFileSync(file, 'utf8');
      const { at, key } = expectation(text);
      assert.equal(validate(parseYaml(text)), false, path.basename(file));
      assertFailsAt(validate.errors, at, key, path.basename(file));
      assert.notDeepEqual(await parserProblems(file, text), [], `the reader reports ${path.basename(file)} too`);
    }
  });

  test('the project fixtures: dvc.yaml files the reader accepts validate', async () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        if (f.isDirectory()) walk(path.join(dir, f.name));
        else if (f.name === 'dvc.yaml') found.push(path.join(dir, f.name));
      }
    };
    walk(path.join(ROOT, 'test/fixtures/projects'));
    walk(path.join(ROOT, 'test/fixtures/notebooks'));
    walk(path.join(ROOT, 'examples'));
    assert.ok(found.length >= 2);
    for (const file of found) {
      const text = readFileSync(file, 'utf8');
      const problems = await parserProblems(file, text);
      assert.equal(validate(parseYaml(text)), problems.length === 0, `${path.relative(ROOT, file)}: reader ${JSON.stringify(problems)} vs schema ${JSON.stringify(validate.errors)}`);
    }
  });

  const examples = path.join(CORPUS_ROOT, 'dvc/dvcyaml-schema-examples');
  test("DVC's own schema examples: valid pass (but the DVC 2 plots mapping), invalid fail on the key they add", { skip: existsSync(examples) ? false : `not found: ${examples}` }, async () => {
    const valid = listDir(path.join(examples, 'valid'));
    const outcome: string[] = [];
    for (const file of valid) {
      const text = readFileSync(file, 'utf8');
      const ok = validate(parseYaml(text));
      const problems = await parserProblems(file, text);
      assert.equal(ok, problems.length === 0, `${path.basename(file)}: schema and reader disagree`);
      if (!ok) outcome.push(path.basename(file));
      if (!ok) assertFailsAt(validate.errors, '/plots', undefined, path.basename(file));
    }
    // The corpus README: `plots_dict*` uses the mapping form of top-level plots that DVC 3 rejects.
    assert.deepEqual(outcome, valid.map((f) => path.basename(f)).filter((f) => f.startsWith('plots_dict')));
    assert.ok(valid.length - outcome.length >= 10, `${valid.length - outcome.length} valid examples pass`);

    for (const file of listDir(path.join(examples, 'invalid'))) {
      const name = path.basename(file);
      const text = readFileSync(file, 'utf8');
      assert.equal(validate(parseYaml(text)), false, name);
      const keys = (validate.errors ?? []).map((e) => (e.params as Record<string, unknown>)['additionalProperty']);
      // Each example adds one key DVC does not allow: `extra`, or `else` beside foreach/do, or
      // `foreach` beside `matrix`.
      const expected = name === 'matrix.foreach.dvc.yaml' ? 'foreach' : name === 'foreach.extra.dvc.yaml' ? 'else' : 'extra';
      assert.ok(keys.includes(expected), `${name}: no error names '${expected}': ${JSON.stringify(validate.errors)}`);
      assert.notDeepEqual(await parserProblems(file, text), [], `the reader rejects ${name} too`);
    }
  });
});
