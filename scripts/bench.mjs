#!/usr/bin/env node
// `npm run bench [-- NAME...]`: bundles bench/run.ts with the same esbuild settings as the shipped
// bundles (so the core is measured as it ships, not through a dev-time loader) into the gitignored
// bench/.generated/, then runs it with --expose-gc so runs start from a collected heap.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lazyUnicodeNameTable, writeUnicodeNameTable } from './unicode-name-table.mjs';

for (const bundle of ['dist/server.js', 'dist/cli.js', 'dist/extension.js']) {
  if (!existsSync(bundle)) {
    console.error(`${bundle} is missing: run \`npm run build\` first (keystroke, workspace-scan and activation measure the built bundles)`);
    process.exit(2);
  }
}
await esbuild.build({
  entryPoints: ['bench/run.ts'],
  outfile: 'bench/.generated/bench.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ruff's wasm glue loads its .wasm relative to itself; keep it in node_modules.
  external: ['@astral-sh/ruff-wasm-nodejs'],
  // jsonc-parser's UMD entry requires its parts dynamically, which esbuild cannot follow; take its ESM build.
  mainFields: ['module', 'main'],
  loader: { '.wasm': 'file' },
  // As shipped: the `\N{NAME}` table is a file beside the bundle, loaded on demand, not bundled in.
  plugins: [lazyUnicodeNameTable],
});
await writeUnicodeNameTable('bench/.generated/unicodeNameTable.js', { production: false });
const r = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', 'bench/.generated/bench.cjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
