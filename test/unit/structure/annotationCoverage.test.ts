import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../../../src/core/diagnostics';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { formatReadinessText, toReadinessJson, type ReadinessReport } from '../../../src/core/readiness';
import { collectSignatures } from '../../../src/core/rules/structure/functionSignatures';
import { parseModule } from '../../../src/core/python/parser';
import { checkWorkspace, loadIntoMemory } from '../readiness/workspace';
import { machineStdlib } from '../../helpers/stdlib';

const PYPROJECT = '[project]\nname = "churn"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.mypy]\nstrict = true\n';

/** A src-layout package with methods, private names, async defs, decorators, overloads, a property and tests. */
const FEATURES = [
  'from __future__ import annotations',
  '',
  'import functools',
  'from typing import overload',
  '',
  'import pandas as pd',
  '',
  '',
  'def encode(df, columns: list[str]) -> pd.DataFrame:',
  '    return pd.get_dummies(df, columns=columns)',
  '',
  '',
  'def log_metrics(metrics: dict[str, float]):',
  '    for name, value in metrics.items():',
  '        print(name, value)',
  '',
  '',
  'async def fetch(url: str, *args, timeout: float = 1.0, **options) -> bytes:',
  '    ...',
  '',
  '',
  '@functools.lru_cache(maxsize=None)',
  'def load_schema(path: str) -> dict[str, str]:',
  '    def parse(line):  # a local helper, not API',
  '        return line.split(":")',
  '    return dict(parse(line) for line in open(path))',
  '',
  '',
  'def _private_helper(x):',
  '    return x',
  '',
  '',
  'scale = lambda x: x * 2  # a lambda is not a def',
  '',
  '',
  '@overload',
  'def clip(x: int) -> int: ...',
  '@overload',
  'def clip(x: float) -> float: ...',
  'def clip(x):',
  '    return x',
  '',
  '',
  'class FeatureBuilder:',
  '    def __init__(self, columns: list[str]):',
  '        self.columns = columns',
  '',
  '    def fit(self, df):',
  '        """Learns the categories."""',
  '        self.seen = set(df.columns)',
  '',
  '    @classmethod',
  '    def from_config(cls, config: dict[str, str]) -> "FeatureBuilder":',
  '        return cls(list(config))',
  '',
  '    @staticmethod',
  '    def version(self) -> str:',
  '        return "1"',
  '',
  '    @property',
  '    def width(self) -> int:',
  '        return len(self.columns)',
  '',
  '    @width.setter',
  '    def width(self, value):',
  '        raise AttributeError("read-only")',
  '',
  '    def _reset(self):',
  '        self.seen = set()',
  '',
  '    def __call__(self, df: pd.DataFrame):',
  '        return self.transform(df)',
  '',
  '    def transform(self, df: pd.DataFrame) -> pd.DataFrame:',
  '        return df',
  '',
  '',
  'class _Cache:',
  '    def get(self, key):',
  '        return key',
  '',
].join('\n');

const SRC_LAYOUT: Record<string, string> = {
  'pyproject.toml': PYPROJECT,
  'src/churn/__init__.py': 'from churn.features import encode\n\n__all__ = ["encode"]\n',
  'src/churn/features.py': FEATURES,
  'src/churn/_impl.py': 'def unannotated(a, b):\n    return a + b\n',
  'src/churn/_internal/helpers.py': 'def also_private(a):\n    return a\n',
  'src/churn/__main__.py': 'def main():\n    print("run")\n',
  'src/churn/tests/test_features.py': 'def test_encode(tmp_path):\n    assert True\n',
  'src/churn/conftest.py': 'def pytest_configure(config):\n    pass\n',
  'tests/test_features.py': 'def test_encode():\n    assert True\n',
  'notebooks/explore.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: ['def helper(x):\n', '    return x\n'], metadata: {}, outputs: [], execution_count: 1 }], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
  'scripts/run.py': 'def not_in_the_package(x):\n    return x\n',
};

async function checked(files: Record<string, string>, root = '/w') {
  return checkWorkspace(new MemoryFileSystem(files, root), root);
}

const hints = (findings: Finding[]) => findings.filter((f) => f.code === 'MLH422');
const at = (f: Finding) => `${f.path.slice(3)}:${f.range.start.line}:${f.range.start.character}-${f.range.end.character}`;

function coverageCheck(report: ReadinessReport) {
  return report.pillars.find((p) => p.name === 'types')!.checks.find((c) => c.id === 'annotation-coverage')!;
}

