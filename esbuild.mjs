// Builds the three bundles of DESIGN.md: the extension (client), the language server and the CLI,
// plus the DVC hashing worker the server and the CLI load.
// `vscode` is provided by the editor at run time, so it stays external; everything else is bundled
// so the .vsix ships without node_modules.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  // jsonc-parser's `main` is a UMD build with runtime requires esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  // web-tree-sitter resolves its .wasm next to the running script; we copy it into dist/.
  loader: { '.wasm': 'file' },
};

const entries = [
  { entryPoints: ['src/client/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Notebook cell analysis's worker threads: the server and the CLI start them from next to themselves
  // (src/adapters/cellAnalysisPool.ts), beside the tree-sitter wasm files, and the .vsix ships them.
  { entryPoints: ['src/adapters/cellAnalysisWorker.ts'], outfile: 'dist/cellAnalysisWorker.js' },
  // DVC hashing's worker thread: the server and the CLI start it from next to themselves
  // (src/adapters/hashWorkerPool.ts), so it must sit in dist/ beside them and ship in the .vsix.
  { entryPoints: ['src/adapters/dvcHashWorker.ts'], outfile: 'dist/dvcHashWorker.js' },
];

function copyRuntimeAssets() {
  mkdirSync('dist', { recursive: true });
  const assets = [
    [require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm'],
    [path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm'],
  ];
  for (const [from, to] of assets) if (existsSync(from)) cpSync(from, to);
}

copyRuntimeAssets();
if (watch) {
  for (const e of entries) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
