// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReadinessMethods, type ReadinessParams, type ReadinessResult } from '../../protocol/readiness';
import { DEFAULT_THRESHOLDS, thresholdsFrom, type ReadinessThresholds } from './thresholds';

/**
 * The one way the client learns readiness: it asks the server (the client never analyses files).
 * `onDidChange` fires when the server says an input changed, and when the thresholds change.
 */
export class ReadinessSource implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  thresholds: ReadinessThresholds = DEFAULT_THRESHOLDS;

  constructor(private readonly client: LanguageClient, private readonly ready: Promise<void>) {
    this.thresholds = readThresholds();
    this.disposables.push(
      client.onNotification(ReadinessMethods.readinessChanged, () => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('mlHygiene.readiness')) return;
        this.thresholds = readThresholds();
        this.changed.fire();
      }),
    );
  }

  async request(uri?: vscode.Uri): Promise<ReadinessResult> {
    await this.ready;
    const params: ReadinessParams = uri ? { uri: uri.toString() } : {};
    return this.client.sendRequest<ReadinessResult>(ReadinessMethods.readiness, params);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function readThresholds(): ReadinessThresholds {
  const config = vscode.workspace.getConfiguration('mlHygiene.readiness');
  return thresholdsFrom((key) => config.get(key));
}

/**
 * The file whose project the badge shows: the active notebook (a cell's document URI names a cell,
 * not a file), else the active text editor's file.
 */
export function activeTarget(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (editor?.document.uri.scheme === 'vscode-notebook-cell' || (!editor && notebook)) return notebook?.uri.scheme === 'file' ? notebook.uri : undefined;
  return editor?.document.uri.scheme === 'file' ? editor.document.uri : undefined;
}
