import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidIdentifier, locateModule, suggestFunctionName, suggestModulePath, toSnakeCase } from '../../../src/core/extract/naming';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';

describe('suggestFunctionName', () => {
  test('the first comment of the cell', () => {
    assert.equal(suggestFunctionName('# Load the raw data\ndf = load()'), 'load_raw_data');
    assert.equal(suggestFunctionName('\n\n## Train model (v2)\nfit()'), 'train_model_v2');
  });
  test('tool directives and encodings are not descriptions', () => {
    assert.equal(suggestFunctionName('# -*- coding: utf-8 -*-\n# noqa: E402\n# Clean columns\nx = 1'), 'clean_columns');
  });
  test('a comment after code does not count; the markdown heading above does', () => {
    assert.equal(suggestFunctionName('x = 1  # not a title\n# later comment', '## Feature engineering\nSome text', 4), 'feature_engineering');
  });
  test('camelCase, digits and keywords become a valid identifier', () => {
    assert.equal(toSnakeCase('computeRMSE scores'), 'compute_rmse_scores');
    assert.equal(toSnakeCase('2023 results'), 'results');
    assert.equal(toSnakeCase('import'), 'import_step');
    assert.equal(toSnakeCase('!!!'), '');
    assert.equal(suggestFunctionName('#\nx = 1', '!!!', 7), 'cell_7');
  });
  test('at most five words', () => {
    assert.equal(suggestFunctionName('# split data into train validation and test sets'), 'split_data_into_train_validation');
  });
  test('identifiers', () => {
    assert.ok(isValidIdentifier('load_data'));
    assert.ok(!isValidIdentifier('1st'));
    assert.ok(!isValidIdentifier('lambda'));
    assert.ok(!isValidIdentifier('my-func'));
  });
});

describe('suggestModulePath', () => {
  test('src/<package>/<notebook stem>.py for the discovered package', async () => {
    const fs = new MemoryFileSystem({ '/p/pyproject.toml': '[project]\nname = "churn-model"\n[build-system]\nrequires = []\n', '/p/src/churn_model/__init__.py': '', '/p/src/aaa/__init__.py': '' });
    const s = await suggestModulePath(fs, '/p', '/p/notebooks/01-Data Cleaning.ipynb', 'clean');
    assert.deepEqual({ path: s.path, packageName: s.packageName, createsPackage: s.createsPackage }, { path: '/p/src/churn_model/data_cleaning.py', packageName: 'churn_model', createsPackage: false });
    assert.match(s.importPathNote, /churn_model\.data_cleaning.*editable mode.*src\/.*PYTHONPATH/);
  });
  test('a flat-layout package', async () => {
    const fs = new MemoryFileSystem({ '/p/setup.py': '', '/p/tools/__init__.py': '', '/p/tests/__init__.py': '' });
    const s = await suggestModulePath(fs, '/p', '/p/explore.ipynb', 'f');
    assert.equal(s.path, '/p/tools/explore.py');
    assert.match(s.importPathNote, /no \[build-system\]/);
  });
  test('offers to create the package when there is none', async () => {
    const fs = new MemoryFileSystem({ '/p/pyproject.toml': '[project]\nname = "Sales.Forecast"\n', '/p/nb.ipynb': '{}' });
    const s = await suggestModulePath(fs, '/p', '/p/nb.ipynb', 'f');
    assert.deepEqual({ path: s.path, packageName: s.packageName, createsPackage: s.createsPackage }, { path: '/p/src/sales_forecast/nb.py', packageName: 'sales_forecast', createsPackage: true });
    assert.match(s.importPathNote, /Creates the package src\/sales_forecast\//);
  });
});

describe('locateModule', () => {
  test('dotted import name and the package __init__.py files that are missing', async () => {
    const fs = new MemoryFileSystem({ '/p/src/pkg/__init__.py': '' });
    const r = await locateModule(fs, '/p', '/p/src/pkg/sub/deep/mod.py');
    assert.ok(r.ok);
    assert.equal(r.location.importName, 'pkg.sub.deep.mod');
    assert.deepEqual(r.location.missingPackageInits, ['/p/src/pkg/sub/__init__.py', '/p/src/pkg/sub/deep/__init__.py']);
  });
  test('not a .py file', async () => {
    const r = await locateModule(new MemoryFileSystem(), '/p', '/p/src/pkg/mod.txt');
    assert.ok(!r.ok && /\.py file/.test(r.reason));
  });
});