test('MLH422: one hint per public def lacking annotations, on its name; private, nested, test and non-package code is not counted', async () => {
  const { findings } = await checked(SRC_LAYOUT);
  const found = hints(findings);
  assert.deepEqual(found.map((f) => `${at(f)} ${f.message.split('`')[1]}`), [
    'src/churn/features.py:8:4-10 churn.features.encode',
    'src/churn/features.py:12:4-15 churn.features.log_metrics',
    'src/churn/features.py:17:10-15 churn.features.fetch',
    'src/churn/features.py:47:8-11 churn.features.FeatureBuilder.fit',
    'src/churn/features.py:56:8-15 churn.features.FeatureBuilder.version',
    'src/churn/features.py:64:8-13 churn.features.FeatureBuilder.width',
    'src/churn/features.py:70:8-16 churn.features.FeatureBuilder.__call__',
  ]);
  assert.ok(found.every((f) => f.severity === 'hint'));
  const message = (name: string) => found.find((f) => f.message.startsWith(`\`churn.features.${name}\``))!.message;
  assert.match(message('encode'), /lacks an annotation on `df`,/);
  assert.match(message('log_metrics'), /lacks a return annotation, .* It returns nothing: `-> None`\./);
  // *args and **options need annotations too, as Pyright's --verifytypes asks.
  assert.match(message('fetch'), /lacks annotations on `\*args` and `\*\*options`,/);
  assert.match(message('FeatureBuilder.fit'), /lacks annotations on `df` and its return type,/);
  // A staticmethod has no `self`: its first parameter is a parameter like any other.
  assert.match(message('FeatureBuilder.version'), /lacks an annotation on `self`,/);
  assert.match(message('FeatureBuilder.width'), /lacks annotations on `value` and its return type,/);
  assert.match(message('FeatureBuilder.__call__'), /lacks a return annotation/);
});

test('MLH422: the `-> None` fix is offered only where the body evidently returns nothing, and inserts after the parameter list', async () => {
  const { findings } = await checked(SRC_LAYOUT);
  const byName = new Map(hints(findings).map((f) => [f.message.split('`')[1]!.split('.').pop()!, f]));
  const apply = (f: Finding) => {
    const op = f.fixes![0]!.edit!.operations[0]!;
    assert.ok(op.kind === 'edit');
    assert.equal(op.edits.length, 1, 'one edit');
    return applyTextEdits(FEATURES, op.edits).split('\n');
  };
  assert.equal(apply(byName.get('log_metrics')!)[12], 'def log_metrics(metrics: dict[str, float]) -> None:');
  assert.equal(byName.get('log_metrics')!.fixes![0]!.isPreferred, true);
  // `fit` still needs `df` annotated by hand: the fix is offered, not preferred.
  assert.equal(apply(byName.get('fit')!)[47], '    def fit(self, df) -> None:');
  assert.equal(byName.get('fit')!.fixes![0]!.isPreferred, false);
  // A value returned, a stub body, a body that ends by raising: the return type is not evident.
  for (const name of ['__call__', 'encode', 'fetch', 'width', 'version']) assert.equal(byName.get(name)!.fixes, undefined, name);
});

test('MLH422: the fix finds the closing parenthesis past comments, strings and type parameters, in a multi-line header', () => {
  const source = [
    'class Trainer:',
    '    def run[T](',
    '        self,',
    '        steps: int,  # the count (of batches)',
    '        tag: str = ")",',
    '    ):',
    '        print(steps, tag)',
    '',
    'def stub():',
    '    """Documented only."""',
    '',
    'def generator(n: int):',
    '    yield n',
    '',
    'def early(flag: bool):',
    '    if flag:',
    '        return',
    '    print(flag)',
    '    return None',
    '',
  ].join('\n');
  const [run, stub, generator, early] = collectSignatures(source, parseModule(source).body);
  assert.equal(run!.qualname, 'Trainer.run');
  assert.deepEqual(run!.unannotatedParameters, []);
  assert.equal(source.slice(0, run!.noneReturnAt), source.slice(0, source.indexOf('):\n        print') + 1));
  assert.equal(stub!.noneReturnAt, undefined);
  assert.equal(generator!.noneReturnAt, undefined);
  assert.equal(source.slice(early!.noneReturnAt! - 12, early!.noneReturnAt), '(flag: bool)');
});

