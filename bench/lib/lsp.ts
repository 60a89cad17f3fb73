import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';

export interface ReceivedPublish {
  at: number;
  params: PublishDiagnosticsParams;
}

/**
 * A bare LSP client over stdio against the built server bundle (the one the .vsix ships), for the
 * keystroke benchmark and the soak test. It records every publishDiagnostics with its arrival time.
 */
export class StdioLspClient {
  readonly connection: MessageConnection;
  readonly publishes: ReceivedPublish[] = [];
  stderr = '';
  private listeners: Array<(p: ReceivedPublish) => void> = [];

  private constructor(readonly proc: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const received = { at: performance.now(), params };
      this.publishes.push(received);
      for (const l of [...this.listeners]) l(received);
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ enable: true, severity: {}, exclude: [], pythonPath: '' })));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  static async start(serverPath: string, workspace: string, opts: { trusted?: boolean; nodeArgs?: string[] } = {}): Promise<StdioLspClient> {
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new StdioLspClient(proc);
    const folder = URI.file(workspace).toString();
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'workspace' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { versionSupport: true } },
        notebookDocument: { synchronization: { dynamicRegistration: false, executionSummarySupport: true } },
      },
      initializationOptions: { trusted: opts.trusted ?? false },
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves with the first publish after now that satisfies `predicate`, or undefined after `ms`. */
  nextPublish(predicate: (p: PublishDiagnosticsParams) => boolean, ms: number): Promise<ReceivedPublish | undefined> {
    return new Promise((resolve) => {
      const listener = (p: ReceivedPublish): void => {
        if (!predicate(p.params)) return;
        done(p);
      };
      const timer = setTimeout(() => done(undefined), ms);
      const done = (p: ReceivedPublish | undefined): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(p);
      };
      this.listeners.push(listener);
    });
  }

  /** A request the server answers without work (an unknown method gets MethodNotFound): the protocol's floor. */
  async ping(): Promise<void> {
    try {
      await this.connection.sendRequest('mlHygiene/benchPing', {});
    } catch {
      // MethodNotFound is the expected answer; the round trip is what is measured.
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const exited = new Promise((r) => this.proc.once('exit', r));
    // Give the server a moment to leave on its own after `exit` (a --cpu-prof server writes its
    // profile then, and a killed one never does); kill it if it lingers.
    if (this.proc.exitCode === null) await raceTimeout(exited, 1000);
    if (this.proc.exitCode === null) this.proc.kill();
    await raceTimeout(exited, 2000);
    this.connection.dispose();
  }
}

/** Waits for `promise` at most `ms`, and clears the timer either way so nothing keeps the process alive. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export function fileUri(p: string): string {
  return URI.file(p).toString();
}

/** The URI VS Code gives a notebook cell: the notebook's path, scheme vscode-notebook-cell, the cell in the fragment. */
export function cellUri(notebookPath: string, cellIndex: number): string {
  return URI.from({ scheme: 'vscode-notebook-cell', path: URI.file(notebookPath).path, fragment: `W${cellIndex.toString(36).padStart(4, '0')}sZmlsZQ==` }).toString();
}

/** Resident set size of a process from /proc (Linux), in MB; undefined elsewhere. */
export function rssMegabytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
