import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parse } from 'smol-toml';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import {
  checkLockFreshness,
  findLockfile,
  pdmContentHash,
  poetryContentHash,
  pythonJsonDumps,
  readLockfile,
  type DeclaredRequirement,
  type Lockfile,
} from '../../../src/core/lockfiles';
import { parseRequirement } from '../../../src/core/python/pep508';
import { CORPUS_ROOT } from '../../helpers/corpus';

type Table = Record<string, any>;

/** The PEP 508 strings of a pyproject, as the rules layer hands them over. */
function declaredOf(pyproject: Table): DeclaredRequirement[] {
  const out: DeclaredRequirement[] = [];
  const add = (items: unknown, group: string) => {
    for (const raw of Array.isArray(items) ? items : []) {
      if (typeof raw !== 'string') continue;
      const parsed = parseRequirement(raw);
      if (!parsed.ok) continue;
      const r = parsed.requirement;
      out.push({ raw, normalizedName: r.normalizedName, specifier: r.specifiers.map((c) => `${c.operator}${c.version}`).join(','), group });
    }
  };
  add(pyproject.project?.dependencies, 'main');
  for (const [extra, items] of Object.entries(pyproject.project?.['optional-dependencies'] ?? {})) add(items, `extra:${extra}`);
  for (const [group, items] of Object.entries(pyproject['dependency-groups'] ?? {})) add(items, `group:${group}`);
  return out;
}

async function lockFrom(path: string, text: string): Promise<Lockfile> {
  const fs = new MemoryFileSystem({ [path]: text });
  const result = await readLockfile(fs, path);
  assert.ok(result.ok, JSON.stringify(result));
  return result.lock;
}

const clone = <T>(value: T): T => structuredClone(value);

test('pythonJsonDumps matches CPython json.dumps(sort_keys=True) byte for byte', () => {
  const value = {
    b: [1, 2.5, 1e16, 1.5e-5, 0.0001, -0.5, 1e22, 123456789012345.6, NaN, Infinity],
    a: 'café "q" \\ \n\t\x7f \u{1F600} \uff01',
    '\uff01': null,
    '\u{1F600}': true,
    A: {},
    c: [],
  };
  // Expected text printed by CPython 3.12: json.dumps(<same value>, sort_keys=True). Note the
  // key order: U+FF01 sorts before U+1F600 by code point, the reverse of UTF-16 order.
  const expected =
    '{"A": {}, "a": "caf\\u00e9 \\"q\\" \\\\ \\n\\t\\u007f \\ud83d\\ude00 \\uff01", "b": [1, 2.5, 1e+16, 1.5e-05, 0.0001, -0.5, 1e+22, 123456789012345.6, NaN, Infinity], "c": [], "\\uff01": null, "\\ud83d\\ude00": true}';
  assert.equal(pythonJsonDumps(value, { sortKeys: true }), expected);
  assert.equal(pythonJsonDumps({ b: 1, a: 2 }), '{"b": 1, "a": 2}', 'insertion order without sortKeys');
  assert.equal(pythonJsonDumps([1, 2, -0, 1e-7], { numbersAreFloats: true }), '[1.0, 2.0, -0.0, 1e-07]');
  assert.throws(() => pythonJsonDumps({ when: new Date(0) }), /not JSON serializable/);
});

// A small PEP 621 project locked by Poetry 2: its hash is computed here with Python's algorithm
// (sha256 of json.dumps(relevant, sort_keys=True)) from an independently written JSON text.
const POETRY_PEP621 = {
  project: { name: 'demo', 'requires-python': '>=3.10', dependencies: ['pandas>=2.2', 'numpy'] },
  'dependency-groups': { dev: ['pytest>=8'] },
  tool: { poetry: { packages: [{ include: 'demo' }] } },
};
const POETRY_PEP621_JSON =
  '{"dependency-groups": {"dev": ["pytest>=8"]}, "project": {"dependencies": ["pandas>=2.2", "numpy"], "requires-python": ">=3.10"}, "tool": {"poetry": {}}}';

