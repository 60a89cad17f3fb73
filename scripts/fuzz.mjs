#!/usr/bin/env node
// `npm run fuzz [-- --runs N] [--seconds S] [--seed X] [--collect]`: the long fuzz run. The same
// properties as the short run in `npm test`, with a bigger budget; `--collect` keeps going after a
// failure and lists every distinct kind of problem instead of shrinking the first one.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
function flag(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}
const env = {
  ...process.env,
  MLH_FUZZ_RUNS: flag('runs', '5000'),
  MLH_FUZZ_SECONDS: flag('seconds', '600'),
  MLH_FUZZ_SEED: flag('seed', String(Date.now() % 2 ** 31)),
  MLH_FUZZ_COLLECT: args.includes('--collect') ? '1' : '0',
};
console.log(`fuzz: seed ${env.MLH_FUZZ_SEED}, up to ${env.MLH_FUZZ_RUNS} runs per property, ${env.MLH_FUZZ_SECONDS} s budget`);
const r = spawnSync(process.execPath, ['scripts/run-node-tests.mjs', 'test/fuzz'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
