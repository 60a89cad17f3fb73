import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PythonEnvironment } from '../../../src/core/environment/installedDistributions';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { computeFirstPartyModules, ImportResolver, pythonTargetOf, stdlibStatus } from '../../../src/core/imports';
import { parsePyproject } from '../../../src/core/pyproject/pyprojectFile';
import { addDependencyFix } from '../../../src/core/rules/notebooks';
import type { TextEdit } from '../../../src/core/diagnostics';

test('the built-in table maps common ML import names to their distributions', () => {
  const r = new ImportResolver();
  const first = (m: string) => {
    const o = r.classify(m);
    return o.kind === 'third-party' ? `${o.distributions[0]} (${o.source})` : o.kind;
  };
  assert.equal(first('sklearn.model_selection'), 'scikit-learn (table)');
  assert.equal(first('cv2'), 'opencv-python (table)');
  assert.equal(first('PIL.Image'), 'pillow (table)');
  assert.equal(first('yaml'), 'pyyaml (table)');
  assert.equal(first('bs4'), 'beautifulsoup4 (table)');
  assert.equal(first('skimage.io'), 'scikit-image (table)');
  assert.equal(first('dateutil.parser'), 'python-dateutil (table)');
  assert.equal(first('google.cloud.storage'), 'google-cloud-storage (table)');
  assert.equal(first('google.cloud.bigquery.client'), 'google-cloud-bigquery (table)');
  assert.equal(first('fitz'), 'pymupdf (table)');
  assert.equal(first('some_new_lib.sub'), 'some-new-lib (guess)');
  assert.equal(first('os.path'), 'stdlib');
  assert.equal(first('tomllib'), 'stdlib');
  assert.equal(first('__future__'), 'stdlib');
  // Every OpenCV build satisfies `import cv2`.
  const cv2 = r.classify('cv2');
  assert.ok(cv2.kind === 'third-party' && cv2.distributions.includes('opencv-python-headless') && cv2.distributions.includes('opencv-contrib-python'));
  // Prototype names are not table entries.
  assert.equal(first('constructor'), 'constructor (guess)');
});

test('the installed environment\'s metadata wins over the table and the guess', () => {
  const environment: PythonEnvironment = {
    sitePackages: ['/env/lib/python3.12/site-packages'],
    distributions: new Map([
      ['opencv-python-headless', { name: 'opencv-python-headless', normalizedName: 'opencv-python-headless', version: '4.10.0.84', importNames: ['cv2'] }],
      ['my-internal-lib', { name: 'my-internal-lib', normalizedName: 'my-internal-lib', version: '1.0', importNames: ['mil'] }],
    ]),
  };
  const r = new ImportResolver({ environment });
  const cv2 = r.classify('cv2');
  assert.ok(cv2.kind === 'third-party');
  assert.equal(cv2.source, 'environment');
  assert.equal(cv2.distributions[0], 'opencv-python-headless');
  const mil = r.classify('mil.core');
  assert.ok(mil.kind === 'third-party' && mil.distributions[0] === 'my-internal-lib');
  assert.deepEqual(r.importNamesOf('My_Internal.Lib'), ['mil']);
  // Without metadata: table reverse, else the name guesses.
  assert.deepEqual(new ImportResolver().importNamesOf('scikit-learn'), ['sklearn']);
  assert.deepEqual(new ImportResolver().importNamesOf('google-cloud-foo'), ['google_cloud_foo', 'google.cloud.foo']);
});

test('standard library across versions: removed modules count only when the project\'s Python lacks them', () => {
  assert.deepEqual(stdlibStatus('distutils'), { kind: 'stdlib' }); // no target known
  assert.deepEqual(stdlibStatus('distutils', { minMinor: 11, maxMinor: 11 }), { kind: 'stdlib' });
  assert.deepEqual(stdlibStatus('distutils', { minMinor: 12, maxMinor: 12 }), { kind: 'removed', removedIn: 12 });
  assert.deepEqual(stdlibStatus('imp', { minMinor: 10, maxMinor: 14 }), { kind: 'removed', removedIn: 12 });
  assert.deepEqual(stdlibStatus('telnetlib', { minMinor: 13, maxMinor: 13 }), { kind: 'removed', removedIn: 13 });
  assert.deepEqual(stdlibStatus('asyncio', { minMinor: 14, maxMinor: 14 }), { kind: 'stdlib' });
  assert.deepEqual(stdlibStatus('numpy'), { kind: 'not-stdlib' });

  assert.deepEqual(pythonTargetOf('>=3.10', undefined), { minMinor: 10, maxMinor: 14 });
  assert.deepEqual(pythonTargetOf('>=3.9,<3.12', undefined), { minMinor: 9, maxMinor: 11 });
  assert.deepEqual(pythonTargetOf('~=3.11.4', undefined), { minMinor: 11, maxMinor: 11 });
  assert.deepEqual(pythonTargetOf('>=3.10', '3.11.9\n'), { minMinor: 11, maxMinor: 11 }); // the interpreter in use wins
  assert.deepEqual(pythonTargetOf(undefined, 'cpython-3.13'), { minMinor: 13, maxMinor: 13 });
  assert.deepEqual(pythonTargetOf(undefined, undefined), {});
  assert.deepEqual(pythonTargetOf('not a specifier', undefined), {});

  const r = new ImportResolver({ target: pythonTargetOf(undefined, '3.12') });
  const distutils = r.classify('distutils.util');
  assert.deepEqual(distutils, { kind: 'third-party', distributions: ['setuptools'], source: 'table', removedFromStdlibIn: 12 });
  const imp = r.classify('imp');
  assert.deepEqual(imp, { kind: 'third-party', distributions: [], source: 'guess', removedFromStdlibIn: 12 });
});