function poetryLockText(hash: string): string {
  return `[[package]]\nname = "pandas"\nversion = "2.2.3"\noptional = false\npython-versions = ">=3.9"\nfiles = []\n\n[[package]]\nname = "numpy"\nversion = "2.1.0"\noptional = false\npython-versions = ">=3.9"\nfiles = []\n\n[[package]]\nname = "pytest"\nversion = "8.3.0"\noptional = false\npython-versions = ">=3.9"\nfiles = []\n\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.10"\ncontent-hash = "${hash}"\n`;
}

test('poetry: a matching content-hash is fresh; an edit is stale, with the concrete cause', async () => {
  const hash = createHash('sha256').update(POETRY_PEP621_JSON).digest('hex');
  assert.equal(poetryContentHash(POETRY_PEP621), hash);
  const text = poetryLockText(hash);
  const lock = await lockFrom('/p/poetry.lock', text);
  assert.deepEqual(checkLockFreshness(lock, text, POETRY_PEP621, declaredOf(POETRY_PEP621)), []);

  const edited = clone(POETRY_PEP621);
  edited.project.dependencies = ['pandas>=2.3', 'numpy', 'scipy'];
  const findings = checkLockFreshness(lock, text, edited, declaredOf(edited));
  assert.deepEqual(
    findings.map((f) => [f.reason, f.requirement]),
    [
      ['content-hash', undefined],
      ['missing-from-lock', 'scipy'],
      ['outside-specifier', 'pandas'],
    ],
  );
  assert.match(findings[0]!.message, /poetry lock/);
});

test('poetry (legacy [tool.poetry] only): absent legacy keys still count, as null', () => {
  const pyproject = { tool: { poetry: { name: 'x', dependencies: { python: '^3.10', numpy: '^2.0' } } } };
  const json = '{"dependencies": {"numpy": "^2.0", "python": "^3.10"}, "dev-dependencies": null, "extras": null, "source": null}';
  assert.equal(poetryContentHash(pyproject), createHash('sha256').update(json).digest('hex'));
});

test('pdm: content_hash over sources, dependencies, merged dev groups, extras, requires-python, resolution', async () => {
  const pyproject = {
    project: { name: 'demo', dependencies: ['numpy>=2'], 'optional-dependencies': { io: ['pyarrow'] } },
    'dependency-groups': { Test_Suite: ['pytest'] },
    tool: { pdm: { 'dev-dependencies': { lint: ['ruff'] } } },
  };
  const json =
    '{"dependencies": ["numpy>=2"], "dev-dependencies": {"lint": ["ruff"], "test-suite": ["pytest"]}, "optional-dependencies": {"io": ["pyarrow"]}, "requires-python": "", "resolution": {}, "sources": []}';
  const hash = createHash('sha256').update(json).digest('hex');
  assert.equal(pdmContentHash(pyproject), hash);
  const text = `[metadata]\ngroups = ["default"]\nlock_version = "4.5.0"\ncontent_hash = "sha256:${hash}"\n\n[[package]]\nname = "numpy"\nversion = "2.1.0"\nsummary = "x"\n`;
  const lock = await lockFrom('/p/pdm.lock', text);
  assert.deepEqual(checkLockFreshness(lock, text, pyproject, declaredOf(pyproject)), []);
  const edited = clone(pyproject);
  edited['dependency-groups'].Test_Suite.push('hypothesis');
  assert.deepEqual(
    checkLockFreshness(lock, text, edited, declaredOf(edited)).map((f) => f.reason),
    ['content-hash', 'missing-from-lock', 'missing-from-lock', 'missing-from-lock'],
    'stale; pytest, ruff and hypothesis have no entries in this tiny lock',
  );
});

const UV_PYPROJECT = {
  project: {
    name: 'demo',
    'requires-python': '>=3.10',
    dependencies: ['Pandas>=2.2,<3', "tomli>=2; python_version < '3.11'", "colorama; sys_platform == 'win32'", 'torch>=2.7'],
    'optional-dependencies': { Plot_Extras: ['matplotlib>=3.8', 'demo[io]'], io: ['pyarrow'] },
  },
  'dependency-groups': { dev: ['pytest>=8', { 'include-group': 'lint' }], lint: ['ruff'] },
  tool: { uv: { sources: { torch: [{ index: 'cu128', marker: "sys_platform == 'linux'" }] } } },
};

