import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryFileSystem } from '../../src/core/fs/memoryFileSystem';
import { bigNotebook, repoRoot } from '../lib/generate';
import { StdioLspClient, cellUri, fileUri } from '../lib/lsp';
import { note, percentile, type BenchRow } from '../lib/measure';
import { checkNotebookWorkspace } from '../lib/notebookCheck';

const EDITS = 200;
const FALLBACK_EDITS = 40;
const EDITED_CODE_CELL = 500;
/** Long enough for a first full check of 1,000 cells on a loaded 2-core machine. */
const FIRST_PUBLISH_TIMEOUT_MS = 20_000;
const EDIT_TIMEOUT_MS = 5_000;

/**
 * A process that keeps one core busy, as a build or a test run beside the editor would: the loaded
 * machine a user types on, made repeatable. Started before the server so both compete from the start.
 */
function startBusyLoop(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/**
 * keystroke: didChange of one cell → publishDiagnostics for it, with the 1,000-cell notebook open
 * through notebookDocument/didOpen on the shipped dist/server.js; p95 over 200 edits, each awaited.
 * Baseline: p95 of an empty round-trip request on the same connection.
 * keystroke-busy (`busyCore`): the same with a busy-loop process on another core for the whole run.
 */
export async function keystroke(options: { busyCore?: boolean; server?: string; serverNodeArgs?: string[] } = {}): Promise<BenchRow> {
  const name = options.busyCore ? 'keystroke-busy' : 'keystroke';
  // `server`: another build's server.js, to compare two builds on the same machine state.
  const server = options.server ?? path.join(repoRoot(), 'dist', 'server.js');
  if (!existsSync(server)) throw new Error('dist/server.js is missing: run `npm run build` first');
  const nb = bigNotebook();
  const root = path.dirname(nb.path);
  const busy = options.busyCore ? startBusyLoop() : null;
  let client: StdioLspClient;
  try {
    client = await StdioLspClient.start(server, root, { trusted: true, ...(options.serverNodeArgs ? { nodeArgs: options.serverNodeArgs } : {}) });
  } catch (error) {
    busy?.kill();
    throw error;
  }
  try {
    const notebookUri = fileUri(nb.path);
    // One markdown cell every tenth, as in the file; the edited cell gets a comment line to type into.
    const cells: { kind: 1 | 2; uri: string; text: string; languageId: string }[] = [];
    let typedLine = 0;
    nb.codeSources.forEach((source, i) => {
      if (i % 10 === 5) cells.push({ kind: 1, uri: cellUri(nb.path, cells.length), text: `## Step ${i}`, languageId: 'markdown' });
      let text = source;
      if (i === EDITED_CODE_CELL) {
        // The server publishes only for cells with findings: an absolute path keeps one on this cell.
        text = source + '\ntyped_frame = pd.read_csv("/home/analyst/typed.csv")\n# typed: ';
        typedLine = text.split('\n').length - 1;
      }
      cells.push({ kind: 2, uri: cellUri(nb.path, cells.length), text, languageId: 'python' });
    });
    const edited = cells.filter((c) => c.kind === 2)[EDITED_CODE_CELL]!;
    const cellUris = new Set(cells.map((c) => c.uri));
    const firstPublish = client.nextPublish((p) => cellUris.has(p.uri) || p.uri === notebookUri, FIRST_PUBLISH_TIMEOUT_MS);
    const openSentAt = performance.now();
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri: notebookUri, notebookType: 'jupyter-notebook', version: 1, metadata: {}, cells: cells.map((c, i) => ({ kind: c.kind, document: c.uri, executionSummary: { executionOrder: i + 1, success: true } })) },
      cellTextDocuments: cells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: 1, text: c.text })),
    });
    const opened = await firstPublish;

    const pings: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const start = performance.now();
      await client.ping();
      pings.push(performance.now() - start);
    }

    if (!opened) {
      note(`keystroke: the server published nothing for the notebook within ${FIRST_PUBLISH_TIMEOUT_MS / 1000} s of notebookDocument/didOpen: notebook diagnostics are not served yet`);
      note(`keystroke: value = p95 of an in-process full re-check (core) per edit over ${FALLBACK_EDITS} edits, the work a notebook didChange would trigger`);
      return { name, value: await coreFallback(nb.path, nb.text, root), unit: 'ms', baseline: percentile(pings, 95) };
    }
    note(`keystroke: first notebook diagnostics ${(opened.at - openSentAt).toFixed(0)} ms after notebookDocument/didOpen`);

    const latencies: number[] = [];
    const cpuBefore = cpuMilliseconds(client.pid);
    let version = 1;
    for (let i = 0; i < EDITS; i++) {
      version++;
      const character = '# typed: '.length + i;
      const published = client.nextPublish((p) => p.uri === edited.uri, EDIT_TIMEOUT_MS);
      const start = performance.now();
      await client.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: notebookUri, version },
        change: { cells: { textContent: [{ document: { uri: edited.uri, version }, changes: [{ range: { start: { line: typedLine, character }, end: { line: typedLine, character } }, text: 'x' }] }] } },
      });
      const got = await published;
      if (!got) throw new Error(`keystroke: no diagnostics for the edited cell within ${EDIT_TIMEOUT_MS} ms of edit ${i + 1}`);
      latencies.push(got.at - start);
    }
    const cpuAfter = cpuMilliseconds(client.pid);
    // CPU time the server spent per keystroke (all its threads): steadier than wall time on a loaded machine.
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? `, server CPU ${((cpuAfter - cpuBefore) / EDITS).toFixed(1)} ms per keystroke` : '';
    note(`${name}: median ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms${cpu}`);
    return { name, value: percentile(latencies, 95), unit: 'ms', baseline: percentile(pings, 95) };
  } finally {
    await client.stop();
    busy?.kill();
  }
}

/** User plus system CPU time of a process from /proc (Linux, clock ticks of 10 ms), in ms; undefined elsewhere. */
function cpuMilliseconds(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(/\s+/);
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

async function coreFallback(notebookPath: string, text: string, root: string): Promise<number> {
  const fs = new MemoryFileSystem({ [notebookPath]: text, [path.join(root, 'pyproject.toml')]: '[project]\nname = "notebook-bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas==2.2.3"]\n' });
  const times: number[] = [];
  let current = text;
  for (let i = 0; i < FALLBACK_EDITS; i++) {
    // One keystroke in the middle code cell: a character typed into the name its cell binds.
    current = current.replace(`frame_${EDITED_CODE_CELL}`, `frame_${EDITED_CODE_CELL}x`);
    fs.writeFile(notebookPath, current);
    const start = performance.now();
    await checkNotebookWorkspace(fs, root, notebookPath);
    times.push(performance.now() - start);
  }
  return percentile(times, 95);
}