test('first-party: src layout, flat packages, root modules, the project name, and modules beside the file', () => {
  const fp = computeFirstPartyModules('/p', ['/p/src/churn/__init__.py', '/p/src/churn/io.py', '/p/src/tools.py', '/p/flat/__init__.py', '/p/flat/x.py', '/p/manage.py', '/p/scripts/helpers.py', '/p/scripts/run.py', '/p/notebooks/lib/__init__.py'], 'churn-model');
  const r = new ImportResolver({ firstParty: fp });
  for (const m of ['churn.io', 'tools', 'flat.x', 'manage', 'churn_model']) assert.equal(r.classify(m).kind, 'first-party', m);
  assert.equal(r.classify('helpers', '/p/scripts').kind, 'first-party');
  assert.equal(r.classify('helpers', '/p/notebooks').kind, 'third-party'); // not beside this file
  assert.equal(r.classify('lib', '/p/notebooks').kind, 'first-party'); // a package beside the notebook
  assert.equal(r.classify('scripts').kind, 'third-party'); // a folder without __init__.py is not a package
});

test('notebook kernels and hosted runtimes provide some modules', () => {
  const r = new ImportResolver();
  assert.equal(r.classify('IPython.display', '/p', true).kind, 'runtime-provided');
  assert.equal(r.classify('IPython.display', '/p', false).kind, 'third-party');
  assert.equal(r.classify('google.colab.drive').kind, 'runtime-provided');
});

function applyFix(text: string, path: string, requirement: string): string | undefined {
  const fix = addDependencyFix({ pyproject: parsePyproject(path, text) }, requirement, requirement);
  const op = fix?.edit?.operations[0];
  if (!op || op.kind !== 'edit') return undefined;
  assert.equal(fix!.edit!.operations.length, 1);
  return applyTextEdits(text, op.edits as TextEdit[]);
}

test('Add dependency keeps the pyproject formatting', () => {
  const P = '/p/pyproject.toml';
  assert.equal(applyFix('[project]\nname = "x"\ndependencies = ["pandas"]\n', P, 'scikit-learn'), '[project]\nname = "x"\ndependencies = ["pandas", "scikit-learn"]\n');
  assert.equal(applyFix('[project]\ndependencies = []\n', P, 'numpy'), '[project]\ndependencies = ["numpy"]\n');
  assert.equal(applyFix("[project]\ndependencies = ['pandas']\n", P, 'numpy'), "[project]\ndependencies = ['pandas', 'numpy']\n");
  assert.equal(applyFix('[project]\ndependencies = [\n  "pandas",\n  "numpy"\n]\n', P, 'pyyaml'), '[project]\ndependencies = [\n  "pandas",\n  "numpy",\n  "pyyaml"\n]\n');
  assert.equal(applyFix('[project]\ndependencies = [\n    "pandas",  # data frames\n]\n', P, 'pyyaml'), '[project]\ndependencies = [\n    "pandas",  # data frames\n    "pyyaml",\n]\n');
  assert.equal(applyFix('[project]\ndependencies = [\n    "pandas"  # data frames\n]\n', P, 'pyyaml'), '[project]\ndependencies = [\n    "pandas",  # data frames\n    "pyyaml"\n]\n');
  assert.equal(applyFix('[project]\r\ndependencies = [\r\n\t"pandas",\r\n]\r\n', P, 'pyyaml'), '[project]\r\ndependencies = [\r\n\t"pandas",\r\n\t"pyyaml",\r\n]\r\n');
  assert.equal(applyFix('[project]\nname = "x"\n\n[tool.x]\n', P, 'numpy'), '[project]\ndependencies = ["numpy"]\nname = "x"\n\n[tool.x]\n');
  // Poetry-only projects have no PEP 508 array to add to: no fix rather than a wrong one.
  assert.equal(applyFix('[tool.poetry.dependencies]\npython = "^3.11"\n', P, 'numpy'), undefined);
  // Every result is still valid TOML with the new requirement in [project].dependencies.
  const after = applyFix('[project]\ndependencies = [\n    "pandas",  # data frames\n]\n', P, 'pyyaml')!;
  assert.deepEqual(parsePyproject(P, after).requirements.map((r) => r.raw), ['pandas', 'pyyaml']);
});

test('Add dependency appends to a requirements file when there is no [project] table', () => {
  const fix = addDependencyFix({ requirementsFile: { path: '/p/requirements.txt', text: 'pandas==2.2.3' } }, 'pyyaml', 'pyyaml')!;
  const op = fix.edit!.operations[0]!;
  assert.ok(op.kind === 'edit');
  assert.equal(applyTextEdits('pandas==2.2.3', op.edits), 'pandas==2.2.3\npyyaml\n');
  assert.equal(fix.title, 'Add `pyyaml` to dependencies (requirements.txt)');
});