const UV_LOCK = `version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }

[package.metadata]
requires-dist = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
    { name = "demo", extras = ["io"], marker = "extra == 'plot-extras'" },
    { name = "matplotlib", marker = "extra == 'plot-extras'", specifier = ">=3.8" },
    { name = "pandas", specifier = "<3,>=2.2" },
    { name = "pyarrow", marker = "extra == 'io'" },
    { name = "tomli", marker = "python_full_version < '3.11'", specifier = ">=2" },
    { name = "torch", marker = "sys_platform != 'linux'", specifier = ">=2.7" },
    { name = "torch", marker = "sys_platform == 'linux'", specifier = ">=2.7", index = "https://download.pytorch.org/whl/cu128" },
]
provides-extras = ["plot-extras", "io"]

[package.metadata.requires-dev]
dev = [
    { name = "pytest", specifier = ">=8" },
    { name = "ruff" },
]
lint = [{ name = "ruff" }]

[[package]]
name = "pandas"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.11.0+cu128"
source = { registry = "https://download.pytorch.org/whl/cu128" }

[[package]]
name = "torch"
version = "2.11.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tomli"
version = "2.2.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "matplotlib"
version = "3.9.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pyarrow"
version = "18.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.0"
source = { registry = "https://pypi.org/simple" }
`;

test('uv: rewritten markers, reordered specifiers, normalized extras and per-index splits are not staleness', async () => {
  const lock = await lockFrom('/p/uv.lock', UV_LOCK);
  assert.deepEqual(checkLockFreshness(lock, UV_LOCK, UV_PYPROJECT, declaredOf(UV_PYPROJECT)), []);
});

test('uv: added, changed and removed requirements are reported with their reason', async () => {
  const lock = await lockFrom('/p/uv.lock', UV_LOCK);
  const check = (edit: (p: Table) => void) => {
    const pyproject = clone(UV_PYPROJECT) as Table;
    edit(pyproject);
    return checkLockFreshness(lock, UV_LOCK, pyproject, declaredOf(pyproject)).map((f) => [f.reason, f.requirement]);
  };
  assert.deepEqual(check((p) => p.project.dependencies.push('scikit-learn>=1.5')), [['missing-from-lock', 'scikit-learn']]);
  assert.deepEqual(check((p) => (p.project.dependencies[0] = 'pandas>=2.3,<3')), [['outside-specifier', 'pandas']]);
  assert.deepEqual(check((p) => (p.project.dependencies[0] = 'pandas>=2.0,<3')), [['requires-dist-differs', 'pandas']], 'a widened range still differs');
  assert.deepEqual(check((p) => p.project.dependencies.splice(2, 1)), [['requires-dist-differs', 'colorama']]);
  assert.deepEqual(check((p) => (p.project.dependencies[2] = "colorama; sys_platform == 'darwin'")), [['requires-dist-differs', 'colorama']]);
  assert.deepEqual(check((p) => p['dependency-groups'].lint.push('mypy')), [
    ['missing-from-lock', 'mypy'],
    ['missing-from-lock', 'mypy'],
  ], 'mypy reaches dev through include-group and lint directly');
  assert.deepEqual(check((p) => (p.project['optional-dependencies'].io = ['pyarrow>=19'])), [['outside-specifier', 'pyarrow']]);
});

test('pylock records no inputs and is never stale; a pinned requirements file only flags pins outside a range', async () => {
  const pylockText = 'lock-version = "1.0"\ncreated-by = "pip"\n[[packages]]\nname = "numpy"\nversion = "1.0"\n';
  const pylock = await lockFrom('/p/pylock.toml', pylockText);
  const pyproject = { project: { name: 'x', dependencies: ['numpy>=2', 'pandas'] } };
  assert.deepEqual(checkLockFreshness(pylock, pylockText, pyproject, declaredOf(pyproject)), []);
  const requirementsText = 'numpy==1.26.4\n';
  const pinned = await lockFrom('/p/requirements.txt', requirementsText);
  assert.deepEqual(
    checkLockFreshness(pinned, requirementsText, pyproject, declaredOf(pyproject)).map((f) => [f.reason, f.requirement]),
    [['outside-specifier', 'numpy']],
  );
});