test('MLH422: flat layout; `__init__` may omit `-> None` once a parameter is annotated; the overloads, not the implementation, are checked', async () => {
  const files = {
    'pyproject.toml': PYPROJECT,
    'churn/__init__.py': '',
    'churn/model.py': [
      'from typing import overload',
      '',
      'class Model:',
      '    def __init__(self, depth: int):',
      '        self.depth = depth',
      '',
      'class Registry:',
      '    def __init__(self):',
      '        self.items = {}',
      '',
      '    class Entry:',
      '        def describe(self):',
      '            return "entry"',
      '',
      '@overload',
      'def load(path: str) -> Model: ...',
      '@overload',
      'def load(path: bytes): ...',
      'def load(path):',
      '    return Model(1)',
      '',
    ].join('\n'),
  };
  const { findings, reports } = await checked(files);
  assert.deepEqual(hints(findings).map((f) => `${at(f)} ${f.message.split('`')[1]}`), [
    'churn/model.py:7:8-16 churn.model.Registry.__init__',
    'churn/model.py:11:12-20 churn.model.Registry.Entry.describe',
    'churn/model.py:17:4-8 churn.model.load',
  ]);
  const init = hints(findings)[0]!;
  const op = init.fixes![0]!.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  assert.equal(applyTextEdits(files['churn/model.py'], op.edits).split('\n')[7], '    def __init__(self) -> None:');
  // Model.__init__, Registry.__init__, Registry.Entry.describe and load (two overloads, one function): 1 of 4.
  const check = coverageCheck(reports[0]!);
  assert.equal(check.message, '25% of 4 public functions fully annotated (1/4): annotate the parameters and return types MLH422 points at.');
  assert.equal(check.share, 0.25);
});

test('MLH422: defs inside module-level blocks are API; a name defined twice is one function, annotated only when every def is', async () => {
  const source = [
    'try:',
    '    from ujson import loads',
    'except ImportError:',
    '    def loads(text):',
    '        return text',
    '',
    'if True:',
    '    def dump(obj: object) -> str:',
    '        return str(obj)',
    'else:',
    '    def dump(obj: object) -> str:',
    '        return repr(obj)',
    '',
    'class Store:',
    '    with open(__file__) as f:',
    '        def read(self) -> str:',
    '            return ""',
    '',
  ].join('\n');
  const signatures = collectSignatures(source, parseModule(source).body);
  assert.deepEqual(signatures.map((s) => [s.qualname, s.unannotatedParameters, s.missingReturn]), [
    ['loads', ['text'], true],
    ['dump', [], false],
    ['dump', [], false],
    ['Store.read', [], false],
  ]);
  // loads, dump (two defs, one function) and Store.read: 2 of 3.
  const { reports } = await checked({ 'pyproject.toml': PYPROJECT, 'src/churn/__init__.py': '', 'src/churn/io.py': source });
  assert.match(coverageCheck(reports[0]!).message, /^66\.6% of 3 public functions fully annotated \(2\/3\)/);
});

test('readiness: the type-safety pillar scores annotation coverage by its figure, and the check opens the first unannotated function', async () => {
  const { reports } = await checked(SRC_LAYOUT);
  const report = reports[0]!;
  const check = coverageCheck(report);
  // Public functions: encode, log_metrics, fetch, load_schema, clip (overloads), FeatureBuilder's
  // __init__, fit, from_config, version, width (getter and setter), __call__, transform = 12;
  // fully annotated: load_schema, clip, __init__, from_config, transform = 5.
  assert.equal(check.applicable, true);
  assert.equal(check.passed, false);
  assert.equal(check.message, '41.6% of 12 public functions fully annotated (5/12): annotate the parameters and return types MLH422 points at.');
  assert.equal(check.share, 5 / 12);
  assert.equal(check.code, 'MLH422');
  assert.equal(check.file, '/w/src/churn/features.py');
  assert.equal(check.range!.start.line, 8);
  // The pillar earns 5/12 of the check's weight. Its applicable checks: MLH401 (weight 2, mypy is
  // configured) passes, type-checker-enforced (1) passes, typed-package (1) fails (no py.typed),
  // validated-ingestion (1) passes, annotation-coverage (1) earns 5/12: (2 + 1 + 0 + 1 + 5/12) / 6 =
  // 73.6% → 74. Scored pass/fail it would be 4/6 → 67.
  const types = report.pillars.find((p) => p.name === 'types')!;
  assert.deepEqual(
    types.checks.filter((c) => c.applicable).map((c) => [c.id, c.weight, c.passed]),
    [['MLH401', 2, true], ['type-checker-enforced', 1, true], ['typed-package', 1, false], ['annotation-coverage', 1, false], ['validated-ingestion', 1, true]],
  );
  assert.equal(types.score, 74);
  assert.match(formatReadinessText(reports, '/w'), /✗ annotation-coverage +41\.6% of 12 public functions fully annotated \(5\/12\).*\(src\/churn\/features\.py:9\)/);
  const json = toReadinessJson(reports, '/w').pillars.find((p) => p.name === 'types')!.checks.find((c) => c.id === 'annotation-coverage')!;
  assert.equal(json.share, 5 / 12);
  assert.equal(json.file, 'src/churn/features.py');
});

