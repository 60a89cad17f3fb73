/**
 * Soak test of the shipped server (dist/server.js over stdio): open, edit and close manifests and a
 * notebook at a high rate for a bounded time, then check that the server still answers, that its
 * memory settled back near where it started, and that it never published diagnostics for a
 * document after clearing it on close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SeededRandom } from '../../bench/lib/random';
import { cellUri, fileUri, rssMegabytes, StdioLspClient } from '../../bench/lib/lsp';

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
const SOAK_SECONDS = Number(process.env.MLH_SOAK_SECONDS ?? 20);
const PROJECTS = 6;
/**
 * How far above its settled start the server's RSS may stay once the load is gone. The soak sends
 * thousands of full documents; a leak of even a small part of each (documents, findings, engines,
 * timers) would exceed this, while V8 keeping a grown heap for a while stays under it.
 */
const RSS_GROWTH_LIMIT_MB = 80;

function pyproject(project: number, revision: number): string {
  const deps = ['"pandas"', '"scikit-learn>=1.3"', `"numpy>=1.${revision % 30}"`];
  // Every third revision is broken TOML: the server must survive it and report MLH113, not crash.
  const broken = revision % 3 === 2 ? '\n[project\nname = ' : '';
  return `[project]\nname = "soak-${project}"\nversion = "0.${revision}.0"\nrequires-python = ">=3.11"\ndependencies = [\n  ${deps.join(',\n  ')},\n]\n${broken}`;
}

function requirements(revision: number): string {
  return `# revision ${revision}\npandas\nscikit-learn>=1.${revision % 10}\n`;
}

interface TrackedDocument {
  uri: string;
  /** What the client last sent: a publish with findings is legitimate only while the document is open. */
  state: 'closed' | 'open' | 'closing' | 'cleared';
  version: number;
  text: (revision: number) => string;
  languageId: string;
  notebook?: { uri: string; cellUris: string[] };
}

