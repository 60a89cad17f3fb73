#!/usr/bin/env node
// Runs node:test files (*.test.ts) under the given folders through tsx, so TypeScript sources are
// tested directly. Node 20's --test does not expand globs itself, hence this small finder.
//
// It also bounds the run. node:test waits for every test file's process to exit, and a file whose
// tests all passed but which leaves a handle open (a child process, a socket, a timer) keeps the
// whole run waiting with nothing printed: CI once waited 85 minutes after the last verdict. So:
// - every file's process loads scripts/test-exit-guard.mjs, which ends a process still alive a
//   minute after its tests and hooks are done, naming the file and what it holds;
// - each test file gets `--test-timeout` (MLH_TEST_TIMEOUT_S, default 1,200 s; node:test applies
//   it to a file's process as a whole, and to each test in it), which fails a stuck file by name;
// - the whole run gets a budget (`--budget=SECONDS`, else MLH_TEST_BUDGET_S, default 2,400 s). When it runs out, the run
//   prints the test files whose processes are still alive, with their age and open handles, kills
//   them and fails. A hang then costs minutes and names its file, instead of eating CI's 90.
// `--test-force-exit` is not used: with concurrent files it can drop verdicts (nodejs/node#64833).
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';

const budgetArg = process.argv.slice(2).find((a) => a.startsWith('--budget='));
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--') && a !== budgetArg);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) files.push(p);
  }
}
for (const r of roots.length ? roots : ['test/unit']) walk(r);
if (!files.length) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

const testTimeoutMs = Number(process.env.MLH_TEST_TIMEOUT_S ?? 1200) * 1000;
const budgetMs = Number(budgetArg?.slice('--budget='.length) ?? process.env.MLH_TEST_BUDGET_S ?? 2400) * 1000;
const hasTimeoutFlag = passThrough.some((a) => a.startsWith('--test-timeout'));

const runner = spawn(
  process.execPath,
  ['--import', 'tsx', '--import', pathToFileURL(join(import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)), 'test-exit-guard.mjs')).href, '--test', '--test-reporter=spec', ...(hasTimeoutFlag ? [] : [`--test-timeout=${testTimeoutMs}`]), ...passThrough, ...files],
  // Its own process group, so that on a hang the runner, its file processes and anything they
  // started can be killed together.
  { stdio: 'inherit', detached: true },
);

let timedOut = false;
const budget = setTimeout(() => {
  timedOut = true;
  console.error(`\n::: test run exceeded its budget of ${budgetMs / 1000} s (--budget / MLH_TEST_BUDGET_S); processes still alive:`);
  for (const line of describeDescendants(runner.pid)) console.error(`    ${line}`);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 5000).unref();
}, budgetMs);

runner.on('exit', (code, signal) => {
  clearTimeout(budget);
  if (timedOut) {
    console.error('::: the run was stopped; the files listed above never exited (a handle left open after their tests).');
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killGroup(sig);
    process.exit(1);
  });
}

function killGroup(signal) {
  try {
    process.kill(-runner.pid, signal);
  } catch {
    // already gone
  }
}

/** Every process below `root`, with its age and command line, and what its descriptors point at. */
function describeDescendants(root) {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,etimes=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) return ['(ps is not available)'];
  const rows = ps.stdout
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter(Boolean)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), age: Number(m[3]), args: m[4] }));
  const lines = [];
  const visit = (pid, depth) => {
    for (const row of rows.filter((r) => r.ppid === pid)) {
      lines.push(`${'  '.repeat(depth)}pid ${row.pid}, ${row.age} s: ${row.args.slice(0, 300)}`);
      lines.push(`${'  '.repeat(depth)}  open: ${openDescriptors(row.pid)}`);
      visit(row.pid, depth + 1);
    }
  };
  visit(root, 0);
  return lines.length ? lines : ['(none)'];
}

function openDescriptors(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return `${fd}→${readlinkSync(`/proc/${pid}/fd/${fd}`)}`;
        } catch {
          return fd;
        }
      })
      .join(' ');
  } catch {
    return '(unknown)';
  }
}
