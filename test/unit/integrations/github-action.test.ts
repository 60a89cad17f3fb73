// action.yml, the composite GitHub Action, run here the way the Actions runner runs it, as far as
// that can happen off GitHub: the metadata is parsed, `${{ }}` expressions are substituted, and every
// `run:` step executes in bash (`bash --noprofile --norc -eo pipefail`, the runner's bash) with the
// runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and variables (GITHUB_ACTION_PATH,
// GITHUB_WORKSPACE). `uses:` steps (setup-node, upload-sarif) cannot run here; the test checks
// what they would receive. The action path is a snapshot of this working tree, built by the action's
// own build step (npm ci, npm run build).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { isKnownRuleCode } from '../../../src/core/rules/registry';
import { isolatedGitEnv, REPO_ROOT, snapshotRepository } from '../../helpers/repoSnapshot';

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface ActionYml {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parseYaml(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml;

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** The subset of the Actions expression language action.yml uses; anything else fails the test. */
function evaluate(expr: string, ctx: Context): string {
  const e = expr.trim();
  const eq = /^(.+?)\s*==\s*'([^']*)'$/.exec(e);
  if (eq) return String(evaluate(eq[1]!, ctx) === eq[2]);
  const m = /^(inputs|github)\.([\w-]+)$/.exec(e) ?? /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
  if (!m) throw new Error(`expression not understood by this test: ${e}`);
  if (e.startsWith('steps.')) return ctx.steps[m[1]!]?.outputs[m[2]!] ?? '';
  const value = (ctx[m[1] as 'inputs' | 'github'] as Record<string, string>)[m[2]!];
  if (value === undefined) throw new Error(`unknown ${e}`);
  return value;
}
const substitute = (text: string, ctx: Context) => text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => evaluate(e, ctx));
const condition = (step: Step, ctx: Context) => step.if === undefined || substitute(step.if.includes('${{') ? step.if : `\${{ ${step.if} }}`, ctx) === 'true';

interface Run {
  /** `uses:` steps that would run, with their `with:` evaluated. */
  used: Array<{ uses: string; with: Record<string, string> }>;
  /** Name of the step that failed, and its status. */
  failed?: { step: string; status: number; output: string };
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

function runAction(actionPath: string, workspace: string, given: Record<string, string>, skipSteps: string[] = []): Run {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  const runnerTemp = mkdtempSync(path.join(tmpdir(), 'mlh-runner-'));
  const ctx: Context = { inputs, github: { action_path: actionPath, workspace }, steps: {} };
  const summaryFile = path.join(runnerTemp, 'summary.md');
  writeFileSync(summaryFile, '');
  const run: Run = { used: [], outputs: {}, summary: '', log: '' };
  for (const [i, step] of action.runs.steps.entries()) {
    if (skipSteps.includes(step.name) || !condition(step, ctx)) continue;
    if (step.uses) {
      run.used.push({ uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)])) });
      continue;
    }
    assert.equal(step.shell, 'bash', `${step.name}: composite run steps must name their shell`);
    const outputFile = path.join(runnerTemp, `output-${i}`);
    writeFileSync(outputFile, '');
    const env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)])),
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: runnerTemp,
      CI: 'true',
      npm_config_prefer_offline: 'true',
    };
    const cwd = substitute(step['working-directory'] ?? '${{ github.workspace }}', ctx);
    const script = path.join(runnerTemp, `step-${i}.sh`);
    writeFileSync(script, substitute(step.run ?? '', ctx));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8' });
    run.log += `## ${step.name}\n${r.stdout}${r.stderr}`;
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (step.id) ctx.steps[step.id] = { outputs };
    if (r.status !== 0) {
      run.failed = { step: step.name, status: r.status ?? -1, output: r.stdout + r.stderr };
      break;
    }
  }
  run.outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, v]) => [k, substitute(v.value, ctx)]));
  run.summary = readFileSync(summaryFile, 'utf8');
  return run;
}

const SARIF_SCHEMA = path.join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
function assertValidSarif(file: string): { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> } {
  // As test/unit/cli-formats/sarif.test.ts validates: the OASIS SARIF 2.1.0 schema, draft-04.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
  const log = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof assertValidSarif>;
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  return log;
}