test(`server soak: ${SOAK_SECONDS} s of open/edit/close over stdio`, { timeout: (SOAK_SECONDS + 90) * 1000 }, async () => {
  assert.ok(existsSync(SERVER), 'run `npm run build` first: dist/server.js is what is tested');
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-soak-'));
  const documents: TrackedDocument[] = [];
  for (let p = 0; p < PROJECTS; p++) {
    const root = path.join(dir, `project-${p}`);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'pyproject.toml'), pyproject(p, 0));
    writeFileSync(path.join(root, 'requirements.txt'), requirements(0));
    documents.push({ uri: fileUri(path.join(root, 'pyproject.toml')), state: 'closed', version: 0, text: (r) => pyproject(p, r), languageId: 'toml' });
    documents.push({ uri: fileUri(path.join(root, 'requirements.txt')), state: 'closed', version: 0, text: requirements, languageId: 'pip-requirements' });
  }
  const notebookPath = path.join(dir, 'project-0', 'explore.ipynb');
  writeFileSync(notebookPath, JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  const notebookCells = [0, 1, 2].map((i) => cellUri(notebookPath, i));
  const notebookDoc: TrackedDocument = {
    uri: notebookCells[0]!,
    state: 'closed',
    version: 0,
    text: (r) => `import pandas as pd\ndf = pd.read_csv("/home/me/data-${r}.csv")`,
    languageId: 'python',
    notebook: { uri: fileUri(notebookPath), cellUris: notebookCells },
  };
  documents.push(notebookDoc);

  const client = await StdioLspClient.start(SERVER, dir, { trusted: false });
  const violations: string[] = [];
  const byUri = new Map<string, TrackedDocument>();
  for (const d of documents) {
    byUri.set(d.uri, d);
    for (const c of d.notebook?.cellUris ?? []) byUri.set(c, d);
  }
  let checkedPublishes = 0;
  /** Walks the publishes received since the last audit, in arrival order, against what was sent. */
  const auditPublishes = (): void => {
    for (; checkedPublishes < client.publishes.length; checkedPublishes++) {
      const { params } = client.publishes[checkedPublishes]!;
      const doc = byUri.get(params.uri);
      if (!doc) continue;
      if (doc.state === 'closing' && params.diagnostics.length === 0 && params.uri === doc.uri) doc.state = 'cleared';
      else if (doc.state === 'cleared' && params.diagnostics.length > 0) violations.push(`${params.diagnostics.length} diagnostics published for ${params.uri} after its didClose was answered by the clearing publish`);
    }
  };

  const open = (d: TrackedDocument): void => {
    d.version = 1;
    d.state = 'open';
    if (d.notebook) {
      void client.connection.sendNotification('notebookDocument/didOpen', {
        notebookDocument: { uri: d.notebook.uri, notebookType: 'jupyter-notebook', version: 1, metadata: {}, cells: d.notebook.cellUris.map((c) => ({ kind: 2, document: c })) },
        cellTextDocuments: d.notebook.cellUris.map((c, i) => ({ uri: c, languageId: 'python', version: 1, text: i === 0 ? d.text(1) : `x_${i} = ${i}` })),
      });
    } else void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: d.languageId, version: 1, text: d.text(1) } });
  };
  const change = (d: TrackedDocument): void => {
    d.version++;
    if (d.notebook) {
      void client.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: d.notebook.uri, version: d.version },
        change: { cells: { textContent: [{ document: { uri: d.uri, version: d.version }, changes: [{ text: d.text(d.version) }] }] } },
      });
    } else void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ text: d.text(d.version) }] });
  };
  const close = (d: TrackedDocument): void => {
    d.state = 'closing';
    if (d.notebook) void client.connection.sendNotification('notebookDocument/didClose', { notebookDocument: { uri: d.notebook.uri }, cellTextDocuments: d.notebook.cellUris.map((c) => ({ uri: c })) });
    else void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: d.uri } });
  };

  const settle = async (quietMs: number, maxMs: number): Promise<void> => {
    const end = performance.now() + maxMs;
    let seen = client.publishes.length;
    let quietSince = performance.now();
    while (performance.now() < end) {
      await sleep(100);
      auditPublishes();
      if (client.publishes.length !== seen) {
        seen = client.publishes.length;
        quietSince = performance.now();
      } else if (performance.now() - quietSince >= quietMs) return;
    }
  };

  try {
    // Warm-up: every document opened, checked and closed once, so the baseline includes loaded code.
    for (const d of documents) open(d);
    await settle(1500, 30_000);
    for (const d of documents) close(d);
    await settle(1500, 30_000);
    const baselineRss = rssMegabytes(client.pid);

    const rng = new SeededRandom(0x50a6);
    let operations = 0;
    let peakRss = baselineRss ?? 0;
    const soakEnd = performance.now() + SOAK_SECONDS * 1000;
    let nextSample = 0;
    while (performance.now() < soakEnd) {
      for (let burst = 0; burst < 25; burst++) {
        const d = rng.pick(documents);
        // A document is reopened only once its clearing publish arrived: otherwise the audit cannot
        // tell which open a later publish belongs to (checks start at once, so a reopen can publish
        // before the audit has seen the earlier clear).
        if (d.state === 'closing') continue;
        if (d.state !== 'open') open(d);
        else if (rng.chance(0.75)) change(d);
        else close(d);
        operations++;
      }
      auditPublishes();
      if (performance.now() >= nextSample) {
        peakRss = Math.max(peakRss, rssMegabytes(client.pid) ?? 0);
        nextSample = performance.now() + 500;
      }
      await sleep(5);
    }
    for (const d of documents) if (d.state === 'open') close(d);
    await settle(3000, 60_000);

    const pingStart = performance.now();
    const answered = await Promise.race([client.ping().then(() => true), sleep(5000).then(() => false)]);
    const pingMs = performance.now() - pingStart;
    const finalRss = rssMegabytes(client.pid);
    auditPublishes();
    const lastByUri = new Map<string, number>();
    for (const p of client.publishes) lastByUri.set(p.params.uri, p.params.diagnostics.length);
    const stillShown = [...lastByUri].filter(([uri, n]) => n > 0 && byUri.has(uri));

    console.log(
      `soak: ${operations} operations in ${SOAK_SECONDS} s, ${client.publishes.length} publishes; RSS baseline ${baselineRss?.toFixed(0)} MB, peak ${peakRss.toFixed(0)} MB, settled ${finalRss?.toFixed(0)} MB; ping ${pingMs.toFixed(1)} ms`,
    );
    assert.ok(answered, `the server did not answer a request within 5 s after the soak; stderr:\n${client.stderr.slice(-2000)}`);
    assert.equal(client.proc.exitCode, null, 'the server exited during the soak');
    assert.deepEqual(violations.slice(0, 10), [], `${violations.length} publishes for closed documents`);
    assert.deepEqual(stillShown, [], 'closed documents whose last published diagnostics are not empty');
    if (baselineRss !== undefined && finalRss !== undefined) {
      assert.ok(finalRss <= baselineRss + RSS_GROWTH_LIMIT_MB, `server RSS settled at ${finalRss.toFixed(0)} MB, more than ${RSS_GROWTH_LIMIT_MB} MB above its ${baselineRss.toFixed(0)} MB baseline`);
    }
    assert.ok(operations > SOAK_SECONDS * 200, `only ${operations} operations were sent: the soak did not run at a high rate`);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
