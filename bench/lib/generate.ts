/**
 * Deterministic generators for the benchmark inputs. Everything is written under the gitignored
 * `bench/.generated/`; a stamp file per input records the generator version, so the 1 GiB DVC tree
 * is written once and reused by later runs (and by dvc-warm within the same run).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DiskFileSystem } from '../../src/core/fs/diskFileSystem';
import { DvcHasher } from '../../src/core/dvc/hashing';
import { SeededRandom } from './random';

/** Bump when a generator's output changes, so stale inputs are regenerated. */
const GENERATOR_VERSION = 6;

export function repoRoot(): string {
  // The bench runs bundled (bench/.generated/bench.cjs) or through tsx (bench/*.ts): walk up to the manifest.
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'ml-hygiene') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('ml-hygiene repository root not found above ' + __dirname);
    dir = parent;
  }
}

export function generatedDir(...parts: string[]): string {
  return path.join(repoRoot(), 'bench', '.generated', ...parts);
}

function isFresh(dir: string, key: string): boolean {
  const stamp = path.join(dir, '.stamp');
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === `${GENERATOR_VERSION}:${key}`;
}

function markFresh(dir: string, key: string): void {
  writeFileSync(path.join(dir, '.stamp'), `${GENERATOR_VERSION}:${key}`);
}

