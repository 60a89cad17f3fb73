/**
 * Security promises of an untrusted workspace (package.json `capabilities.untrustedWorkspaces`):
 * the extension starts the shipped server in-process (`startInProcess`, as src/client/extension.ts
 * does), and nothing it does may start a process or open a network connection, even with a
 * `.venv` whose "python" would leave a trace if run, a dvc.yaml and notebooks in the workspace.
 * A static scan backs this up: the core imports no process or network module, and no bundle
 * contains an HTTP client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DIST = path.join(REPO, 'dist');

/** Replaces `owner[key]` with a recorder that still calls through, so a spawn would also leave its trace. */
function record(calls: string[], owner: object, key: string, label: string): () => void {
  const target = owner as Record<string, unknown>;
  const original = target[key];
  if (typeof original !== 'function') return () => undefined;
  target[key] = function (this: unknown, ...args: unknown[]) {
    calls.push(`${label}(${args.map((a) => (typeof a === 'string' ? a : typeof a)).join(', ')})`);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  return () => {
    target[key] = original;
  };
}

function writeWorkspace(dir: string): { marker: string } {
  const marker = path.join(dir, 'python-was-run');
  const files: Record<string, string> = {
    'pyproject.toml': '[project]\nname = "untrusted"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas", "numpy>=1.26"]\n',
    '.python-version': '3.11\n',
    '.venv/pyvenv.cfg': 'home = /usr/bin\nversion = 3.11.8\n',
    '.venv/lib/python3.11/site-packages/pandas-2.2.3.dist-info/METADATA': 'Metadata-Version: 2.1\nName: pandas\nVersion: 2.2.3\n',
    '.venv/lib/python3.11/site-packages/numpy-2.1.3.dist-info/METADATA': 'Metadata-Version: 2.1\nName: numpy\nVersion: 2.1.3\n',
    // If anything ran this interpreter (or the dvc below) the marker file would appear.
    '.venv/bin/python': `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`,
    '.venv/bin/dvc': `#!/bin/sh\ntouch ${JSON.stringify(marker)}\n`,
    'dvc.yaml': 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - train.py\n      - data/raw.csv\n      - ../outside.csv\n    outs:\n      - model.pkl\n',
    'dvc.lock': "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: train.py\n      hash: md5\n      md5: 00000000000000000000000000000000\n      size: 1\n",
    'train.py': 'import pandas as pd\nprint(pd.__version__)\n',
    'data/raw.csv': 'a,b\n1,2\n',
    'notebooks/explore.ipynb': JSON.stringify({
      cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['!pip install lightgbm\n', 'import pandas as pd\n', 'df = pd.read_csv("/home/me/raw.csv")'] }],
      metadata: { kernelspec: { name: 'python3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  };
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  chmodSync(path.join(dir, '.venv/bin/python'), 0o755);
  chmodSync(path.join(dir, '.venv/bin/dvc'), 0o755);
  return { marker };
}

test('untrusted workspace: the in-process server spawns no process and opens no connection', async () => {
  const serverBundle = path.join(DIST, 'server.js');
  assert.ok(existsSync(serverBundle), 'run `npm run build` first: dist/server.js is what is tested');
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-untrusted-'));
  const { marker } = writeWorkspace(dir);
  const calls: string[] = [];
  // Patched before the bundle loads, so even references it destructures at load time are the recorders.
  const restore = [
    ...['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'].map((k) => record(calls, childProcess, k, `child_process.${k}`)),
    record(calls, net.Socket.prototype, 'connect', 'net.Socket.connect'),
    record(calls, net, 'connect', 'net.connect'),
    record(calls, net, 'createConnection', 'net.createConnection'),
    record(calls, http, 'request', 'http.request'),
    record(calls, http, 'get', 'http.get'),
    record(calls, https, 'request', 'https.request'),
    record(calls, https, 'get', 'https.get'),
    record(calls, globalThis, 'fetch', 'fetch'),
  ];
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published = new Map<string, PublishDiagnosticsParams>();
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => void published.set(p.uri, p));
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ enable: true, severity: {}, exclude: [], pythonPath: '.venv' })));
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const server = require(serverBundle) as { startInProcess(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void };
    server.startInProcess(toServer, toClient);
    const folder = URI.file(dir).toString();
    await connection.sendRequest('initialize', {
      processId: null,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'untrusted' }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { trusted: false },
    });
    await connection.sendNotification('initialized', {});
    const pyprojectUri = URI.file(path.join(dir, 'pyproject.toml')).toString();
    const open = (rel: string, languageId: string): Promise<void> =>
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI.file(path.join(dir, rel)).toString(), languageId, version: 1, text: readFileSync(path.join(dir, rel), 'utf8') } });
    await open('pyproject.toml', 'toml');
    await open('dvc.yaml', 'yaml');
    await open('dvc.lock', 'yaml');
    const notebookPath = path.join(dir, 'notebooks/explore.ipynb');
    const cell = URI.from({ scheme: 'vscode-notebook-cell', path: URI.file(notebookPath).path, fragment: 'W0sZmlsZQ==' }).toString();
    await connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: URI.file(notebookPath).toString(), notebookType: 'jupyter-notebook', version: 1, metadata: {}, cells: [{ kind: 2, document: cell }] },
      cellTextDocuments: [{ uri: cell, languageId: 'python', version: 1, text: '!pip install lightgbm\nimport pandas as pd\ndf = pd.read_csv("/home/me/raw.csv")' }],
    });

    const deadline = Date.now() + 15_000;
    while (!published.get(pyprojectUri)?.diagnostics.length && Date.now() < deadline) await sleep(50);
    const pyprojectDiagnostics = published.get(pyprojectUri)?.diagnostics ?? [];
    assert.ok(pyprojectDiagnostics.some((d) => d.code === 'MLH101'), 'the server checked pyproject.toml (MLH101 on pandas)');
    // The pin fix and Pin all must not come from the .venv: reading the environment needs trust.
    const actions = (await connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pyprojectUri },
      range: pyprojectDiagnostics[0]!.range,
      context: { diagnostics: pyprojectDiagnostics },
    })) as Array<{ title: string }>;
    assert.ok(!actions.some((a) => /==2\.2\.3|==2\.1\.3/.test(a.title)), `no pin from the untrusted .venv: ${actions.map((a) => a.title).join('; ')}`);
    const pinAll = (await connection.sendRequest('mlHygiene/pinAll', { uri: pyprojectUri })) as { edit?: unknown; pinned?: unknown[] };
    assert.ok(!pinAll.edit && !pinAll.pinned?.length, `Pin all found no version: the .venv is not read in an untrusted workspace (${JSON.stringify(pinAll)})`);
    await sleep(1500); // let debounced checks of the other documents run too
  } finally {
    for (const r of restore) r();
    connection.dispose();
    toServer.end();
    toClient.end();
  }
  try {
    assert.deepEqual(calls, [], 'no process spawned and no connection opened');
    assert.ok(!existsSync(marker), 'nothing ran the workspace interpreter or dvc');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('the core imports no process or network module and calls no fetch', () => {
  const forbidden = /(?:from\s+|require\(\s*|import\(\s*)['"](?:node:)?(child_process|net|http|https|http2|dgram|tls|worker_threads|cluster)['"]|\bfetch\s*\(|\bXMLHttpRequest\b|\bWebSocket\b/;
  const offenders = sourceFiles(path.join(REPO, 'src', 'core'))
    .map((file) => ({ file: path.relative(REPO, file), hit: forbidden.exec(readFileSync(file, 'utf8'))?.[0] }))
    .filter((x) => x.hit);
  assert.deepEqual(offenders, []);
});

test('no shipped bundle carries an HTTP client; only the LSP libraries reach for net and child_process', () => {
  for (const bundle of ['server.js', 'extension.js', 'cli.js']) {
    const file = path.join(DIST, bundle);
    assert.ok(existsSync(file), `run \`npm run build\` first: dist/${bundle} is missing`);
    const text = readFileSync(file, 'utf8');
    const modules = new Set([...text.matchAll(/require\(\s*["'](?:node:)?([a-z_0-9/]+)["']\s*\)/g)].map((m) => m[1]!));
    for (const m of ['http', 'https', 'http2', 'dgram', 'tls']) assert.ok(!modules.has(m), `dist/${bundle} requires ${m}`);
    // No bundle loads wasm any more, so nothing in them has a reason to call fetch(). (The in-process
    // test above also patches fetch at run time.)
    const call = /[^\w.]fetch\(/.exec(text);
    assert.equal(call, null, `dist/${bundle} calls fetch(): …${call ? text.slice(Math.max(0, call.index - 200), call.index + 80) : ''}`);
    // The CLI is the core plus argument parsing: it has no transport, so it needs neither.
    if (bundle === 'cli.js') for (const m of ['net', 'child_process']) assert.ok(!modules.has(m), `dist/cli.js requires ${m}`);
  }
});