test('broken lock text never throws and never alarms', async () => {
  const lock = await lockFrom('/p/uv.lock', UV_LOCK);
  assert.deepEqual(checkLockFreshness(lock, 'version = [', UV_PYPROJECT, []), []);
  const poetry = await lockFrom('/p/poetry.lock', poetryLockText('00'));
  assert.deepEqual(checkLockFreshness(poetry, poetryLockText('00'), { tool: { poetry: { dependencies: { python: '^3.10', released: new Date(0) } } } } as Table, []), []);
});

const CORPUS = `${CORPUS_ROOT}/python-projects`;
const corpusProjects = existsSync(CORPUS) ? readdirSync(CORPUS).sort() : [];

test('corpus: hashes reproduce, uv locks are fresh, and edits make every lock stale', { skip: !corpusProjects.length && 'corpus absent' }, async () => {
  const fs = new DiskFileSystem();
  const reproduced: string[] = [];
  for (const project of corpusProjects) {
    const dir = `${CORPUS}/${project}`;
    const path = await findLockfile(fs, dir, CORPUS);
    if (!path) continue;
    const result = await readLockfile(fs, path);
    assert.ok(result.ok, `${project}: ${JSON.stringify(result)}`);
    const lock = result.lock;
    const lockText = readFileSync(path, 'utf8');
    const pyproject = parse(readFileSync(`${dir}/pyproject.toml`, 'utf8')) as Table;

    if (lock.kind === 'poetry' || lock.kind === 'pdm') {
      const metadata = (parse(lockText) as Table).metadata;
      const recorded = lock.kind === 'poetry' ? metadata['content-hash'] : String(metadata.content_hash).replace(/^sha256:/, '');
      assert.equal(lock.kind === 'poetry' ? poetryContentHash(pyproject) : pdmContentHash(pyproject), recorded, `${project}: content hash`);
      reproduced.push(project);
    }
    assert.deepEqual(checkLockFreshness(lock, lockText, pyproject, declaredOf(pyproject)), [], `${project}: no false alarm`);

    // Add a dependency the lock cannot know.
    const added = clone(pyproject);
    if (added.project?.dependencies) added.project.dependencies.push('not-a-locked-package>=1.0');
    else added.tool.poetry.dependencies['not-a-locked-package'] = '>=1.0';
    const addedFindings = checkLockFreshness(lock, lockText, added, declaredOf(added));
    assert.ok(addedFindings.length > 0, `${project}: adding a dependency is stale`);
    if (lock.kind === 'uv') assert.deepEqual(addedFindings.map((f) => [f.reason, f.requirement]), [['missing-from-lock', 'not-a-locked-package']], project);
    else assert.equal(addedFindings[0]!.reason, 'content-hash', project);

    // Change a specifier so the locked version falls outside it.
    const changed = clone(pyproject);
    let target: string;
    if (changed.project?.dependencies?.length) {
      const first = parseRequirement(changed.project.dependencies[0]);
      assert.ok(first.ok);
      target = first.requirement.normalizedName;
      changed.project.dependencies[0] = `${first.requirement.name}${first.requirement.extras.length ? `[${first.requirement.extras.join(',')}]` : ''}>=9999`;
    } else {
      target = Object.keys(changed.tool.poetry.dependencies).find((k) => k !== 'python')!;
      changed.tool.poetry.dependencies[target] = '>=9999';
    }
    const changedFindings = checkLockFreshness(lock, lockText, changed, declaredOf(changed));
    assert.ok(changedFindings.length > 0, `${project}: a changed specifier is stale`);
    if (lock.kind === 'uv') {
      assert.deepEqual(changedFindings.map((f) => f.reason), ['outside-specifier'], project);
      assert.equal(changedFindings[0]!.requirement, target);
    } else {
      assert.equal(changedFindings[0]!.reason, 'content-hash', project);
    }
  }
  console.log(`content hashes reproduced: ${reproduced.join(', ')}`);
  assert.ok(reproduced.length >= 4);
});
