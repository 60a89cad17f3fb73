// How far the PEP 508 `pattern` of schemas/pyproject.schema.json agrees with our parser
// (src/core/python/pep508.ts, itself conformant to pypa/packaging's vectors). The counts are asserted
// so that a change to either side shows up here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRequirement } from '../../../src/core/python/pep508';
import { pep508Pattern, specifierSetPattern } from '../../../src/core/schemas/pep508Pattern';
import { isValidSpecifier } from '../../../src/core/python/pep440';
import { CORPUS_ROOT } from '../../helpers/corpus';

// As ajv and VS Code's JSON language service compile schema patterns.
const pattern = new RegExp(pep508Pattern(), 'u');

interface Tally {
  agree: number;
  regexAcceptsInvalid: string[];
  regexRejectsValid: string[];
}

function tally(inputs: readonly string[]): Tally {
  const t: Tally = { agree: 0, regexAcceptsInvalid: [], regexRejectsValid: [] };
  for (const input of inputs) {
    const valid = parseRequirement(input).ok;
    const accepted = pattern.test(input);
    if (valid === accepted) t.agree++;
    else (accepted ? t.regexAcceptsInvalid : t.regexRejectsValid).push(input);
  }
  return t;
}

test('the pattern is portable: no lookaround or backreference (taplo compiles it with Rust regex), no flags needed', () => {
  const source = pep508Pattern();
  assert.doesNotMatch(source, /\(\?[=!<]/);
  assert.doesNotMatch(source, /\\[1-9]/);
  assert.ok(source.startsWith('^') && source.endsWith('$'));
  assert.ok(source.length < 20_000, `${source.length} characters`);
});

test('no catastrophic backtracking: long runs of whitespace before a mistake are rejected at once', () => {
  // An editor validates on every keystroke with a backtracking engine (ajv, VS Code); adjacent
  // optional whitespace runs once made `a` + 2,000 spaces + `!` take minutes.
  const sp = ' '.repeat(20_000);
  const inputs = [`a===${sp}!${sp}x`, `a${sp}!`, `a[${sp}!`, `a[b${sp},${sp}!`, `a (${sp}!`, `a (>=1${sp}!`, `a >=1${sp},${sp}!`, `a >=${sp}!`, `a @ http://x${sp}!`, `a; extra == "x"${sp}!`, `a; extra == "x"${sp}and${sp}!`, `a; ((extra == "x"${sp})${sp}!`, `a; extra${sp}not${sp}!`, `a==${'1.'.repeat(10_000)}x`, `a; ${Array(2_000).fill('extra == "x"').join(' and ')} and`];
  pattern.test('warm==1');
  for (const input of inputs) {
    const started = performance.now();
    assert.equal(pattern.test(input), false, input.slice(0, 40));
    const ms = performance.now() - started;
    assert.ok(ms < 1_000, `${ms.toFixed(0)} ms for ${JSON.stringify(input.slice(0, 30))}…`);
  }
});

test('the mistakes SchemaStore lets through are rejected; what real pyproject files write is accepted', () => {
  for (const bad of ['pandas>=>2', 'pandas=2.2', 'numpy >= 1.26 <2', 'torch==2.3.1; sys_platfrom == "linux"', 'scikit-learn[all', 'requests ==', 'black (>=20.*)', 'mlflow @ https://e.com/m.whl; extra == "x"']) {
    assert.equal(pattern.test(bad), false, bad);
    assert.equal(parseRequirement(bad).ok, false, bad);
  }
  for (const good of ['pandas==2.2.2', 'numpy>=1.26,<2', 'torch==2.3.1 ; sys_platform == "linux" and python_version < "3.13"', 'pydantic[email,timezone]~=2.7.0', 'mlflow @ https://e.com/m.whl ; extra == "serve"', 'jax[cuda12]==0.4.30; (platform_system == "Linux" or platform_system == "Darwin") and extra == "gpu"']) {
    assert.equal(pattern.test(good), true, good);
    assert.equal(parseRequirement(good).ok, true, good);
  }
});

test('requires-python: the specifier-set pattern agrees with our specifier parser', () => {
  const sets = new RegExp(specifierSetPattern(), 'u');
  for (const s of ['>=3.10', '>=3.10,<3.13', ' >=3.9 , !=3.9.1 ', '~=3.11', '==3.11.*', '']) assert.equal(sets.test(s), isValidSpecifier(s), s);
  for (const s of ['3.10+', '>=3.10;', '>=3.*', '=>3.10', '>=3.10 <4']) assert.equal(sets.test(s), false, s);
  const started = performance.now();
  for (const s of [`${' '.repeat(20_000)}x`, `>=3.10${' '.repeat(20_000)},${' '.repeat(20_000)}x`, `===${' '.repeat(20_000)}x y`]) assert.equal(sets.test(s), false);
  assert.ok(performance.now() - started < 1_000, 'no catastrophic backtracking');
});

test('known limits of a regular expression: each disagrees with the parser the documented way', () => {
  // Two levels of parentheses, as real files write them, are fine.
  const twoLevels = "torchcodec>=0.3.0,<0.12.0; (sys_platform == 'linux' and (platform_machine == 'x86_64' or platform_machine == 'AMD64')) or (sys_platform == 'darwin' and platform_machine == 'arm64')";
  assert.equal(pattern.test(twoLevels), true);
  assert.equal(parseRequirement(twoLevels).ok, true);
  // Valid, rejected by the pattern: nesting past two levels of parentheses, `in` without whitespace
  // next to quotes, and the empty clause packaging drops after `===x,`.
  const rejectsValid = ['name; (extra == "a" or (os_name == "nt" and (python_version < "3.12")))', "name; 'linux'in sys_platform", 'name===x,,'];
  // Invalid, accepted: `and`/`or` touching a variable, and a `===` clause followed by a spaced one
  // (packaging's `===` token swallows the comma).
  const acceptsInvalid = ["name; extra=='a'andos_name=='nt'", 'name===x, ==1.0'];
  const t = tally([...rejectsValid, ...acceptsInvalid]);
  assert.deepEqual(t.regexRejectsValid, rejectsValid);
  assert.deepEqual(t.regexAcceptsInvalid, acceptsInvalid);
});

const VECTORS = path.join(CORPUS_ROOT, 'packaging-vectors.json');
describe("agreement on pypa/packaging's vectors", { skip: existsSync(VECTORS) ? false : `not found: ${VECTORS}` }, () => {
  const v = existsSync(VECTORS)
    ? (JSON.parse(readFileSync(VECTORS, 'utf8')) as {
        requirement_valid_grid: string[];
        requirement_errors: Array<{ input: string }>;
        version_valid: string[];
        version_invalid: string[];
        specifier_invalid: string[];
      })
    : undefined;
  const groups = v
    ? {
        // The requirement grid: every shape of name, extras, specifier, URL and marker, every spacing.
        'requirement grid': v.requirement_valid_grid,
        // The requirement error cases.
        'requirement errors': v.requirement_errors.map((e) => e.input),
        // Versions and specifiers put into requirements: `demo==<version>`, `demo<specifier>`.
        'versions as demo==<v>': [...v.version_valid, ...v.version_invalid].map((x) => `demo==${x}`),
        'invalid specifiers as demo<s>': v.specifier_invalid.map((x) => `demo${x}`),
      }
    : {};
  // [inputs, agree, regex accepts invalid, regex rejects valid]
  const expected: Record<string, [number, number, number, number]> = {
    'requirement grid': [5172, 5172, 0, 0],
    'requirement errors': [24, 24, 0, 0],
    'versions as demo==<v>': [112, 112, 0, 0],
    'invalid specifiers as demo<s>': [31, 31, 0, 0],
  };
  for (const [name, inputs] of Object.entries(groups)) {
    test(name, () => {
      const t = tally(inputs);
      console.log(`  ${name}: ${inputs.length} inputs, ${t.agree} agree, ${t.regexAcceptsInvalid.length} regex-accepts-invalid, ${t.regexRejectsValid.length} regex-rejects-valid`);
      assert.deepEqual([inputs.length, t.agree, t.regexAcceptsInvalid.length, t.regexRejectsValid.length], expected[name], JSON.stringify({ acceptsInvalid: t.regexAcceptsInvalid.slice(0, 10), rejectsValid: t.regexRejectsValid.slice(0, 10) }));
    });
  }
});