test('readiness: the score rises as functions get annotated, and a fully annotated package passes with its count', async () => {
  const typed = 'def encode(df: list[int]) -> list[int]:\n    return df\n\n\ndef log(msg: str) -> None:\n    print(msg)\n';
  const partly = 'def encode(df: list[int]) -> list[int]:\n    return df\n\n\ndef log(msg):\n    print(msg)\n';
  const untyped = 'def encode(df):\n    return df\n\n\ndef log(msg):\n    print(msg)\n';
  const scores: number[] = [];
  for (const module of [untyped, partly, typed]) {
    const { reports } = await checked({ 'pyproject.toml': PYPROJECT, 'src/churn/__init__.py': '', 'src/churn/features.py': module });
    scores.push(reports[0]!.pillars.find((p) => p.name === 'types')!.score!);
    if (module === typed) {
      const check = coverageCheck(reports[0]!);
      assert.equal(check.passed, true);
      assert.equal(check.share, 1);
      assert.equal(check.message, '100% of 2 public functions fully annotated (2/2).');
    }
  }
  assert.ok(scores[0]! < scores[1]! && scores[1]! < scores[2]!, `types pillar: ${scores.join(' < ')}`);
});

test('readiness: no package, no public function, or MLH422 turned off: the coverage check does not count', async () => {
  const noPackage = coverageCheck((await checked({ 'pyproject.toml': PYPROJECT, 'train.py': 'def main():\n    pass\n' })).reports[0]!);
  assert.equal(noPackage.applicable, false);
  assert.match(noPackage.message, /no package/);
  const empty = coverageCheck((await checked({ 'pyproject.toml': PYPROJECT, 'src/churn/__init__.py': '', 'src/churn/_impl.py': 'def f(x):\n    return x\n' })).reports[0]!);
  assert.equal(empty.applicable, false);
  assert.match(empty.message, /no public functions/);
  const off = await checked({ ...SRC_LAYOUT, 'pyproject.toml': PYPROJECT + '\n[tool.ml-hygiene]\nignore = ["MLH422"]\n' });
  assert.deepEqual(hints(off.findings), []);
  assert.equal(coverageCheck(off.reports[0]!).applicable, false);
  assert.match(coverageCheck(off.reports[0]!).message, /turned off/);
});

test('MLH422: excluded files are left out of the hints and the figure; a suppression comment hides a hint but not from the figure', async () => {
  const files = {
    'pyproject.toml': PYPROJECT + '\n[tool.ml-hygiene]\nexclude = ["src/churn/legacy/**"]\n',
    'src/churn/__init__.py': '',
    'src/churn/legacy/old.py': 'def old(x):\n    return x\n',
    'src/churn/api.py': 'def typed(x: int) -> int:\n    return x\n\n\ndef untyped(x):  # ml-hygiene: ignore[MLH422]\n    return x\n',
  };
  const { findings, reports } = await checked(files);
  assert.deepEqual(hints(findings), []);
  assert.match(coverageCheck(reports[0]!).message, /^50% of 2 public functions/);
});

test('MLH422: a large package (30 modules, 6,000 functions) gets every hint and the figure', async () => {
  const files: Record<string, string> = { 'pyproject.toml': PYPROJECT, 'src/churn/__init__.py': '' };
  const module = Array.from({ length: 200 }, (_, i) => `def f${i}(a, b: int) -> int:\n    return b\n`).join('\n');
  for (let m = 0; m < 30; m++) files[`src/churn/m${m}.py`] = module;
  const { findings, reports } = await checked(files);
  assert.equal(hints(findings).length, 6000);
  assert.match(coverageCheck(reports[0]!).message, /^0% of 6000 public functions/);
});

const stdlib = machineStdlib();
test('MLH422 agrees with an independent count made with CPython\'s ast on real packages (json, email, asyncio, concurrent)', { skip: stdlib ? false : 'no python3 on this machine' }, async () => {
  const packages = ['json', 'email', 'asyncio', 'concurrent'];
  const oracle = JSON.parse(execFileSync('python3', [path.join(__dirname, 'annotationOracle.py'), stdlib!, ...packages], { encoding: 'utf8' })) as { total: number; annotated: number; incomplete: string[] };
  const fs = new MemoryFileSystem({ 'pyproject.toml': '[project]\nname = "std"\nversion = "1"\n' }, '/ws');
  for (const p of packages) loadIntoMemory(path.join(stdlib!, p), `/ws/src/${p}`, fs);
  const { findings, reports } = await checkWorkspace(fs, '/ws');
  const ours = hints(findings).map((f) => `${f.message.split('`')[1]}:${f.range.start.line + 1}`).sort();
  assert.ok(oracle.total > 500, `only ${oracle.total} public functions counted by the oracle`);
  assert.deepEqual(ours, oracle.incomplete);
  assert.match(coverageCheck(reports[0]!).message, new RegExp(`^[\\d.]+% of ${oracle.total} public functions fully annotated \\(${oracle.annotated}/${oracle.total}\\)`));
});
