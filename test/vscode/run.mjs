#!/usr/bin/env node
// Runs the suites in test/vscode/suite/ against the PACKAGED extension inside a real VS Code:
// code-server (VS Code's server + web workbench) driven by Debian's Chromium through playwright-core.
// The tests run with mocha in the extension host and use the real `vscode` API.
//
//   node test/vscode/run.mjs [--grep TEXT] [--suite NAME] [--workspace NAME]   (--workspace: only that fixture's run)
//
// Needs what scripts/setup-vscode-test.sh installs. Environment:
//   MLH_VSIX                   test this .vsix instead of building dist/ml-hygiene.vsix
//   MLH_VSCODE_TEST_CACHE      where setup put Node 24 and code-server (default .vscode-test/)
//   MLH_VSCODE_TIMEOUT_S       overall time limit (default 480)
//   CHROMIUM                   browser binary (default /usr/bin/chromium)
//   MLH_UPDATE_SCREENSHOTS=1   copy each run's screenshot over its file in docs/images/
//   MLH_NO_PREVIEW=1           prototype-project: apply "Turn notebook into project" without the refactor
//                              preview (tells a preview problem from an edit problem)
//
// Output: the extension host's log as it happens, one line per test (✔/✖), and finally exactly one
// line `N passed, N failed`. Exit status 0 only when tests ran and none failed. Server logs, VS Code's
// own logs and screenshots of each run go to test/vscode/.artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const cache = process.env.MLH_VSCODE_TEST_CACHE ?? path.join(root, '.vscode-test');
const node24 = path.join(cache, 'node24/bin/node');
const codeServer = path.join(cache, 'code-server/node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = path.join(here, '.artifacts');
const bundledSuites = path.join(artifacts, 'suite');
const HOST = '127.0.0.1';
const EXTENSION_ID = 'ml-hygiene.ml-hygiene';
const overallTimeoutMs = Number(process.env.MLH_VSCODE_TIMEOUT_S ?? 480) * 1000;
const grep = argValue('--grep');
/** Only the runs whose suite folder (or workspace) is this name: `--suite pipeline-graph`. */
const onlySuite = argValue('--suite');
const onlyWorkspace = argValue('--workspace');

/** Rows of the ML Hygiene view container's tree (the Pipeline view). */
const PIPELINE_VIEW_ROWS = '[id="workbench.view.extension.mlHygiene"] .monaco-list-row';

/**
 * One run = one code-server instance with one fixture workspace, running the bundled tests in
 * suite/<suite ?? workspace>/. Add a run here when a suite needs another workspace or another trust
 * state. `screenshotShows` lists the selectors the workbench must have painted before the picture is
 * taken (default: squiggles in the editor and rows in the Problems panel).
 */
const RUNS = [
  {
    workspace: 'deps-project',
    trusted: true,
    // Taken after a green run; the suite folder's screenshot.ts stages the workbench for it.
    screenshot: 'docs/images/pyproject-diagnostics.png',
  },
  {
    workspace: 'dvc-project',
    trusted: true,
    screenshot: 'docs/images/pipeline-tree.png',
    // The Pipeline view with a stage expanded (its deps/outs/params rows) and dvc.yaml's squiggles.
    screenshotShows: [PIPELINE_VIEW_ROWS + ' .codicon-diff-modified', '.monaco-editor .squiggly-info'],
  },
  {
    // Issue 7: restricted mode. code-server starts without --disable-workspace-trust and the
    // settings below keep trust enabled without the startup dialog, so the folder opens untrusted.
    workspace: 'untrusted-project',
    suite: 'untrusted',
    trusted: false,
    settings: {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
    },
  },
  {
    // Issue 6: the readiness badge, the report webview and its Fix/Open/Docs buttons.
    workspace: 'readiness-project',
    suite: 'readiness',
    trusted: true,
    screenshot: 'docs/images/readiness-report.png',
    // The badge in the status bar and the report's webview frame (suite/readiness/screenshot.ts
    // waits until the page itself reported its score).
    screenshotShows: ['[id="ml-hygiene.ml-hygiene.mlHygiene.readiness"]', 'iframe.webview.ready'],
  },
  {
    // Issues 4 and 5: per-cell diagnostics in a notebook, and Extract cell to module with its undo;
    // issue 14 §6: the badge and the Problems count with the notebook editor active.
    workspace: 'notebooks-project',
    trusted: true,
    screenshot: 'docs/images/notebook-diagnostics.png',
    screenshotShows: ['[id="ml-hygiene.ml-hygiene.mlHygiene.readiness"]', '.monaco-editor .squiggly-warning', '.markers-panel .monaco-list-row'],
  },
  {
    // Issue 14 §3: the Pipeline graph webview, its nodes and status classes read and clicked inside
    // the webview's frames.
    workspace: 'dvc-project',
    suite: 'pipeline-graph',
    label: 'pipeline-graph',
    trusted: true,
    screenshot: 'docs/images/pipeline-graph.png',
    screenshotShows: ['iframe.webview.ready'],
  },
  {
    // Issue 14: pyproject.toml highlighted by the extension's own TOML grammar (no TOML extension is
    // installed), and completion/hover on [tool.ml-hygiene]. The picture waits for colored tokens
    // (Plain Text paints every span mtk1) and for our hover on a rule code.
    workspace: 'toml-project',
    trusted: true,
    screenshot: 'docs/images/pyproject-toml-highlighting.png',
    screenshotShows: ['.monaco-editor .view-lines span[class*="mtk"]:not(.mtk1)', '.monaco-hover .hover-contents'],
  },
  {
    // Issue 12: "Turn notebook into project" on a bare prototype folder, its refactor preview and undo.
    workspace: 'prototype-project',
    trusted: true,
  },
].filter((run) => !onlyWorkspace || run.workspace === onlyWorkspace);

// VS Code settings for every run. Tests rely on edits staying unsaved (undo, revert), and the
// screenshot should show the workbench a user sees without first-run clutter.
const USER_SETTINGS = {
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'editor.cursorBlinking': 'solid',
  'window.commandCenter': false,
};

/** Processes and browsers this harness started; stopped on every way out. */
const cleanups = [];
const results = [];
let finished = false;
/** Temporary folder holding the workspace copies, extensions and user data of every run. */
let scratch;
/** The run in progress, so a timeout still counts the tests it finished. */
let activeRun;

function argValue(name) {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function log(line) {
  process.stdout.write(line + '\n');
}

function fail(title, error) {
  results.push({ title, state: 'failed', error: String(error?.stack ?? error) });
  log(`✖ ${title}\n${String(error?.message ?? error)}`);
}

async function cleanUp() {
  while (cleanups.length) {
    const cleanup = cleanups.pop();
    try {
      await cleanup();
    } catch {
      // Best effort: the process may already be gone.
    }
  }
}

/** Prints the closing summary (failures again, then the one count line) and exits. */
async function finish() {
  if (finished) return;
  finished = true;
  await cleanUp();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.filter((r) => r.state === 'failed');
  if (results.length === 0) failed.push({ title: 'no test ran', state: 'failed' });
  if (failed.length) {
    log('\nfailures:');
    for (const f of failed) log(`  ✖ ${f.title}${f.error ? `\n${indent(f.error, '      ')}` : ''}`);
  }
  log(`${passed} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

function indent(text, prefix) {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function step(label) {
  const started = Date.now();
  log(`[vscode-test] ${label}`);
  return () => log(`[vscode-test] ${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function checkPrerequisites() {
  const missing = [
    [node24, 'Node 24'],
    [codeServer, 'code-server'],
    [chromiumPath, 'Chromium'],
  ].filter(([file]) => !existsSync(file));
  if (missing.length) {
    throw new Error(
      `missing ${missing.map(([file, what]) => `${what} (${file})`).join(', ')}; run bash scripts/setup-vscode-test.sh`,
    );
  }
}

function packageExtension() {
  if (process.env.MLH_VSIX) return path.resolve(process.env.MLH_VSIX);
  const done = step('packaging the extension (npm run package)');
  const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status ?? r.signal})`);
  done();
  return path.join(root, 'dist/ml-hygiene.vsix');
}

async function bundleSuites() {
  const done = step('bundling test/vscode/suite');
  const esbuild = await import('esbuild');
  rmSync(bundledSuites, { recursive: true, force: true });
  const suiteRoot = path.join(here, 'suite');
  const entryPoints = [path.join(suiteRoot, 'index.ts')];
  for (const run of RUNS) {
    const dir = path.join(suiteRoot, suiteOf(run));
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.test.ts') || name === 'screenshot.ts') entryPoints.push(path.join(dir, name));
    }
  }
  await esbuild.build({
    entryPoints,
    outbase: suiteRoot,
    outdir: bundledSuites,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // `vscode` is the extension host's; mocha resolves from the repository's node_modules.
    external: ['vscode', 'mocha'],
  });
  done();
}

function suiteOf(run) {
  return run.suite ?? run.workspace;
}

function installExtension(vsix, extensionsDir, userDataDir) {
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist`);
  const done = step(`installing ${path.relative(root, vsix) || vsix} into a fresh extensions folder`);
  const r = spawnSync(
    node24,
    [codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix],
    { encoding: 'utf8' },
  );
  const installed = readdirSync(extensionsDir).some((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (r.status !== 0 || !installed) {
    throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  done();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts code-server in its own process group (so its extension host and helpers stop with it). */
async function startCodeServer({ port, workspaceDir, userDataDir, extensionsDir, trusted, env, logFile }) {
  const args = [
    codeServer,
    '--auth', 'none',
    '--bind-addr', `${HOST}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--ignore-last-opened',
    // Without the smoke-test driver a built VS Code ignores extensionDevelopmentPath/extensionTestsPath.
    '--vscode-option', 'enable-smoke-test-driver',
    ...(trusted ? ['--disable-workspace-trust'] : []),
    workspaceDir,
  ];
  const server = spawn(node24, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logStream = createWriteStream(logFile);
  let output = '';
  const collect = (chunk) => {
    logStream.write(chunk);
    if (output.length < 64_000) output += chunk;
  };
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  cleanups.push(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
      if (!stopped) process.kill(-server.pid, 'SIGKILL');
    }
    logStream.end();
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${output}`));
    };
    server.once('exit', onExit);
    const onData = () => {
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        server.off('exit', onExit);
        resolve();
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
  });
  return server;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readResults(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

// Known-harmless workbench noise on an offline machine (the recipe's "Gotchas seen"): gallery and
// GitHub lookups that cannot resolve. Still written to vscode.log in the artifacts.
const OFFLINE_NOISE = [/getaddrinfo ENOTFOUND/, /authentication provider 'github'/];

/**
 * Prints one log entry the workbench forwards in automation mode (its own and the extension host's
 * console). Test result lines from suite/index.ts are shown as they are.
 */
function printWorkbenchLog(type, args, fullLog) {
  const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  fullLog.write(`[${type}] ${text}\n`);
  if (OFFLINE_NOISE.some((noise) => noise.test(text))) return;
  for (const line of text.split('\n')) {
    if (line.startsWith('[mlh-test] ')) log(line.slice('[mlh-test] '.length));
    else log(`  [vscode ${type}] ${line}`);
  }
}

/**
 * What the workbench shows is not in the `vscode` API (notifications, rendered tree rows), so a test
 * asks the harness: it logs `[mlh-dom] {"id","selector","parts"?}` and waits for
 * MLH_VSCODE_DOM_DIR/<id>.json, which holds the innerText of every element matching the selector
 * (`texts`), or with `parts` (sub-selectors) the innerText of each part per element, null when absent;
 * `"click": true` then clicks the first match with the mouse. With `"webview": true` the selector is looked up inside the webviews' documents (each webview is
 * an iframe holding another iframe), in the first frame where it matches; `attributes` (names) adds
 * each element's values of them (`attributes`), `styles` (CSS properties, custom ones too) their
 * computed values (`styles`); `"click": true` then clicks the first match with the mouse, as a
 * person would.
 */
const DOM_QUERY_PREFIX = '[mlh-dom] ';

async function answerDomQuery(page, json, answersDir, fullLog) {
  let query;
  try {
    query = JSON.parse(json);
  } catch (error) {
    fullLog.write(`[mlh-dom] unreadable query ${json}: ${error}\n`);
    return;
  }
  if (!/^[\w-]+$/.test(String(query.id))) return;
  let answer;
  try {
    if (query.webview) answer = await answerWebviewQuery(page, query);
    else {
      const parts = Array.isArray(query.parts) ? query.parts.map(String) : undefined;
      answer = parts
        ? { parts: await page.$$eval(String(query.selector), (elements, sub) => elements.map((e) => sub.map((s) => e.querySelector(s)?.innerText ?? null)), parts) }
        : { texts: await page.$$eval(String(query.selector), (elements) => elements.map((e) => e.innerText)) };
      // `"click": true`: the mouse clicks the first match (a view's title-bar button, say).
      if (query.click && (answer.texts ?? answer.parts).length) await page.click(String(query.selector), { timeout: 5_000 });
    }
  } catch (error) {
    answer = { error: String(error?.message ?? error) };
  }
  fullLog.write(`[mlh-dom] ${json} -> ${JSON.stringify(answer)}\n`);
  // Written whole, then renamed, so the test never reads half an answer.
  const file = path.join(answersDir, `${query.id}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(answer));
  renameSync(`${file}.tmp`, file);
}

/** A `webview` DOM query: the first frame other than the workbench's own where the selector matches. */
async function answerWebviewQuery(page, query) {
  const selector = String(query.selector);
  const names = Array.isArray(query.attributes) ? query.attributes.map(String) : [];
  const styleNames = Array.isArray(query.styles) ? query.styles.map(String) : [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.isDetached()) continue;
    const elements = await frame.$$(selector).catch(() => []);
    if (!elements.length) continue;
    const texts = [];
    const attributes = [];
    const styles = [];
    for (const element of elements) {
      texts.push(await element.evaluate((e) => e.textContent ?? ''));
      attributes.push(await element.evaluate((e, list) => Object.fromEntries(list.map((n) => [n, e.getAttribute(n)])), names));
      if (styleNames.length) styles.push(await element.evaluate((e, list) => Object.fromEntries(list.map((n) => [n, getComputedStyle(e).getPropertyValue(n).trim()])), styleNames));
    }
    if (query.click) await elements[0].click();
    return { texts, attributes, styles, frame: frame.url().slice(0, 200) };
  }
  return { texts: [], attributes: [] };
}

async function runWorkspace(run, { vsix, scratch, chromium }) {
  // Two runs may open the same workspace: `label` keeps their artifacts and titles apart.
  const label = run.label ?? `${run.workspace}${run.trusted ? '' : ' (untrusted)'}`;
  const runArtifacts = path.join(artifacts, label.replace(/\W+/g, '-'));
  rmSync(runArtifacts, { recursive: true, force: true });
  mkdirSync(runArtifacts, { recursive: true });

  const base = path.join(scratch, label.replace(/\W+/g, '-'));
  const extensionsDir = path.join(base, 'extensions');
  const userDataDir = path.join(base, 'user-data');
  const devExtension = path.join(base, 'dev-extension');
  // Same folder name as the fixture, so the workbench title and Explorer read naturally.
  const workspaceDir = path.join(base, 'workspace', run.workspace);
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify({ ...USER_SETTINGS, ...run.settings }, null, 2));
  cpSync(path.join(here, 'workspaces', run.workspace), workspaceDir, { recursive: true });
  // The workbench only runs extensionTestsPath for a development extension. This empty one stands
  // in, so the extension under test is the installed .vsix and not the repository's sources.
  mkdirSync(devExtension, { recursive: true });
  writeFileSync(
    path.join(devExtension, 'package.json'),
    JSON.stringify({
      name: 'mlh-test-host',
      publisher: 'mlh-test',
      version: '0.0.0',
      engines: { vscode: '*' },
      // Restricted mode disables extensions that do not declare support; this one only hosts the tests.
      capabilities: { untrustedWorkspaces: { supported: true } },
    }),
  );
  installExtension(vsix, extensionsDir, userDataDir);

  const resultsFile = path.join(base, 'results.jsonl');
  const screenshotDone = path.join(base, 'screenshot.done');
  const finalScreenshotDone = path.join(base, 'final-screenshot.done');
  const atExit = path.join(runArtifacts, 'workbench-at-exit.png');
  let finalTaken = false;
  const port = await freePort();
  const domAnswers = path.join(base, 'dom');
  mkdirSync(domAnswers, { recursive: true });
  const done = step(`running suite/${suiteOf(run)} in code-server on ${HOST}:${port}`);
  const server = await startCodeServer({
    port,
    workspaceDir,
    userDataDir,
    extensionsDir,
    trusted: run.trusted,
    logFile: path.join(runArtifacts, 'server.log'),
    env: {
      MLH_VSCODE_SUITE_DIR: path.join(bundledSuites, suiteOf(run)),
      MLH_VSCODE_DOM_DIR: domAnswers,
      MLH_VSCODE_RESULTS: resultsFile,
      MLH_VSCODE_EXTENSIONS_DIR: extensionsDir,
      ...(grep ? { MLH_VSCODE_GREP: grep } : {}),
      ...(process.env.MLH_NO_PREVIEW ? { MLH_NO_PREVIEW: '1' } : {}),
      ...(run.screenshot ? { MLH_VSCODE_SCREENSHOT_DONE: screenshotDone } : {}),
      MLH_VSCODE_FINAL_SCREENSHOT_DONE: finalScreenshotDone,
    },
  });

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const browserLog = createWriteStream(path.join(runArtifacts, 'browser.log'));
  cleanups.push(() => new Promise((resolve) => browserLog.end(resolve)));
  page.on('console', (message) => browserLog.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => browserLog.write(`[pageerror] ${error.stack ?? error}\n`));

  let reportExit;
  const exited = new Promise((resolve) => (reportExit = resolve));
  // Without these the run would only end at the overall time limit.
  server.once('exit', (code, signal) => reportExit(`code-server exited (${code ?? signal})`));
  page.on('crash', () => reportExit('the workbench page crashed'));
  let screenshotStaged;
  const staged = new Promise((resolve) => (screenshotStaged = resolve));
  const workbenchLog = createWriteStream(path.join(runArtifacts, 'vscode.log'));
  cleanups.push(() => new Promise((resolve) => workbenchLog.end(resolve)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const query = Array.isArray(args) ? args.find((a) => typeof a === 'string' && a.startsWith(DOM_QUERY_PREFIX)) : undefined;
    if (query) return answerDomQuery(page, query.slice(DOM_QUERY_PREFIX.length), domAnswers, workbenchLog);
    printWorkbenchLog(type, args, workbenchLog);
    if (Array.isArray(args) && args.some((a) => a === '[mlh-screenshot] ready')) screenshotStaged();
    if (Array.isArray(args) && args.some((a) => a === '[mlh-screenshot] final')) {
      // The tests are done and the extension still runs: its badge, diagnostics and views are there.
      return page
        .screenshot({ path: atExit })
        .then(() => (finalTaken = true))
        .catch((error) => log(`[vscode-test] final screenshot failed: ${error}`))
        .finally(() => writeFileSync(finalScreenshotDone, ''));
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => reportExit(code));

  const remote = (p) => `vscode-remote://${HOST}:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devExtension)],
    ['extensionTestsPath', remote(path.join(bundledSuites, 'index.js'))],
    ['skipWelcome', 'true'],
  ];
  await page.goto(
    `http://${HOST}:${port}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
  );

  let screenshotPath;
  if (run.screenshot) {
    staged.then(async () => {
      const file = path.join(runArtifacts, path.basename(run.screenshot));
      // The ready signal comes from the extension host; wait until the workbench has painted what it
      // asked for (run.screenshotShows).
      for (const selector of run.screenshotShows ?? ['.monaco-editor .squiggly-warning', '.markers-panel .monaco-list-row']) {
        await page.waitForSelector(selector, { timeout: 15_000 });
      }
      await page.screenshot({ path: file });
      screenshotPath = file;
      writeFileSync(screenshotDone, '');
    }).catch((error) => {
      log(`[vscode-test] screenshot failed: ${error}`);
      writeFileSync(screenshotDone, '');
    });
  }

  const collectResults = () => readResults(resultsFile).map((r) => ({ ...r, title: `[${label}] ${r.title}` }));
  activeRun = { collectResults };
  const exitCode = await exited;
  activeRun = undefined;
  // Whatever the outcome, the last view of the workbench helps debugging. Taken here only when the
  // tests did not ask for it before ending (a crash, a timeout): after exit the extension is gone.
  if (!finalTaken) await page.screenshot({ path: atExit }).catch(() => {});
  const runResults = collectResults();
  results.push(...runResults);
  if (exitCode !== 0 && !runResults.some((r) => r.state === 'failed')) {
    fail(`[${label}] extension host test run`, `ended with exit code ${exitCode} (see the log above and vscode.log in the artifacts)`);
  }
  if (runResults.length === 0 && exitCode === 0) fail(`[${label}] test run`, 'no test ran');
  done();

  const logsDir = path.join(userDataDir, 'logs');
  if (existsSync(logsDir)) cpSync(logsDir, path.join(runArtifacts, 'vscode-logs'), { recursive: true });

  const green = exitCode === 0 && runResults.length > 0 && runResults.every((r) => r.state === 'passed');
  if (run.screenshot && green && !grep) {
    if (!screenshotPath) fail(`[${label}] screenshot`, `no screenshot was taken for ${run.screenshot} (see the log above)`);
    else if (process.env.MLH_UPDATE_SCREENSHOTS === '1') {
      // Only on request: PNG bytes differ run to run, and a plain `npm test` must leave the tree clean.
      mkdirSync(path.dirname(path.join(root, run.screenshot)), { recursive: true });
      cpSync(screenshotPath, path.join(root, run.screenshot));
      log(`[vscode-test] wrote ${run.screenshot}`);
    } else log(`[vscode-test] screenshot kept in ${screenshotPath} (MLH_UPDATE_SCREENSHOTS=1 refreshes ${run.screenshot})`);
  }
}

async function main() {
  const timer = setTimeout(() => {
    if (activeRun) results.push(...activeRun.collectResults());
    fail('overall time limit', `the run took longer than ${overallTimeoutMs / 1000} s`);
    void finish();
  }, overallTimeoutMs);
  timer.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      fail('interrupted', `received ${signal}`);
      void finish();
    });
  }

  checkPrerequisites();
  mkdirSync(artifacts, { recursive: true });
  const vsix = packageExtension();
  await bundleSuites();
  const { chromium } = await import('playwright-core');
  scratch = mkdtempSync(path.join(tmpdir(), 'mlh-vscode-'));
  for (const run of RUNS.filter((r) => !onlySuite || suiteOf(r) === onlySuite || r.workspace === onlySuite)) {
    try {
      await runWorkspace(run, { vsix, scratch, chromium });
    } catch (error) {
      fail(`[${run.workspace}] harness`, error);
    }
    // Stops this run's code-server and browser before the next run starts its own.
    await cleanUp();
  }
  await finish();
}

main().catch(async (error) => {
  fail('harness', error);
  await finish();
});
