import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, ProgressToken, PublishDiagnosticsParams, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageserver-protocol';

export type WorkDoneProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
import { URI } from 'vscode-uri';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

/**
 * A minimal LSP client over stdio against the *built* server bundle, so protocol tests exercise
 * exactly what ships in the .vsix.
 */
export class LspClient {
  readonly connection: MessageConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: Array<() => void> = [];
  stderr = '';

  private constructor(readonly proc: ChildProcess) {
    this.connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    proc.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.published.push(p);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.settings));
    this.connection.onRequest('client/registerCapability', () => null);
    // Work-done progress, as VS Code's client does it: accept each token, record every `$/progress`.
    this.connection.onRequest('window/workDoneProgress/create', (p: { token: ProgressToken }) => {
      this.progressTokens.push(p.token);
      return null;
    });
    this.connection.onUnhandledProgress((p: { token: ProgressToken; value: WorkDoneProgressValue }) => {
      this.progress.push({ token: p.token, value: p.value, at: Date.now() });
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.listen();
  }

  settings: unknown = { enable: true, severity: {}, exclude: [], pythonPath: '' };
  /** Tokens the server asked to create (`window/workDoneProgress/create`), in order. */
  readonly progressTokens: ProgressToken[] = [];
  /** Every `$/progress` notification received, in order. */
  readonly progress: { token: ProgressToken; value: WorkDoneProgressValue; at: number }[] = [];

  /** The user pressed Cancel on a progress: `window/workDoneProgress/cancel`. */
  cancelProgress(token: ProgressToken): void {
    void this.connection.sendNotification('window/workDoneProgress/cancel', { token });
  }

  /** `env`: variables added to the server's environment, as the editor's would be (VIRTUAL_ENV, say). */
  static async start(workspace: string, opts: { trusted?: boolean; env?: Record<string, string> } = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    const client = new LspClient(proc);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: URI.file(workspace).toString(),
      workspaceFolders: [{ uri: URI.file(workspace).toString(), name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { versionSupport: true } },
        window: { workDoneProgress: true },
      },
      initializationOptions: { trusted: opts.trusted ?? false },
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  open(uri: string, text: string, languageId = 'plaintext', version = 1): void {
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, text: string, version: number): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Waits until `predicate` holds for the published diagnostics, or fails after `ms`. */
  async waitFor<T>(predicate: () => T | undefined | false, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = predicate();
      if (v) return v;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for diagnostics or progress; server stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * Shuts the server down as an editor does, and makes sure it is gone: nothing here waits without
   * a bound, and a server that ignores `exit` is killed (SIGTERM, then SIGKILL). Its pipes are
   * destroyed at the end, so no handle of this process outlives the test file and keeps node:test
   * waiting for it.
   */
  async stop(): Promise<void> {
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => this.proc.once('exit', () => r()));
    await within(2000, this.connection.sendRequest('shutdown').catch(() => undefined));
    await within(1000, this.connection.sendNotification('exit').catch(() => undefined));
    if (!(await within(2000, exited.then(() => true)))) {
      this.proc.kill('SIGTERM');
      if (!(await within(2000, exited.then(() => true)))) {
        this.proc.kill('SIGKILL');
        await within(2000, exited);
      }
    }
    this.connection.dispose();
    for (const stream of [this.proc.stdin, this.proc.stdout, this.proc.stderr]) stream?.destroy();
  }
}

/** `promise`'s value, or undefined once `ms` have passed; the timer never keeps the process alive. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function fileUri(p: string): string {
  return URI.file(p).toString();
}
