import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generatedDir, repoRoot } from '../lib/generate';
import { median, note, type BenchRow } from '../lib/measure';

const RUNS = 15;

/**
 * Loads an extension bundle the way the extension host would before calling activate(): `vscode`
 * resolves to a stub (a Proxy that answers any property), everything else is the bundle itself.
 */
function loaderScript(name: string, extension: string): string {
  const file = generatedDir(name);
  mkdirSync(path.dirname(file), { recursive: true });
  // The language client copies the module's own keys (TypeScript's __importStar), so the stub must list the real API's
  // top-level names; each is a Proxy that answers any property, call or `new`/`extends`.
  const typings = readFileSync(path.join(repoRoot(), 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const apiNames = [...new Set([...typings.matchAll(/^\s*export (?:class|namespace|enum|const|function|interface|type) (\w+)/gm)].map((m) => m[1]!))];
  writeFileSync(
    file,
    `const Module = require('module');
const deep = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : k === Symbol.toPrimitive ? () => '' : deep), apply: () => deep, construct: () => deep });
const stub = {};
for (const name of ${JSON.stringify(apiNames)}) stub[name] = deep;
const load = Module._load;
Module._load = function (request, parent, isMain) { return request === 'vscode' ? stub : load.call(this, request, parent, isMain); };
const ext = require(${JSON.stringify(extension)});
if (typeof ext.activate !== 'function') { console.error(${JSON.stringify(extension)} + ' exports no activate()'); process.exit(3); }
`,
  );
  return file;
}

/**
 * The extension.js that `npm run package` puts in the .vsix: esbuild.mjs --production (minified,
 * no source map), which is not the development build in dist/ and does not load at the same speed.
 * It is built by esbuild.mjs itself, so it cannot drift from what ships, but into
 * bench/.generated/shipped/ rather than dist/: the other rows, the tests and debugging use dist/'s
 * development build, and other people's runs may be reading it. esbuild.mjs builds `src/...` into
 * `dist/...` relative to its working directory, hence the link to the repository's src/.
 */
function buildShipped(): string {
  const root = repoRoot();
  const dir = generatedDir('shipped');
  mkdirSync(dir, { recursive: true });
  const src = path.join(dir, 'src');
  if (linkTarget(src) !== path.join(root, 'src')) {
    rmSync(src, { force: true });
    symlinkSync(path.join(root, 'src'), src, 'junction');
  }
  const r = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esbuild.mjs --production failed: ${r.stderr}`);
  return path.join(dir, 'dist', 'extension.js');
}

function linkTarget(link: string): string | undefined {
  try {
    return path.resolve(path.dirname(link), readlinkSync(link));
  } catch {
    return undefined;
  }
}

function wallTime(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

export interface BundleSize {
  file: string;
  bytes: number;
}

/**
 * activation: node loading the shipped extension.js (stub vscode) vs `node -e 0`; the extra is what
 * activation costs. The development build in dist/ is measured in the same runs, for a note.
 */
export async function activation(): Promise<{ row: BenchRow; sizes: BundleSize[] }> {
  const dist = path.join(repoRoot(), 'dist');
  const extension = path.join(dist, 'extension.js');
  if (!existsSync(extension)) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const shipped = buildShipped();
  const shippedLoader = loaderScript('activation-loader.cjs', shipped);
  const devLoader = loaderScript('activation-loader-dev.cjs', extension);
  const loads: number[] = [];
  const devLoads: number[] = [];
  const empties: number[] = [];
  wallTime([shippedLoader]);
  wallTime([devLoader]);
  wallTime(['-e', '0']);
  // Interleaved, so a busy moment of the machine falls on all three alike.
  for (let i = 0; i < RUNS; i++) {
    loads.push(wallTime([shippedLoader]));
    devLoads.push(wallTime([devLoader]));
    empties.push(wallTime(['-e', '0']));
  }
  const sizes = ['extension.js', 'server.js', 'cli.js', 'cellAnalysisWorker.js']
    .map((f) => path.join(dist, f))
    .filter((f) => existsSync(f))
    .map((file) => ({ file: path.relative(repoRoot(), file), bytes: statSync(file).size }));
  const kb = (file: string) => `${(statSync(file).size / 1024).toFixed(0)} KB`;
  note(`activation: shipped extension.js (npm run package, ${kb(shipped)}): extra ${(median(loads) - median(empties)).toFixed(1)} ms over node -e 0 (target ≤ 40 ms)`);
  note(`activation: development dist/extension.js (${kb(extension)}): extra ${(median(devLoads) - median(empties)).toFixed(1)} ms`);
  return { row: { name: 'activation', value: median(loads), unit: 'ms', baseline: median(empties) }, sizes };
}