function writeFile(file: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

// ---------------------------------------------------------------------------------------------
// Notebooks
// ---------------------------------------------------------------------------------------------

const LIBRARIES = ['numpy as np', 'pandas as pd', 'matplotlib.pyplot as plt', 'seaborn as sns', 'torch', 'sklearn'];
const COLUMNS = ['age', 'income', 'tenure', 'score', 'churned', 'region', 'plan', 'usage', 'visits', 'spend'];

/** About 20 lines of plausible exploratory ML code; cell `index` may use names earlier cells define. */
function codeCellSource(rng: SeededRandom, index: number, linesPerCell: number): string[] {
  const lines: string[] = [];
  const col = rng.pick(COLUMNS);
  const other = rng.pick(COLUMNS);
  const prev = index > 0 ? `frame_${rng.int(Math.max(0, index - 20), index - 1)}` : 'raw';
  const kind = index === 0 ? 'imports' : rng.pick(['load', 'transform', 'function', 'train', 'plot', 'class', 'magic', 'loop']);
  switch (kind) {
    case 'imports':
      for (const lib of LIBRARIES) lines.push(`import ${lib}`);
      lines.push('from sklearn.model_selection import train_test_split');
      lines.push('from sklearn.ensemble import RandomForestClassifier');
      lines.push('from sklearn.metrics import accuracy_score, f1_score');
      lines.push('raw = pd.read_csv("/home/analyst/data/customers.csv")');
      lines.push('frame_0 = raw.copy()');
      break;
    case 'load':
      lines.push(`frame_${index} = pd.read_csv("data/raw/part_${index}.csv", usecols=["${col}", "${other}"])`);
      lines.push(`frame_${index} = frame_${index}.dropna(subset=["${col}"])`);
      lines.push(`frame_${index}["${col}_z"] = (frame_${index}["${col}"] - frame_${index}["${col}"].mean()) / frame_${index}["${col}"].std()`);
      lines.push(`print(frame_${index}.shape, frame_${index}.dtypes)`);
      break;
    case 'transform':
      lines.push(`frame_${index} = ${prev}.copy()`);
      lines.push(`frame_${index}["ratio_${index}"] = frame_${index}["${col}"] / (frame_${index}["${other}"] + 1e-9)`);
      lines.push(`frame_${index} = frame_${index}[frame_${index}["${col}"] > ${rng.int(0, 100)}]`);
      lines.push(`grouped_${index} = frame_${index}.groupby("${other}").agg({"${col}": ["mean", "max"]})`);
      lines.push(`grouped_${index}.head()`);
      break;
    case 'function':
      lines.push(`def feature_${index}(frame, threshold=${rng.int(1, 9)} / 10):`);
      lines.push(`    """Feature ${index}: share of rows above the threshold per group."""`);
      lines.push(`    mask = frame["${col}"] > frame["${col}"].quantile(threshold)`);
      lines.push(`    result = {}`);
      lines.push(`    for key, group in frame[mask].groupby("${other}"):`);
      lines.push(`        result[key] = len(group) / max(len(frame), 1)`);
      lines.push(`    return pd.Series(result, name="feature_${index}")`);
      lines.push('');
      lines.push(`frame_${index} = ${prev}.join(feature_${index}(${prev}), on="${other}", rsuffix="_f")`);
      break;
    case 'train':
      lines.push(`X_${index} = ${prev}.drop(columns=["churned"], errors="ignore").select_dtypes("number").fillna(0)`);
      lines.push(`y_${index} = ${prev}.get("churned", pd.Series(np.zeros(len(${prev}))))`);
      lines.push(`X_train, X_test, y_train, y_test = train_test_split(X_${index}, y_${index}, test_size=0.2)`);
      lines.push(`model_${index} = RandomForestClassifier(n_estimators=${rng.int(10, 500)}, max_depth=${rng.int(2, 12)})`);
      lines.push(`model_${index}.fit(X_train, y_train)`);
      lines.push(`pred = model_${index}.predict(X_test)`);
      lines.push(`print("accuracy", accuracy_score(y_test, pred), "f1", f1_score(y_test, pred, average="macro"))`);
      lines.push(`frame_${index} = ${prev}`);
      break;
    case 'plot':
      lines.push(`fig, ax = plt.subplots(figsize=(${rng.int(4, 12)}, ${rng.int(3, 8)}))`);
      lines.push(`sns.histplot(${prev}["${col}"], ax=ax, bins=${rng.int(10, 80)})`);
      lines.push(`ax.set_title("Distribution of ${col} (cell ${index})")`);
      lines.push(`plt.savefig("/tmp/plots/${col}_${index}.png")`);
      lines.push('plt.show()');
      lines.push(`frame_${index} = ${prev}`);
      break;
    case 'class':
      lines.push(`class Scaler${index}:`);
      lines.push(`    def __init__(self, columns=("${col}", "${other}")):`);
      lines.push('        self.columns = list(columns)');
      lines.push('        self.stats = {}');
      lines.push('');
      lines.push('    def fit(self, frame):');
      lines.push('        for c in self.columns:');
      lines.push('            self.stats[c] = (frame[c].mean(), frame[c].std() or 1.0)');
      lines.push('        return self');
      lines.push('');
      lines.push('    def transform(self, frame):');
      lines.push('        out = frame.copy()');
      lines.push('        for c, (mu, sigma) in self.stats.items():');
      lines.push('            out[c] = (out[c] - mu) / sigma');
      lines.push('        return out');
      lines.push('');
      lines.push(`frame_${index} = Scaler${index}().fit(${prev}).transform(${prev})`);
      break;
    case 'magic':
      lines.push(rng.pick(['%matplotlib inline', '!pip install lightgbm==4.3.0', '%load_ext autoreload', '%autoreload 2']));
      lines.push(`np.random.seed(${rng.int(0, 9999)})`);
      lines.push(`sample_${index} = ${prev}.sample(n=min(${rng.int(100, 5000)}, len(${prev})))`);
      lines.push(`api_key_${index} = "sk-${rng.int(100000, 999999)}abcdef${rng.int(100000, 999999)}"`);
      lines.push(`frame_${index} = sample_${index}`);
      break;
    default:
      lines.push(`totals_${index} = []`);
      lines.push(`for i, row in enumerate(${prev}.itertuples()):`);
      lines.push(`    if i > ${rng.int(10, 1000)}:`);
      lines.push('        break');
      lines.push(`    totals_${index}.append(getattr(row, "${col}", 0) * ${rng.int(1, 9)})`);
      lines.push('else:');
      lines.push(`    totals_${index}.append(0)`);
      lines.push(`frame_${index} = ${prev}.assign(total_${index}=sum(totals_${index}))`);
      break;
  }
  // Pad to the target size with commented, realistic statements (analysis still has to walk them).
  while (lines.length < linesPerCell) {
    const n = lines.length;
    lines.push(
      rng.chance(0.3)
        ? `# step ${n}: inspect ${rng.pick(COLUMNS)} before the next transform`
        : `stat_${index}_${n} = frame_${index}["${rng.pick(COLUMNS)}"].describe() if "${rng.pick(COLUMNS)}" in frame_${index} else None`,
    );
  }
  return lines;
}

function asSourceArray(lines: string[]): string[] {
  // nbformat 4 on disk: one string per line, each but the last ending in "\n".
  return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
}

export interface GeneratedNotebook {
  path: string;
  text: string;
  codeSources: string[];
}

/**
 * A `codeCells`-cell notebook of about `codeCells * linesPerCell` lines, with a markdown cell every
 * tenth cell, outputs (stream, results, a few errors) and out-of-order execution counts.
 */
export function notebookText(seed: number, codeCells: number, linesPerCell: number, variant?: number): { text: string; codeSources: string[] } {
  const rng = new SeededRandom(seed);
  const cells: unknown[] = [];
  const codeSources: string[] = [];
  let executionCount = 0;
  for (let i = 0; i < codeCells; i++) {
    if (i % 10 === 5) cells.push({ cell_type: 'markdown', metadata: {}, source: asSourceArray([`## Step ${i}`, '', `Exploring ${rng.pick(COLUMNS)} by ${rng.pick(COLUMNS)}.`]) });
    const lines = codeCellSource(rng, i, linesPerCell);
    // A variant differs in every cell (same size and line count), so no per-cell cache can help.
    if (variant !== undefined) lines[lines.length - 1] += `  # variant ${variant}`;
    codeSources.push(lines.join('\n'));
    executionCount += rng.chance(0.1) ? rng.int(2, 5) : 1;
    const outputs: unknown[] = [];
    if (rng.chance(0.3)) outputs.push({ output_type: 'stream', name: 'stdout', text: [`rows: ${rng.int(100, 100000)}\n`, `cols: ${rng.int(2, 40)}\n`] });
    if (rng.chance(0.2)) outputs.push({ output_type: 'execute_result', execution_count: executionCount, metadata: {}, data: { 'text/plain': [`${rng.next()}`] } });
    if (rng.chance(0.01)) outputs.push({ output_type: 'error', ename: 'KeyError', evalue: `'${rng.pick(COLUMNS)}'`, traceback: ['Traceback (most recent call last)', `KeyError: '${rng.pick(COLUMNS)}'`] });
    cells.push({ cell_type: 'code', execution_count: rng.chance(0.05) ? null : executionCount, metadata: {}, outputs, source: asSourceArray(lines) });
  }
  const notebook = {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.8' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { text: JSON.stringify(notebook, null, 1) + '\n', codeSources };
}

/**
 * The notebook-1000 / notebook-ruff / keystroke input: 1,000 code cells, ~20k lines of code. With a
 * `variant`, the same notebook with every cell slightly changed (held in memory, not written).
 */
export function bigNotebook(variant?: number): GeneratedNotebook {
  const dir = generatedDir('notebook');
  const file = path.join(dir, 'analysis.ipynb');
  const { text, codeSources } = notebookText(1000, 1000, 20, variant);
  if (variant !== undefined) return { path: file, text, codeSources };
  if (!isFresh(dir, 'big') || !existsSync(file)) {
    writeFile(file, text);
    writeFile(path.join(dir, 'pyproject.toml'), '[project]\nname = "notebook-bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3", "numpy==2.1.3"]\n');
    markFresh(dir, 'big');
  }
  return { path: file, text, codeSources };
}

// ---------------------------------------------------------------------------------------------
// pyproject.toml with 300 dependencies and a ~1.2 MB uv.lock
// ---------------------------------------------------------------------------------------------

function hex(rng: SeededRandom, length: number): string {
  let s = '';
  while (s.length < length) s += Math.floor(rng.next() * 16).toString(16);
  return s;
}

interface LockPackage {
  name: string;
  version: string;
  dependencies: string[];
}

export interface GeneratedPyproject {
  dir: string;
  pyprojectText: string;
  uvLockText: string;
}

// Single-quoted marker strings: the requirement itself sits in a TOML basic (double-quoted) string.
const MARKERS = ["; python_version >= '3.10'", "; sys_platform == 'linux'", "; platform_machine == 'x86_64' and python_version < '3.13'"];

export function pyprojectWithLock(seed: number, directDeps: number, targetLockBytes: number): { pyprojectText: string; uvLockText: string } {
  const rng = new SeededRandom(seed);
  const packages: LockPackage[] = [];
  const direct: { name: string; spec: string; extras: string; marker: string }[] = [];
  const transitiveCount = Math.round(directDeps * 0.6);
  for (let i = 0; i < directDeps + transitiveCount; i++) {
    const name = `pkg-${i.toString(36)}-${rng.pick(['core', 'utils', 'ml', 'io', 'viz', 'data', 'nn'])}`;
    const version = `${rng.int(0, 9)}.${rng.int(0, 30)}.${rng.int(0, 20)}`;
    packages.push({ name, version, dependencies: [] });
  }
  for (let i = 0; i < packages.length; i++) {
    const deps = new Set<string>();
    const n = rng.int(0, 4);
    for (let k = 0; k < n; k++) deps.add(packages[rng.int(directDeps, packages.length - 1)]!.name);
    deps.delete(packages[i]!.name);
    packages[i]!.dependencies = [...deps].sort();
  }
  for (let i = 0; i < directDeps; i++) {
    const p = packages[i]!;
    const [major, minor] = p.version.split('.');
    const spec = rng.pick(['', `>=${major}.${minor}`, `==${p.version}`, `~=${major}.${minor}`, `>=${major},<${Number(major) + 1}`]);
    const extras = rng.chance(0.1) ? '[extra]' : '';
    direct.push({ name: p.name, spec, extras, marker: rng.chance(0.15) ? rng.pick(MARKERS) : '' });
  }
  const requirement = (d: (typeof direct)[number]) => `${d.name}${d.extras}${d.spec}${d.marker}`;
  const pyprojectLines = [
    '[project]',
    'name = "bench-project"',
    'version = "0.1.0"',
    'requires-python = ">=3.10"',
    'dependencies = [',
    ...direct.map((d, i) => `    "${requirement(d)}",${i % 25 === 0 ? `  # group ${i / 25}` : ''}`),
    ']',
    '',
    '[dependency-groups]',
    'dev = ["pytest==8.3.3"]',
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
  ];
  const pyprojectText = pyprojectLines.join('\n');

  const wheelTags = ['py3-none-any', 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp312-cp312-macosx_11_0_arm64', 'cp312-cp312-win_amd64', 'cp313-cp313-musllinux_1_2_aarch64'];
  const packageBlock = (p: LockPackage, wheels: number): string => {
    const out = ['[[package]]', `name = "${p.name}"`, `version = "${p.version}"`, 'source = { registry = "https://pypi.org/simple" }'];
    if (p.dependencies.length) out.push('dependencies = [', ...p.dependencies.map((d) => `    { name = "${d}" },`), ']');
    const file = p.name.replace(/-/g, '_');
    out.push(`sdist = { url = "https://files.pythonhosted.org/packages/${hex(rng, 2)}/${hex(rng, 2)}/${hex(rng, 60)}/${file}-${p.version}.tar.gz", hash = "sha256:${hex(rng, 64)}", size = ${rng.int(1000, 9_000_000)}, upload-time = "2025-0${rng.int(1, 9)}-1${rng.int(0, 9)}T10:00:00.000Z" }`);
    out.push('wheels = [');
    for (let w = 0; w < wheels; w++) {
      out.push(`    { url = "https://files.pythonhosted.org/packages/${hex(rng, 2)}/${hex(rng, 2)}/${hex(rng, 60)}/${file}-${p.version}-${wheelTags[w % wheelTags.length]}.whl", hash = "sha256:${hex(rng, 64)}", size = ${rng.int(1000, 9_000_000)}, upload-time = "2025-0${rng.int(1, 9)}-1${rng.int(0, 9)}T10:00:00.000Z" },`);
    }
    out.push(']');
    return out.join('\n');
  };
  // Pick the wheels per package that brings the lock to the target size (real locks: 1-40 wheels each).
  const avgWheelLine = 300;
  const wheelsPerPackage = Math.max(1, Math.round((targetLockBytes / packages.length - 600) / avgWheelLine));
  const blocks = packages.map((p) => packageBlock(p, Math.max(1, wheelsPerPackage + rng.int(-2, 2))));
  const root = [
    '[[package]]',
    'name = "bench-project"',
    'version = "0.1.0"',
    'source = { editable = "." }',
    'dependencies = [',
    ...direct.map((d) => `    { name = "${d.name}" },`),
    ']',
    '',
    '[package.dev-dependencies]',
    'dev = [',
    '    { name = "pytest" },',
    ']',
    '',
    '[package.metadata]',
    'requires-dist = [',
    ...direct.map((d) => {
      const marker = d.marker ? `, marker = ${JSON.stringify(d.marker.slice(2))}` : '';
      const extras = d.extras ? `, extras = ["extra"]` : '';
      return `    { name = "${d.name}"${extras}${marker}${d.spec ? `, specifier = "${d.spec}"` : ''} },`;
    }),
    ']',
    '',
    '[package.metadata.requires-dev]',
    'dev = [{ name = "pytest", specifier = "==8.3.3" }]',
  ].join('\n');
  const pytest = packageBlock({ name: 'pytest', version: '8.3.3', dependencies: [] }, 1);
  const all = [...blocks, pytest, root].map((b) => ({ b, name: /name = "([^"]+)"/.exec(b)![1]! })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const uvLockText = ['version = 1', 'revision = 2', 'requires-python = ">=3.10"', '', all.map((x) => x.b).join('\n\n'), ''].join('\n');
  return { pyprojectText, uvLockText };
}

export function pyproject300(): GeneratedPyproject {
  const dir = generatedDir('pyproject-300');
  const { pyprojectText, uvLockText } = pyprojectWithLock(300, 300, 1.2 * 1024 * 1024);
  if (!isFresh(dir, 'p300')) {
    writeFile(path.join(dir, 'pyproject.toml'), pyprojectText);
    writeFile(path.join(dir, 'uv.lock'), uvLockText);
    writeFile(path.join(dir, '.python-version'), '3.11\n');
    markFresh(dir, 'p300');
  }
  return { dir, pyprojectText, uvLockText };
}

// ---------------------------------------------------------------------------------------------
// DVC: 1 GiB in 10,000 files
// ---------------------------------------------------------------------------------------------

export interface GeneratedDvcProject {
  dir: string;
  dvcYamlPath: string;
  dataFiles: string[];
  totalBytes: number;
}

export const DVC_TOTAL_BYTES = 1024 * 1024 * 1024;
export const DVC_FILES = 10_000;
const DVC_SHARDS = 10;

function dvcDataFileList(dir: string): string[] {
  const files: string[] = [];
  for (let s = 0; s < DVC_SHARDS; s++) {
    for (let f = 0; f < DVC_FILES / DVC_SHARDS; f++) files.push(path.join(dir, 'data', `shard-${String(s).padStart(2, '0')}`, `part-${String(f).padStart(4, '0')}.bin`));
  }
  return files;
}

/**
 * Ten stages, each depending on a 1,000-file shard directory (~107 KB per file, 1 GiB in all) and a
 * script, with a dvc.lock whose hashes match, so status has to hash everything and finds nothing.
 */
export async function dvcProject(log: (m: string) => void): Promise<GeneratedDvcProject> {
  const dir = generatedDir('dvc-1gib');
  const dataFiles = dvcDataFileList(dir);
  const dvcYamlPath = path.join(dir, 'dvc.yaml');
  const fresh = isFresh(dir, 'dvc') && dataFiles.every((f, i) => i % 997 !== 0 || existsSync(f));
  if (fresh) return { dir, dvcYamlPath, dataFiles, totalBytes: DVC_TOTAL_BYTES };
  log(`generating 1 GiB in ${DVC_FILES} files under ${path.relative(repoRoot(), dir)} (once)...`);
  rmSync(dir, { recursive: true, force: true });
  const rng = new SeededRandom(0xd7c);
  // A 64 MiB pool of random bytes; each file is a distinct slice with its own index stamped in.
  const pool = rng.fill(new Uint8Array(64 * 1024 * 1024));
  const perFile = Math.floor(DVC_TOTAL_BYTES / DVC_FILES);
  for (let i = 0; i < dataFiles.length; i++) {
    const size = i === dataFiles.length - 1 ? DVC_TOTAL_BYTES - perFile * (DVC_FILES - 1) : perFile;
    const offset = rng.int(0, pool.length - size - 1);
    const bytes = Buffer.from(pool.subarray(offset, offset + size));
    bytes.writeUInt32LE(i, 0);
    writeFile(dataFiles[i]!, bytes);
  }
  writeFile(path.join(dir, 'src', 'process.py'), 'import sys\nprint("processing", sys.argv[1])\n');
  const stages: string[] = ['stages:'];
  for (let s = 0; s < DVC_SHARDS; s++) {
    const shard = `data/shard-${String(s).padStart(2, '0')}`;
    writeFile(path.join(dir, 'out', `features-${s}.parquet`), `features of ${shard}\n`);
    stages.push(`  process_${s}:`, `    cmd: python src/process.py ${shard}`, '    deps:', `    - ${shard}`, '    - src/process.py', '    outs:', `    - out/features-${s}.parquet`);
  }
  writeFile(dvcYamlPath, stages.join('\n') + '\n');
  // The lock is computed by hashing once (DVC would have written the same when the stages ran).
  const hasher = new DvcHasher(new DiskFileSystem(), { workspaceRoot: dir });
  const lock: string[] = ["schema: '2.0'", 'stages:'];
  const entry = async (rel: string): Promise<string[]> => {
    const outcome = await hasher.hashPath(path.join(dir, rel), 'md5');
    if (outcome.kind !== 'file' && outcome.kind !== 'directory') throw new Error(`cannot hash ${rel}: ${outcome.kind}`);
    return [`    - path: ${rel}`, '      hash: md5', `      md5: ${outcome.md5}`, `      size: ${outcome.size}`, ...(outcome.kind === 'directory' ? [`      nfiles: ${outcome.nfiles}`] : [])];
  };
  for (let s = 0; s < DVC_SHARDS; s++) {
    const shard = `data/shard-${String(s).padStart(2, '0')}`;
    lock.push(`  process_${s}:`, `    cmd: python src/process.py ${shard}`, '    deps:', ...(await entry(shard)), ...(await entry('src/process.py')), '    outs:', ...(await entry(`out/features-${s}.parquet`)));
  }
  writeFile(path.join(dir, 'dvc.lock'), lock.join('\n') + '\n');
  markFresh(dir, 'dvc');
  return { dir, dvcYamlPath, dataFiles, totalBytes: DVC_TOTAL_BYTES };
}

// ---------------------------------------------------------------------------------------------
// A monorepo: 40 projects, 500 notebooks, 60 dvc.yaml
// ---------------------------------------------------------------------------------------------

export function monorepo(log: (m: string) => void): { dir: string; projects: number; notebooks: number; dvcYamls: number } {
  const dir = generatedDir('monorepo');
  const projects = 40;
  const notebooks = 500;
  const dvcYamls = 60;
  const result = { dir, projects, notebooks, dvcYamls };
  if (isFresh(dir, 'mono')) return result;
  log('generating the monorepo (40 projects, 500 notebooks, 60 dvc.yaml)...');
  rmSync(dir, { recursive: true, force: true });
  const rng = new SeededRandom(0x40);
  writeFile(path.join(dir, 'README.md'), '# generated monorepo\n');
  for (let p = 0; p < projects; p++) {
    const root = path.join(dir, 'projects', `team-${p}`);
    const deps = 20 + rng.int(0, 40);
    const { pyprojectText, uvLockText } = pyprojectWithLock(1000 + p, deps, 60_000 + rng.int(0, 120_000));
    writeFile(path.join(root, 'pyproject.toml'), pyprojectText.replace('name = "bench-project"', `name = "team-${p}"`));
    if (p % 5 !== 0) writeFile(path.join(root, 'uv.lock'), uvLockText.replace(/bench-project/g, `team-${p}`));
    if (p % 3 === 0) writeFile(path.join(root, 'requirements.txt'), `pandas\nscikit-learn>=1.3\nnumpy==2.1.3\n`);
    writeFile(path.join(root, 'src', `team_${p}`, '__init__.py'), '');
    writeFile(path.join(root, 'src', `team_${p}`, 'train.py'), 'import pandas as pd\n\ndef main():\n    return pd.DataFrame()\n');
    writeFile(path.join(root, 'params.yaml'), `train:\n  lr: 0.0${rng.int(1, 9)}\n  epochs: ${rng.int(1, 50)}\n`);
  }
  for (let n = 0; n < notebooks; n++) {
    const p = n % projects;
    // Sized after the shared corpus of real notebooks (57 notebooks: 23 code cells and 3.7 KB of
    // code each on average, 34 characters a line): 10-36 code cells of the generator's unpadded
    // cells, ~9 KB of code a notebook, still about 2.5x the real average. (Generator 5 padded cells
    // to 5-25 lines of 10-60 cells: 30 KB a notebook, 8x the real average.)
    const cells = rng.int(10, 36);
    writeFile(path.join(dir, 'projects', `team-${p}`, 'notebooks', `explore-${n}.ipynb`), notebookText(5000 + n, cells, 0).text);
  }
  for (let d = 0; d < dvcYamls; d++) {
    const p = d % projects;
    const sub = d < projects ? '' : `pipelines/extra-${d}/`;
    const base = path.join(dir, 'projects', `team-${p}`, sub);
    const stages = ['stages:'];
    const count = rng.int(2, 8);
    for (let s = 0; s < count; s++) {
      stages.push(`  stage_${s}:`, `    cmd: python src/team_${p}/train.py --stage ${s}`, '    deps:', `    - data/input-${s}.csv`, ...(s > 0 ? [`    - out/stage-${s - 1}.csv`] : []), '    params:', '    - train.lr', '    outs:', `    - out/stage-${s}.csv`);
      writeFile(path.join(base, 'data', `input-${s}.csv`), `a,b\n${rng.int(0, 99)},${rng.int(0, 99)}\n`);
    }
    if (sub) writeFile(path.join(base, 'params.yaml'), 'train:\n  lr: 0.01\n');
    writeFile(path.join(base, 'dvc.yaml'), stages.join('\n') + '\n');
  }
  markFresh(dir, 'mono');
  return result;
}

export function fileSize(file: string): number {
  return statSync(file).size;
}
