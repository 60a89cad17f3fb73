/**
 * The Python parser candidates of issue 11, side by side on the same input:
 * - tree-sitter-python on web-tree-sitter (wasm): the engine's parser before the hand-written front end
 *   (parse alone, and parse plus reading every node through the JS layer, as the old engine did);
 * - Pyright's parser from a published npm package (`@zzzen/pyright-internal`, the only package found
 *   that ships pyright-internal's parser as importable JS; its last release is pyright 1.1.255, June
 *   2022, so it predates PEP 695/701). It is not a dependency of this project: install it anywhere
 *   and point MLH_PYRIGHT_INTERNAL at its folder, or the row is skipped;
 * - ours, src/core/python/parser.ts (its tree is plain objects: nothing more to read), timed from its
 *   esbuild bundle as it ships, and ours plus the cell analysis (src/core/analysis/cellAnalysis.ts,
 *   which parses and walks; run from source through tsx).
 *
 * Inputs: the bench's generated 1,000-cell notebook (bench/lib/generate.ts, the notebook-1000 row) and
 * every code cell of the shared corpus (../shared/corpus/notebooks; skipped when absent), IPython syntax
 * masked as the engine masks it. Times are CPU time (user + system) of the process, the best of 7 runs
 * after 2 warm-up runs: the development machine is shared by several builds at once, and wall times
 * there swing threefold while CPU time holds. Bundle: esbuild (minified, node platform) of an entry
 * that imports the parser alone, plus wasm files. Cold start: CPU time of a fresh `node` process that
 * loads that bundle and parses one cell, minus that of `node -e 0` (best of 7).
 *
 *   npx tsx bench/parsers.ts
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
// A require-style import: web-tree-sitter's ESM build needs import.meta.url, which tsx's CommonJS lacks.
import TreeSitter = require('web-tree-sitter');
import { maskMagics } from '../src/core/analysis/magics';
import { analyzeCell } from '../src/core/analysis/cellAnalysis';
import { parseModule } from '../src/core/python/parser';
import { codeCells } from '../test/unit/analysis/oracleHarness';
import { bigNotebook, repoRoot } from './lib/generate';

const RUNS = 7;
const WARMUP = 2;

interface Candidate {
  name: string;
  parse: (source: string) => void;
  /** Parse plus the analysis that uses the tree, when this project has one for it. */
  parseAndAnalyse?: (source: string) => void;
  /** Code of a CommonJS entry (run from the bundle folder) that parses `process.argv[2]`. */
  coldEntry: string;
  /** Files the cold entry needs next to its bundle. */
  extraFiles?: string[];
  /** Parse with the esbuild bundle instead (what ships: tsx adds keepNames wrappers the bundles do not have). */
  parseFromBundle?: (bundle: Record<string, unknown>) => (source: string) => void;
}

function cpuMs(since?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function timeAll(fn: (s: string) => void, cells: string[]): number {
  for (let w = 0; w < WARMUP; w++) for (const c of cells) fn(c);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.cpuUsage();
    for (const c of cells) fn(c);
    times.push(cpuMs(start));
  }
  return Math.min(...times);
}

function corpusCells(): string[] | null {
  const dir = path.join(repoRoot(), '..', 'shared', 'corpus', 'notebooks');
  if (!existsSync(dir)) return null;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .flatMap((f) => codeCells(path.join(dir, f)))
    .map((c) => maskMagics(c))
    .filter((m) => !m.opaque)
    .map((m) => m.masked);
}

async function treeSitter(): Promise<Candidate> {
  const runtimeWasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
  const grammarWasm = path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
  await TreeSitter.Parser.init({ locateFile: () => runtimeWasm });
  const parser = new TreeSitter.Parser();
  parser.setLanguage(await TreeSitter.Language.load(grammarWasm));
  return {
    name: 'tree-sitter-python (web-tree-sitter wasm)',
    parse: (source) => parser.parse(source)!.delete(),
    parseAndAnalyse: (source) => {
      // what the old engine paid before its own analysis: reading every node's type and position
      const tree = parser.parse(source)!;
      const cursor = tree.walk();
      let visited = 0;
      for (;;) {
        visited += cursor.nodeType.length + cursor.startIndex + cursor.endIndex;
        if (cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { cursor.delete(); tree.delete(); return; }
      }
    },
    coldEntry: `const TS = require('./bundle.js');
(async () => {
  await TS.Parser.init({ locateFile: () => __dirname + '/web-tree-sitter.wasm' });
  const p = new TS.Parser();
  p.setLanguage(await TS.Language.load(__dirname + '/tree-sitter-python.wasm'));
  p.parse(process.argv[2]).delete();
})();`,
    extraFiles: [runtimeWasm, grammarWasm],
  };
}

function pyrightDir(): string | null {
  const candidates = [process.env.MLH_PYRIGHT_INTERNAL, path.join(repoRoot(), 'node_modules', '@zzzen', 'pyright-internal')];
  for (const c of candidates) if (c && existsSync(path.join(c, 'dist', 'parser', 'parser.js'))) return c;
  return null;
}

function pyright(dir: string): Candidate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Parser, ParseOptions } = require(path.join(dir, 'dist', 'parser', 'parser.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DiagnosticSink } = require(path.join(dir, 'dist', 'common', 'diagnosticSink.js'));
  const options = new ParseOptions();
  return {
    name: 'Pyright parser (@zzzen/pyright-internal 1.1.255)',
    parse: (source) => new Parser().parseSourceFile(source, options, new DiagnosticSink()),
    coldEntry: `const { Parser, ParseOptions, DiagnosticSink } = require('./bundle.js');
new Parser().parseSourceFile(process.argv[2], new ParseOptions(), new DiagnosticSink());`,
  };
}

function ours(): Candidate {
  return {
    name: 'ours (src/core/python/parser.ts)',
    parse: (source) => parseModule(source),
    parseFromBundle: (bundle) => bundle.parseModule as (source: string) => void,
    parseAndAnalyse: (source) => analyzeCell(source),
    coldEntry: `require('./bundle.js').parseModule(process.argv[2]);`,
  };
}

async function bundle(name: string, entrySource: string, resolveDir: string, outDir: string): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'bundle.js');
  await build({
    stdin: { contents: entrySource, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    // web-tree-sitter reads import.meta.url, which a CommonJS bundle must provide
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  });
  void name;
  return statSync(outfile).size;
}