test('action.yml is a composite action with documented inputs, setup-node and upload-sarif', () => {
  assert.equal(action.runs.using, 'composite');
  assert.ok(action.name && action.description);
  assert.deepEqual(Object.keys(action.inputs), ['path', 'fail-on', 'sarif-file', 'upload', 'node-version']);
  for (const [name, input] of Object.entries(action.inputs)) assert.ok(input.description && input.default !== undefined, name);
  const uses = action.runs.steps.filter((s) => s.uses).map((s) => s.uses!.replace(/@.*/, ''));
  assert.deepEqual(uses, ['actions/setup-node', 'github/codeql-action/upload-sarif']);
  // Inputs never appear inside a script's text, only in `env:` (no shell injection through a path).
  for (const s of action.runs.steps) if (s.run) assert.doesNotMatch(s.run, /\$\{\{/, s.name);
});

describe('running the action', { timeout: 600_000 }, () => {
  let actionPath = '';
  let build: Run;

  before(() => {
    const home = mkdtempSync(path.join(tmpdir(), 'mlh-action-home-'));
    actionPath = snapshotRepository(isolatedGitEnv(home)).dir;
    // The action's own build step, on an empty workspace: npm ci and npm run build in the action path.
    const empty = mkdtempSync(path.join(tmpdir(), 'mlh-ws-'));
    build = runAction(actionPath, empty, { upload: 'false' });
  });

  test('the build step builds the CLI in the action path', () => {
    assert.ok(existsSync(path.join(actionPath, 'dist/cli.js')), build.log);
    // An empty workspace has nothing to report: the check passes, the log has no results.
    assert.equal(build.failed, undefined, build.log);
    assert.equal(build.outputs['exit-code'], '0');
  });

  test('on the example project: a valid SARIF log with our rules and workspace-relative paths, uploaded, and the job fails on its errors', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'mlh-ws-'));
    cpSync(path.join(REPO_ROOT, 'examples/churn-model'), workspace, { recursive: true });
    const run = runAction(actionPath, workspace, {}, ['Build the ML Hygiene CLI']);
    assert.equal(run.outputs['sarif-file'], 'ml-hygiene.sarif');
    assert.equal(run.outputs['exit-code'], '1', run.log);
    const log = assertValidSarif(path.join(workspace, 'ml-hygiene.sarif'));
    const results = log.runs.flatMap((r) => r.results);
    assert.ok(results.length >= 5, `${results.length} results`);
    for (const r of results) {
      assert.ok(isKnownRuleCode(r.ruleId), r.ruleId);
      // URI references: percent-encoded (`churn%20exploration.ipynb`), relative to the checkout.
      const uri = decodeURIComponent(r.locations[0]!.physicalLocation.artifactLocation.uri);
      assert.ok(!uri.startsWith('/') && existsSync(path.join(workspace, uri)), uri);
    }
    assert.ok(results.some((r) => r.level === 'error'));
    // Code scanning gets the log the check wrote.
    assert.deepEqual(run.used, [
      { uses: 'actions/setup-node@v4', with: { 'node-version': '20', cache: 'npm', 'cache-dependency-path': `${actionPath}/package-lock.json` } },
      { uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: 'ml-hygiene.sarif', category: 'ml-hygiene' } },
    ]);
    assert.match(run.summary, new RegExp(`ML Hygiene: ${results.length} finding\\(s\\), SARIF log in ml-hygiene.sarif`));
    assert.equal(run.failed?.step, 'Fail on findings');
    assert.match(run.failed!.output, /::error::ML Hygiene found problems at severity error or above/);
  });

  test('fail-on never, no upload, several paths and another log name: the job passes', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'mlh-ws-'));
    cpSync(path.join(REPO_ROOT, 'examples/churn-model'), workspace, { recursive: true });
    const run = runAction(actionPath, workspace, { 'fail-on': 'never', upload: 'false', path: 'pyproject.toml notebooks', 'sarif-file': 'ci.sarif' }, ['Build the ML Hygiene CLI']);
    assert.equal(run.failed, undefined, run.log);
    assert.equal(run.outputs['exit-code'], '0');
    const results = assertValidSarif(path.join(workspace, 'ci.sarif')).runs.flatMap((r) => r.results);
    const files = new Set(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.split('/')[0]));
    assert.deepEqual([...files].sort(), ['notebooks', 'pyproject.toml']);
    assert.deepEqual(run.used.map((u) => u.uses), ['actions/setup-node@v4']);
  });

  test('a path input is data, not shell: `$(touch pwned)` is a missing path (exit 2), nothing runs', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'mlh-ws-'));
    const run = runAction(actionPath, workspace, { path: '$(touch pwned) ; touch pwned2' }, ['Build the ML Hygiene CLI']);
    assert.equal(run.failed?.step, 'Check the project');
    assert.equal(run.failed?.status, 2);
    assert.match(run.failed!.output, /::error::ml-hygiene check failed \(exit 2\)/);
    assert.ok(!existsSync(path.join(workspace, 'pwned')) && !existsSync(path.join(workspace, 'pwned2')));
    assert.deepEqual(run.used.map((u) => u.uses), ['actions/setup-node@v4'], 'nothing is uploaded');
  });
});
