// Builds the three bundles of DESIGN.md: the extension (client), the language server and the CLI,
// plus the DVC hashing worker the server and the CLI load, and the Unicode name table they load on demand.
// `vscode` is provided by the editor at run time, so it stays external; everything else is bundled
// so the .vsix ships without node_modules.
import * as esbuild from 'esbuild';
// The `\N{NAME}` table stays out of the bundles and is written beside them (scripts/unicode-name-table.mjs).
import { lazyUnicodeNameTable, writeUnicodeNameTable } from './scripts/unicode-name-table.mjs';

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
};

/**
 * vscode-languageclient's compiled TypeScript does `__importStar(require("vscode"))` in 16 modules, and
 * the API object has no `__esModule`, so each of them copies its hundreds of keys (a getter each) while
 * the extension loads. The extension's `vscode` is instead one object marked as an ES module whose
 * prototype is the real API: the helper returns it as it is, and every name still reads the API.
 */
const vscodeAsEsModule = {
  name: 'vscode-as-es-module',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-api' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-api' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-api' }, () => ({ contents: "module.exports = Object.create(require('vscode'), { __esModule: { value: true } });", loader: 'js' }));
  },
};

common.plugins = [lazyUnicodeNameTable];

const entries = [
  // Shipped minified but with its identifiers kept: renaming makes esbuild wrap each bundled CommonJS
  // module in an arrow function instead of a keyed method, and Node 20's V8 loads that form ~10 ms
  // slower (bench: activation). The .vsix is compressed, so the larger file costs ~16 KB in it.
  {
    entryPoints: ['src/client/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: [vscodeAsEsModule, lazyUnicodeNameTable],
    ...(production ? { minify: false, minifyWhitespace: true, minifySyntax: true } : {}),
  },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Notebook cell analysis's worker threads: the server and the CLI start them from next to themselves
  // (src/adapters/cellAnalysisPool.ts), so it must sit in dist/ beside them and ship in the .vsix.
  { entryPoints: ['src/adapters/cellAnalysisWorker.ts'], outfile: 'dist/cellAnalysisWorker.js' },
  // DVC hashing's worker thread: the server and the CLI start it from next to themselves
  // (src/adapters/hashWorkerPool.ts), so it must sit in dist/ beside them and ship in the .vsix.
  { entryPoints: ['src/adapters/dvcHashWorker.ts'], outfile: 'dist/dvcHashWorker.js' },
  // The Pipeline graph's page script: runs in the webview (a browser), with dagre for the layout.
  { entryPoints: ['src/webview/pipelineGraph.ts'], outfile: 'dist/pipelineGraph.js', platform: 'browser', format: 'iife', target: 'es2022', external: [], minify: true, sourcemap: false },
];

if (watch) {
  await writeUnicodeNameTable('dist/unicodeNameTable.js', { production });
  for (const e of entries) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
} else {
  await Promise.all([writeUnicodeNameTable('dist/unicodeNameTable.js', { production }), ...entries.map((e) => esbuild.build({ ...common, ...e }))]);
}
