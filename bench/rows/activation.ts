import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generatedDir, repoRoot } from '../lib/generate';
import { median, note, type BenchRow } from '../lib/measure';

const RUNS = 15;

/**
 * Loads dist/extension.js the way the extension host would before calling activate(): `vscode`
 * resolves to a stub (a Proxy that answers any property), everything else is the shipped bundle.
 */
function loaderScript(extension: string): string {
  const file = generatedDir('activation-loader.cjs');
  mkdirSync(path.dirname(file), { recursive: true });
  // The bundle copies the module's own keys (esbuild's __toESM), so the stub must list the real API's
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
if (typeof ext.activate !== 'function') { console.error('dist/extension.js exports no activate()'); process.exit(3); }
`,
  );
  return file;
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

/** activation: node loading dist/extension.js (stub vscode) vs `node -e 0`; the extra is what activation costs. */
export async function activation(): Promise<{ row: BenchRow; sizes: BundleSize[] }> {
  const dist = path.join(repoRoot(), 'dist');
  const extension = path.join(dist, 'extension.js');
  if (!existsSync(extension)) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const loader = loaderScript(extension);
  const loads: number[] = [];
  const empties: number[] = [];
  wallTime([loader]);
  wallTime(['-e', '0']);
  for (let i = 0; i < RUNS; i++) {
    loads.push(wallTime([loader]));
    empties.push(wallTime(['-e', '0']));
  }
  const sizes = ['extension.js', 'server.js', 'cli.js', 'web-tree-sitter.wasm', 'tree-sitter-python.wasm']
    .map((f) => path.join(dist, f))
    .filter((f) => existsSync(f))
    .map((file) => ({ file: path.relative(repoRoot(), file), bytes: statSync(file).size }));
  note(`activation: extra ${(median(loads) - median(empties)).toFixed(1)} ms over node -e 0 (target ≤ 40 ms)`);
  return { row: { name: 'activation', value: median(loads), unit: 'ms', baseline: median(empties) }, sizes };
}
