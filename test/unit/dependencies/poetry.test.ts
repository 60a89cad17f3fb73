import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, coveredText } from './helpers';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { poetryConstraintToPep440 } from '../../../src/core/pyproject/poetryDependencies';

test('Poetry constraints translate to PEP 440 with the same bounds', () => {
  assert.equal(poetryConstraintToPep440('*'), '');
  assert.equal(poetryConstraintToPep440('^1.2.3'), '>=1.2.3,<2');
  assert.equal(poetryConstraintToPep440('^0.2.3'), '>=0.2.3,<0.3');
  assert.equal(poetryConstraintToPep440('~1.2'), '>=1.2,<1.3');
  assert.equal(poetryConstraintToPep440('2.2.3'), '==2.2.3');
  assert.equal(poetryConstraintToPep440('>=1.0, <2.0'), '>=1.0,<2.0');
  assert.equal(poetryConstraintToPep440('>=1.0'), '>=1.0');
  assert.equal(poetryConstraintToPep440('1.0 || 2.0'), undefined);
});

const POETRY = `[tool.poetry]
name = "churn"
version = "0.1.0"
description = "Churn model"

[tool.poetry.dependencies]
python = "^3.11"
pandas = "*"                          # unpinned
scikit-learn = ">=1.3"                # open-ended
numpy = "^2.1"                        # caret: bounded
xgboost = { version = "2.1.3", extras = ["scikit-learn"] }
pytest = "^8.3"                       # a dev tool shipped at runtime
torch = "1.0 || 2.0"

[tool.poetry.group.dev.dependencies]
ruff = "*"
`;

const POETRY_LOCK = `[[package]]
name = "pandas"
version = "2.2.3"
description = ""
optional = false
python-versions = ">=3.9"
files = []

[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "0000"
`;

test('Poetry dependency tables get MLH101/MLH102/MLH107 on the constraint, and Pin rewrites only the constraint', async () => {
  const { findings } = await check({ 'pyproject.toml': POETRY, 'poetry.lock': POETRY_LOCK, '.python-version': '3.11' });
  const got = (code: string) => findings.filter((f) => f.code === code).map((f) => coveredText(POETRY, f));
  assert.deepEqual(got('MLH101'), ['*'], 'pandas = "*" (dev groups are not runtime)');
  assert.deepEqual(got('MLH105'), [], '`1.0 || 2.0` is valid Poetry syntax, left to Poetry');
  assert.deepEqual(got('MLH107'), ['pytest'], 'on the name of the dev tool in the runtime table');
  const pin = findings.find((f) => f.code === 'MLH101')!.fixes![0]!;
  assert.equal(pin.title, 'Pin dependency: pandas = "==2.2.3"');
  const op = pin.edit!.operations[0]!;
  assert.equal(applyTextEdits(POETRY, op.kind === 'edit' ? op.edits : []), POETRY.replace('pandas = "*"', 'pandas = "==2.2.3"'));
});

test('without a lockfile an open-ended Poetry constraint is MLH102, a caret is not', async () => {
  const { findings } = await check({ 'pyproject.toml': POETRY, '.python-version': '3.11' });
  const open = findings.filter((f) => f.code === 'MLH102').map((f) => coveredText(POETRY, f));
  assert.deepEqual(open, ['>=1.3']);
});
