import { existsSync } from 'node:fs';
import path from 'node:path';
// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { Notifications, Requests, type PipelineTreeNode, type PipelineTreeResult } from '../protocol/protocol';

const STATUS_ICON: Record<NonNullable<PipelineTreeNode['status']>, [string, string | undefined]> = {
  'up-to-date': ['pass', 'testing.iconPassed'],
  changed: ['warning', 'list.warningForeground'],
  'never-run': ['circle-outline', 'descriptionForeground'],
  frozen: ['lock', undefined],
  'always-changed': ['sync', 'list.warningForeground'],
  error: ['error', 'list.errorForeground'],
};

const STATE_ICON: Record<NonNullable<PipelineTreeNode['state']>, [string, string | undefined]> = {
  modified: ['diff-modified', 'gitDecoration.modifiedResourceForeground'],
  deleted: ['diff-removed', 'gitDecoration.deletedResourceForeground'],
  new: ['diff-added', 'gitDecoration.addedResourceForeground'],
  unchanged: ['circle-small', undefined],
};

const KIND_ICON: Partial<Record<PipelineTreeNode['kind'], string>> = { dvcfile: 'symbol-namespace', metric: 'graph-line', plot: 'graph', param: 'symbol-constant', problem: 'error' };

/**
 * The Pipeline view: data comes from the server's `mlHygiene/pipelineTree` request (rust-analyzer's
 * pattern), so the extension host never hashes or parses anything itself.
 */
export class PipelineTreeProvider implements vscode.TreeDataProvider<PipelineTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelineTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: Promise<PipelineTreeResult> | undefined;
  private readonly parents = new Map<string, PipelineTreeNode>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: LanguageClient, private readonly ready: Promise<void>) {
    this.disposables.push(this.client.onNotification(Notifications.pipelineChanged, () => this.refresh()));
  }

  refresh(): void {
    this.result = undefined;
    this.changed.fire(undefined);
  }

  /** The last tree the view showed (tests and the readiness report read it). */
  async rootsNow(): Promise<PipelineTreeNode[]> {
    return (await this.resultNow()).roots;
  }

  /** The server's last answer, tree and graph: the Pipeline graph shares it, so one request feeds both views. */
  resultNow(): Promise<PipelineTreeResult> {
    const result = (this.result ??= this.load());
    // A failed request (server restarting) is asked again next time rather than served forever.
    result.catch(() => {
      if (this.result === result) this.result = undefined;
    });
    return result;
  }

  private async load(): Promise<PipelineTreeResult> {
    await this.ready;
    const result = await this.client.sendRequest<PipelineTreeResult>(Requests.pipelineTree, {});
    this.parents.clear();
    const index = (n: PipelineTreeNode) => n.children?.forEach((c) => (this.parents.set(c.id, n), index(c)));
    result.roots.forEach(index);
    return result;
  }

  async getChildren(element?: PipelineTreeNode): Promise<PipelineTreeNode[]> {
    if (!element) return this.rootsNow();
    return element.children ?? [];
  }

  getParent(element: PipelineTreeNode): PipelineTreeNode | undefined {
    return this.parents.get(element.id);
  }

  getTreeItem(node: PipelineTreeNode): vscode.TreeItem {
    const expandable = node.children?.length ? (node.kind === 'dvcfile' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, expandable);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    item.tooltip = new vscode.MarkdownString(node.tooltip ?? node.label);
    const [icon, color] = node.status ? STATUS_ICON[node.status] : node.state && node.kind !== 'dvcfile' ? STATE_ICON[node.state] : [KIND_ICON[node.kind] ?? 'file', undefined];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    // contextValue drives the inline actions (package.json view/item/context menus).
    item.contextValue = node.kind === 'stage' ? 'stage' : node.path && node.kind !== 'dvcfile' ? `entry.${node.kind}` : node.kind;
    if (node.dvcYaml && node.range) {
      item.command = { command: 'mlHygiene.revealInDvcYaml', title: 'Reveal in dvc.yaml', arguments: [node] };
    } else if (node.kind === 'dvcfile' && node.path) {
      item.resourceUri = vscode.Uri.file(node.path);
    }
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export async function revealInDvcYaml(node?: PipelineTreeNode, viewColumn?: vscode.ViewColumn): Promise<void> {
  if (!node?.dvcYaml) return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(node.dvcYaml));
  const r = node.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  await vscode.window.showTextDocument(doc, { selection, preserveFocus: false, ...(viewColumn !== undefined ? { viewColumn } : {}) });
}

export async function openEntryFile(node?: PipelineTreeNode): Promise<void> {
  if (!node?.path) return;
  if (!existsSync(node.path)) {
    void vscode.window.showWarningMessage(`${path.basename(node.path)} does not exist (yet): run the stage that produces it.`);
    return;
  }
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(node.path));
}

/**
 * Finds a `dvc` executable without running anything: the project's virtual environment first
 * (what the user's terminal would activate), then PATH.
 */
export function findDvcExecutable(cwd: string): string | undefined {
  const exe = process.platform === 'win32' ? ['dvc.exe', 'dvc.cmd'] : ['dvc'];
  const venvDirs = ['.venv', 'venv'].map((v) => path.join(cwd, v, process.platform === 'win32' ? 'Scripts' : 'bin'));
  for (const dir of [...venvDirs, ...(process.env.PATH ?? '').split(path.delimiter)]) {
    for (const name of exe) {
      const p = path.join(dir, name);
      if (dir && existsSync(p)) return p;
    }
  }
  return undefined;
}

/** `dvc repro <stage>` in a visible terminal: trusted workspaces only, and only when DVC is installed. */
export function runStage(nodeOrDvcYaml?: PipelineTreeNode | string, stageName?: string): void {
  // From the tree (a node) or from the MLH309/MLH310 quick fix (dvc.yaml path, stage name).
  const node: PipelineTreeNode | undefined =
    typeof nodeOrDvcYaml === 'string' && stageName ? { id: stageName, kind: 'stage', label: stageName, dvcYaml: nodeOrDvcYaml } : (nodeOrDvcYaml as PipelineTreeNode | undefined);
  if (!node?.dvcYaml || node.kind !== 'stage') return;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('ML Hygiene does not run DVC stages in an untrusted workspace.');
    return;
  }
  const cwd = path.dirname(node.dvcYaml);
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(node.dvcYaml))?.uri.fsPath ?? cwd;
  const dvc = findDvcExecutable(folder) ?? findDvcExecutable(cwd);
  if (!dvc) {
    void vscode.window.showWarningMessage('No `dvc` executable found in the project environment or on PATH. Install DVC (`pip install dvc`) to run stages; status works without it.');
    return;
  }
  const terminal = vscode.window.createTerminal({ name: `dvc repro ${node.label}`, cwd });
  terminal.show();
  const quote = (s: string) => (/^[\w@./:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  terminal.sendText(`${quote(dvc)} repro ${quote(node.label)}`);
}
