import { PassThrough } from 'node:stream';
// `import x = require()`, not `import * as`: esbuild turns a namespace import of the external `vscode`
// into __toESM(require('vscode')), which copies every key of the API object (hundreds) onto a new
// object with a getter each, once per importing file; a plain require copies nothing (bench: activation).
import vscode = require('vscode');
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Notifications, Requests, SERVER_ID, type InitializationOptions, type PinAllParams, type PinAllResult, type PipelineTreeNode } from '../protocol/protocol';
import { openEntryFile, PipelineTreeProvider, revealInDvcYaml, runStage } from './pipelineTree';
import { PipelineGraphPanel } from './pipelineGraph';
import { extractCell, type ExtractCommandArgs } from './extract';
import { productionizeNotebook, type ProductionizeArgs } from './productionize';
import { createReadiness, type ReadinessApi } from './readiness';

/** The files the server speaks about, selected by pattern: VS Code has no TOML language of its own. */
const DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/pyproject.toml' },
  { scheme: 'file', pattern: '**/requirements*.txt' },
  { scheme: 'file', pattern: '**/{uv.lock,poetry.lock,pdm.lock,pylock.toml,pylock.*.toml}' },
  { scheme: 'file', pattern: '**/{dvc.yaml,dvc.lock,params.yaml}' },
  // CI, container and type-checker files the project checks report on (MLH409-MLH421).
  { scheme: 'file', pattern: '**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,.dockerignore}' },
  { scheme: 'file', pattern: '**/.{github,gitea,forgejo}/workflows/*.{yml,yaml}' },
  { scheme: 'file', pattern: '**/{.gitlab-ci.yml,Jenkinsfile,tox.ini,pyrightconfig.json,mypy.ini,.mypy.ini}' },
  { scheme: 'file', language: 'python' },
  { notebook: 'jupyter-notebook', language: 'python' },
];

/** Files whose change on disk can change a finding elsewhere (a lockfile regenerated in a terminal). */
const WATCHED = '**/{pyproject.toml,requirements*.txt,uv.lock,poetry.lock,pdm.lock,pylock*.toml,.python-version,dvc.yaml,dvc.lock,params.yaml,*.ipynb,pyvenv.cfg}';

export interface MlHygieneApi {
  client: LanguageClient;
  pipeline: PipelineTreeProvider;
  pipelineView: vscode.TreeView<PipelineTreeNode>;
  /** The Pipeline graph webview (`mlHygiene.showPipelineGraph`). */
  pipelineGraph: PipelineGraphPanel;
  /** Resolves once the server answered `initialize`. */
  ready: Promise<void>;
  /** The status-bar badge and the readiness report. */
  readiness: ReadinessApi;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MlHygieneApi> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions = serverOptionsFor(serverModule);
  const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted, storagePath: context.globalStorageUri.fsPath };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // Any file can be a DVC dependency, so the server hears about every change (it debounces).
    synchronize: { fileEvents: [vscode.workspace.createFileSystemWatcher(WATCHED), vscode.workspace.createFileSystemWatcher('**/*')] },
    initializationOptions,
    diagnosticCollectionName: 'ml-hygiene',
  };
  client = new LanguageClient(SERVER_ID, 'ML Hygiene', serverOptions, clientOptions);
  const ready = client.start();
  const pipeline = new PipelineTreeProvider(client, ready);
  const pipelineView = vscode.window.createTreeView('mlHygiene.pipeline', { treeDataProvider: pipeline, showCollapseAll: true });
  const pipelineGraph = new PipelineGraphPanel(pipeline, context.extensionUri);

  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(Notifications.trustChanged, { trusted: true });
    }),
    vscode.commands.registerCommand('mlHygiene.pinAll', (uri?: vscode.Uri) => pinAll(uri)),
    vscode.commands.registerCommand('mlHygiene.pinDependency', (uri?: vscode.Uri, packageName?: string) => pinAll(uri, packageName)),
    vscode.commands.registerCommand('mlHygiene.afterPin', (arg?: { lockfile: string; command: string; cwd: string }) => offerRelock(arg)),
    vscode.commands.registerCommand('mlHygiene.runInTerminal', (arg?: { command: string; cwd: string }) => runInTerminal(arg)),
    pipeline,
    pipelineView,
    vscode.commands.registerCommand('mlHygiene.pipeline.refresh', () => pipeline.refresh()),
    pipelineGraph,
    vscode.commands.registerCommand('mlHygiene.showPipelineGraph', () => void pipelineGraph.show()),
    vscode.commands.registerCommand('mlHygiene.extractCell', (arg?: ExtractCommandArgs | vscode.NotebookCell) => extractCell(client!, arg)),
    vscode.commands.registerCommand('mlHygiene.productionize', (arg?: ProductionizeArgs) => productionizeNotebook(client!, arg)),
    vscode.commands.registerCommand('mlHygiene.clearCellOutputs', (arg?: { path: string; cell: number }) => clearCellOutputs(arg)),
    vscode.commands.registerCommand('mlHygiene.revealInDvcYaml', (node?: PipelineTreeNode) => revealInDvcYaml(node)),
    vscode.commands.registerCommand('mlHygiene.openEntryFile', (node?: PipelineTreeNode) => openEntryFile(node)),
    vscode.commands.registerCommand('mlHygiene.runStage', (node?: PipelineTreeNode | string, stage?: string) => runStage(node, stage)),
    vscode.commands.registerCommand('mlHygiene.recheck', async () => {
      await client?.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }),
    { dispose: () => void client?.stop() },
  );
  const readiness = createReadiness(context, client, ready);
  return { client, ready, pipeline, pipelineView, pipelineGraph, readiness };
}

