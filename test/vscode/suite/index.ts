// Entry point the workbench loads as `extensionTestsPath`: runs the bundled suites of one fixture
// workspace with mocha inside the extension host and reports each result to the harness.
//
// The harness (test/vscode/run.mjs) passes its settings through the environment of code-server,
// which the extension host inherits:
//   MLH_VSCODE_SUITE_DIR        folder of bundled `*.test.js` files to run
//   MLH_VSCODE_RESULTS          file that receives one JSON line per finished test
//   MLH_VSCODE_GREP             optional: only tests whose full title contains this text
//   MLH_VSCODE_SCREENSHOT_DONE  optional: after a green run, stage the workbench for a screenshot
//                               and keep the extension host alive until this file exists
//   MLH_VSCODE_FINAL_SCREENSHOT_DONE  after the tests, the harness pictures the workbench and
//                               creates this file (the extension is still running then)
import * as fs from 'node:fs';
import * as path from 'node:path';

interface MochaTest {
  title: string;
  duration?: number;
  fullTitle(): string;
}
interface MochaRunner {
  on(event: 'pass', listener: (test: MochaTest) => void): this;
  on(event: 'fail', listener: (test: MochaTest, error: unknown) => void): this;
}
interface MochaInstance {
  addFile(file: string): void;
  run(done: (failures: number) => void): MochaRunner;
}
interface MochaOptions {
  ui: 'tdd';
  timeout: number;
  color: boolean;
  reporter: unknown;
  grep?: string;
}
type MochaConstructor = new (options: MochaOptions) => MochaInstance;
type SilentReporter = new (runner: MochaRunner) => unknown;

/** Lines with this prefix are test results; the harness prints them without the log prefix. */
const RESULT_PREFIX = '[mlh-test]';
/** Tells the harness that the workbench shows what the README screenshot should show. */
const SCREENSHOT_READY = '[mlh-screenshot] ready';
/** Asks the harness for workbench-at-exit.png now, before the extension host stops. */
const FINAL_SCREENSHOT = '[mlh-screenshot] final';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the suites through test/vscode/run.mjs`);
  return value;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the harness did not take the screenshot within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function run(): Promise<void> {
  const suiteDir = requiredEnv('MLH_VSCODE_SUITE_DIR');
  const resultsFile = requiredEnv('MLH_VSCODE_RESULTS');
  // mocha stays outside the bundle (it loads reporters and interfaces dynamically); it resolves
  // from the repository's node_modules because the bundles live inside the repository.
  const Mocha = require('mocha') as MochaConstructor & { reporters: { Base: SilentReporter } };
  const grep = process.env.MLH_VSCODE_GREP;
  const mocha = new Mocha({
    ui: 'tdd',
    // The first test waits for the language server to start and check the workspace.
    timeout: 60_000,
    color: false,
    // Results are printed below, one line each, so the harness can tell them from other log lines.
    reporter: Mocha.reporters.Base,
    ...(grep ? { grep } : {}),
  });
  const files = fs
    .readdirSync(suiteDir)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  if (files.length === 0) throw new Error(`no *.test.js bundles in ${suiteDir}`);
  for (const name of files) mocha.addFile(path.join(suiteDir, name));

  const record = (result: TestResult): void => {
    // Appended as each test ends, so a run that hangs or crashes still leaves what it got through.
    fs.appendFileSync(resultsFile, JSON.stringify(result) + '\n');
    const duration = `(${result.durationMs} ms)`;
    if (result.state === 'passed') console.log(`${RESULT_PREFIX} ✔ ${result.title} ${duration}`);
    else console.log(`${RESULT_PREFIX} ✖ ${result.title} ${duration}\n${result.error ?? ''}`);
  };

  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => record({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 }));
    runner.on('fail', (test, error) =>
      record({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: describeError(error) }),
    );
  });
  // The workbench as the tests left it, pictured while the extension still runs: once run() returns,
  // the extension host shuts down and its status-bar items, diagnostics and views disappear.
  const finalDone = process.env.MLH_VSCODE_FINAL_SCREENSHOT_DONE;
  if (finalDone) {
    console.log(FINAL_SCREENSHOT);
    await waitForFile(finalDone, 20_000).catch((error: Error) => console.log(`[mlh-test] (no final screenshot: ${error.message})`));
  }
  if (failures > 0) throw new Error(`${failures} test(s) failed`);

  const screenshotDone = process.env.MLH_VSCODE_SCREENSHOT_DONE;
  const stagingModule = path.join(suiteDir, 'screenshot.js');
  if (screenshotDone && fs.existsSync(stagingModule)) {
    const staging = require(stagingModule) as { stageScreenshot(): Promise<void> };
    await staging.stageScreenshot();
    console.log(SCREENSHOT_READY);
    await waitForFile(screenshotDone, 60_000);
  }
}