function coldStart(dir: string, entry: string, sample: string): number {
  // the child reports its own CPU time when it exits (after any pending async work)
  const report = "process.on('exit', () => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); });\n";
  writeFileSync(path.join(dir, 'entry.js'), report + entry);
  writeFileSync(path.join(dir, 'empty.js'), report);
  const cpu = (file: string): number => {
    const r = spawnSync(process.execPath, [path.join(dir, file), sample], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold start failed: ${r.stderr}`);
    return Number(r.stdout);
  };
  const base: number[] = [];
  const run: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    base.push(cpu('empty.js'));
    run.push(cpu('entry.js'));
  }
  return Math.min(...run) - Math.min(...base);
}

(async () => {
  const notebook = bigNotebook().codeSources.map((c) => maskMagics(c).masked);
  const corpus = corpusCells();
  const notebookMB = notebook.reduce((a, c) => a + c.length, 0) / 1e6;
  const work = path.join(os.tmpdir(), 'mlh-parsers-bench');
  const candidates: Array<{ c: Candidate; entry: string; resolveDir: string }> = [];
  const ts = await treeSitter();
  candidates.push({ c: ts, entry: `export * from 'web-tree-sitter';`, resolveDir: repoRoot() });
  const pr = pyrightDir();
  if (pr) {
    candidates.push({
      c: pyright(pr),
      entry: `export { Parser, ParseOptions } from ${JSON.stringify(path.join(pr, 'dist', 'parser', 'parser.js'))};\nexport { DiagnosticSink } from ${JSON.stringify(path.join(pr, 'dist', 'common', 'diagnosticSink.js'))};`,
      resolveDir: pr,
    });
  } else {
    console.log('Pyright row skipped: npm install @zzzen/pyright-internal somewhere and set MLH_PYRIGHT_INTERNAL to its folder');
  }
  candidates.push({ c: ours(), entry: `export { parseModule } from './src/core/python/parser';`, resolveDir: repoRoot() });

  console.log(`inputs: notebook-1000 (${notebook.length} cells, ${notebookMB.toFixed(2)} MB)${corpus ? `, corpus (${corpus.length} cells, ${(corpus.reduce((a, c) => a + c.length, 0) / 1e6).toFixed(2)} MB)` : ''}; CPU ms, best of ${RUNS} runs`);
  console.log('| parser | notebook-1000 parse | + reading the tree / our analysis | corpus parse | bundle (minified) | cold start (first parse in a fresh node) |');
  console.log('|---|---|---|---|---|---|');
  for (const { c, entry, resolveDir } of candidates) {
    const dir = path.join(work, c.name.replace(/[^a-z0-9]+/gi, '-'));
    const size = await bundle(c.name, entry, resolveDir, dir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const parse = c.parseFromBundle ? c.parseFromBundle(require(path.join(dir, 'bundle.js'))) : c.parse;
    const nb = timeAll(parse, notebook);
    const nbAnalysed = c.parseAndAnalyse ? timeAll(c.parseAndAnalyse, notebook) : NaN;
    const cp = corpus ? timeAll(parse, corpus) : NaN;
    let extra = 0;
    for (const f of c.extraFiles ?? []) {
      copyFileSync(f, path.join(dir, path.basename(f)));
      extra += statSync(f).size;
    }
    const cold = coldStart(dir, c.coldEntry, notebook[0]!);
    const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`;
    console.log(`| ${c.name} | ${nb.toFixed(0)} ms | ${Number.isNaN(nbAnalysed) ? '—' : `${nbAnalysed.toFixed(0)} ms`} | ${Number.isNaN(cp) ? '—' : `${cp.toFixed(0)} ms`} | ${kb(size)}${extra ? ` JS + ${kb(extra)} wasm` : ''} | ${cold.toFixed(0)} ms |`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