/**
 * A trusted workspace gets the server in its own process, so long checks never block the extension
 * host. An untrusted one gets it in-process over a stream pair: ML Hygiene then starts no process
 * at all, as promised by `capabilities.untrustedWorkspaces`.
 */
function serverOptionsFor(serverModule: string): ServerOptions {
  if (vscode.workspace.isTrusted) {
    return {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
  }
  return async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    // A runtime require of the shipped server bundle (not bundled into extension.js).
    const server = require(serverModule) as { startInProcess(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void };
    server.startInProcess(toServer, toClient);
    return { reader: toClient, writer: toServer };
  };
}

/**
 * "Clear outputs of this cell" (MLH207/MLH208): VS Code's own command on the open notebook, so the
 * change is an ordinary, undoable notebook edit; the cell is given as its code-cell index.
 */
async function clearCellOutputs(arg?: { path: string; cell: number }): Promise<void> {
  if (!arg) return;
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.scheme === 'file' && n.uri.fsPath === arg.path) ?? (await vscode.workspace.openNotebookDocument(vscode.Uri.file(arg.path)));
  const editor = await vscode.window.showNotebookDocument(notebook);
  const index = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code)[arg.cell]?.index;
  if (index === undefined) return;
  editor.selections = [new vscode.NotebookRange(index, index + 1)];
  await vscode.commands.executeCommand('notebook.cell.clearOutputs');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

async function pinAll(uri?: vscode.Uri, packageName?: string): Promise<PinAllResult | undefined> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!client || !target) {
    void vscode.window.showWarningMessage('ML Hygiene: open a pyproject.toml or requirements file to pin its dependencies.');
    return undefined;
  }
  const params: PinAllParams = { uri: target.toString(), ...(packageName ? { packageName } : {}) };
  const result = await client.sendRequest<PinAllResult>(Requests.pinAll, params);
  if (!result.edit) {
    void vscode.window.showInformationMessage(
      result.skipped.length ? `ML Hygiene: nothing could be pinned (${result.skipped.join('; ')}).` : 'ML Hygiene: every runtime dependency is already pinned.',
    );
    return result;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result.edit as Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]);
  if (!edit) return result;
  // One WorkspaceEdit: the user undoes all pins in one step.
  const applied = await vscode.workspace.applyEdit(edit);
  if (applied && result.relock) void offerRelock({ lockfile: '', command: result.relock.command, cwd: result.relock.cwd });
  return result;
}

async function offerRelock(arg?: { lockfile: string; command: string; cwd: string }): Promise<void> {
  if (!arg) return;
  const message = `ML Hygiene: pinning changed the manifest, so the lockfile must be regenerated with \`${arg.command}\`.`;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage(`${message} (Run it yourself: this workspace is not trusted.)`);
    return;
  }
  const choice = await vscode.window.showInformationMessage(message, `Run ${arg.command}`);
  if (choice) runInTerminal(arg);
}

/** Terminal commands (re-lock, run a DVC stage) run only in a trusted workspace, in a visible terminal. */
function runInTerminal(arg?: { command: string; cwd: string }): void {
  if (!arg) return;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(`ML Hygiene does not run commands in an untrusted workspace. Run \`${arg.command}\` yourself once you trust it.`);
    return;
  }
  const terminal = vscode.window.createTerminal({ name: 'ML Hygiene', cwd: arg.cwd });
  terminal.show();
  terminal.sendText(arg.command);
}
