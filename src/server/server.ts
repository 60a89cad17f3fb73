import {
  createConnection,
  DidChangeConfigurationNotification,
  type Connection,
  StreamMessageReader,
  StreamMessageWriter,
  FileChangeType,
  NotebookDocuments,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { basename } from '../core/fs/paths';
import { Notifications, Requests, type ExtractPlanParams, type ExtractTarget, type InitializationOptions, type PinAllParams, type ProductionizeParams } from '../protocol/protocol';
import { uriToPath } from './convert';
import { codeActions } from './handlers/codeActions';
import { isDependencyFile, publish, refreshDependencyDiagnostics } from './handlers/diagnostics';
import { isProjectConfigFile, refreshProjectFileDiagnostics } from './handlers/projectFiles';
import { pinAll } from './handlers/pinAll';
import { extractPlan, extractSuggest } from './handlers/extract';
import { productionize } from './handlers/productionize';
import { cellUriResolver, clearNotebookDiagnostics, refreshNotebookDiagnostics } from './handlers/notebooks';
import { refreshPythonDiagnostics } from './handlers/python';
import { isDvcFile, pipelineTree, refreshDvcDiagnostics } from './handlers/dvc';
import { registerReadiness } from './handlers/readiness';
import { TOOL_CONFIG_TRIGGERS, toolConfigCompletion, toolConfigHover } from './handlers/toolConfig';
import { WorkspaceState } from './workspaceState';

/**
 * Wires every handler on a connection. The standalone bundle (dist/server.js run by node) calls it
 * with a stdio/IPC connection; in an untrusted workspace the extension calls it in-process over a
 * stream pair, so no process is spawned at all.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const notebooks = new NotebookDocuments(documents);
  let state: WorkspaceState;

  /**
   * Per-key re-checks that start at once when idle and coalesce while busy: the first keystroke's
   * diagnostics are not held back by a debounce, and a burst of edits runs at most one check behind.
   */
  const pending = new Map<string, NodeJS.Timeout>();
  const running = new Set<string>();
  const rerun = new Map<string, () => Promise<void>>();

  function schedule(key: string, run: () => Promise<void>): void {
    if (running.has(key)) {
      rerun.set(key, run);
      return;
    }
    clearTimeout(pending.get(key));
    // setImmediate-like: let the other notifications of the same batch land first.
    pending.set(key, setTimeout(() => void execute(key, run), 0));
  }

  async function execute(key: string, run: () => Promise<void>): Promise<void> {
    pending.delete(key);
    running.add(key);
    try {
      await run();
    } catch (e) {
      connection.console.error(`ml-hygiene: check of ${key} failed: ${(e as Error)?.stack ?? e}`);
    } finally {
      running.delete(key);
      const again = rerun.get(key);
      if (again) {
        rerun.delete(key);
        schedule(key, again);
      }
    }
  }

  function checkDocumentSoon(uri: string): void {
    const path = uriToPath(uri);
    if (!path) return;
    if (isDependencyFile(path)) {
      // A manifest edit changes what notebooks and .py files may import.
      state.invalidateProjectCaches();
      schedule(path, () => refreshDependencyDiagnostics(state, path));
    } else if (path.endsWith('.py')) schedule(path, () => refreshPythonDiagnostics(state, path));
    else if (isDvcFile(path)) schedule(path, () => refreshDvcDiagnostics(state, path));
    else if (isProjectConfigFile(path)) schedule(path, () => refreshProjectFileDiagnostics(state, path));
  }

  const openNotebooks = new Set<string>();
  const cellUri = cellUriResolver(notebooks, () => openNotebooks);

  function checkNotebookSoon(notebookUri: string): void {
    schedule(notebookUri, () => refreshNotebookDiagnostics(state, notebooks, notebookUri));
  }

  /** Any file can be a DVC dependency: after changes on disk, re-check open dvc.yaml and tell the tree. */
  function pipelineInputsChanged(): void {
    schedule('<pipeline>', async () => {
      void connection.sendNotification(Notifications.pipelineChanged, {});
    });
  }

  function recheckOpenDocuments(): void {
    readiness.inputsChanged();
    for (const doc of documents.all()) checkDocumentSoon(doc.uri);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    const supportsConfiguration = params.capabilities.workspace?.configuration === true;
    state = new WorkspaceState(connection, documents, init.trusted === true, supportsConfiguration);
    if (typeof init.storagePath === 'string') state.storagePath = init.storagePath;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    state.setFolders(folders);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }, { language: 'markdown' }] }], save: true },
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.extract'] },
        // [tool.ml-hygiene] keys and rule codes in pyproject.toml (handlers/toolConfig.ts).
        completionProvider: { triggerCharacters: TOOL_CONFIG_TRIGGERS },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'ml-hygiene', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (state.supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'mlHygiene' });
    connection.workspace.onDidChangeWorkspaceFolders(async () => {
      const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
      state.setFolders(folders.map((f) => f.uri));
      recheckOpenDocuments();
    });
  });

  connection.onDidChangeConfiguration(() => {
    state.reset();
    recheckOpenDocuments();
  });

  connection.onNotification(Notifications.trustChanged, (params: { trusted: boolean }) => {
    state.trusted = params.trusted === true;
    state.reset();
    recheckOpenDocuments();
  });

  documents.onDidOpen((e) => {
    const path = uriToPath(e.document.uri);
    if (path) state.fs.setOverlay(path, e.document.getText(), e.document.version);
    checkDocumentSoon(e.document.uri);
  });

  documents.onDidChangeContent((e) => {
    const path = uriToPath(e.document.uri);
    if (path) state.fs.setOverlay(path, e.document.getText(), e.document.version);
    checkDocumentSoon(e.document.uri);
  });

  documents.onDidClose((e) => {
    const path = uriToPath(e.document.uri);
    if (path) {
      state.fs.clearOverlay(path);
      clearTimeout(pending.get(path));
      pending.delete(path);
      rerun.delete(path);
    }
    publish(state, e.document.uri, []);
    // The saved content may differ from the closed buffer: re-check the rest of the project.
    recheckOpenDocuments();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let structural = false;
    for (const change of params.changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      if (change.type !== FileChangeType.Changed) structural = true;
      if (basename(path) === 'pyvenv.cfg' || path.includes('/site-packages/')) state.invalidateEnvironments();
    }
    if (structural) state.invalidateScans();
    state.invalidateProjectCaches();
    // Lockfiles, .python-version and manifests on disk feed every open manifest's diagnostics,
    // and any file may be a DVC dependency.
    recheckOpenDocuments();
    pipelineInputsChanged();
  });

  connection.onCodeAction((params) => {
    try {
      const actions = codeActions(state, params, cellUri);
      const nb = notebooks.findNotebookDocumentForCell(params.textDocument.uri);
      const wantsRefactor = !params.context.only || params.context.only.some((k) => k === 'refactor' || k.startsWith('refactor.extract'));
      if (nb && wantsRefactor && uriToPath(nb.uri)) {
        const codeCellIndex = nb.cells.filter((c) => c.kind === 2).findIndex((c) => c.document === params.textDocument.uri);
        if (codeCellIndex >= 0) {
          actions.push({
            title: 'Extract cell to module',
            kind: 'refactor.extract',
            command: { title: 'Extract cell to module', command: 'mlHygiene.extractCell', arguments: [{ notebookUri: nb.uri, codeCellIndex }] },
          });
        }
      }
      return actions;
    } catch (e) {
      connection.console.error(`ml-hygiene: code actions failed: ${(e as Error)?.stack ?? e}`);
      return [];
    }
  });

  connection.onCompletion((params) => {
    try {
      return toolConfigCompletion(documents, params);
    } catch (e) {
      connection.console.error(`ml-hygiene: completion failed: ${(e as Error)?.stack ?? e}`);
      return null;
    }
  });
  connection.onHover((params) => {
    try {
      return toolConfigHover(documents, params);
    } catch (e) {
      connection.console.error(`ml-hygiene: hover failed: ${(e as Error)?.stack ?? e}`);
      return null;
    }
  });

  connection.onRequest(Requests.pinAll, (params: PinAllParams) => pinAll(state, params));
  connection.onRequest(Requests.pipelineTree, () => pipelineTree(state));
  connection.onRequest(Requests.extractSuggest, (p: ExtractTarget) => extractSuggest(state, notebooks, p));
  connection.onRequest(Requests.extractPlan, (p: ExtractPlanParams) => extractPlan(state, notebooks, p, cellUri));
  connection.onRequest(Requests.productionize, (p: ProductionizeParams) => productionize(state, notebooks, p, cellUri));
  const readiness = registerReadiness(connection, documents, notebooks, () => state);

  notebooks.onDidOpen((nb) => {
    if (!uriToPath(nb.uri)) return; // untitled notebooks have no project around them
    openNotebooks.add(nb.uri);
    checkNotebookSoon(nb.uri);
  });
  notebooks.onDidChange((e) => checkNotebookSoon(e.notebookDocument.uri));
  notebooks.onDidSave((nb) => checkNotebookSoon(nb.uri));
  notebooks.onDidClose((nb) => {
    openNotebooks.delete(nb.uri);
    clearTimeout(pending.get(nb.uri));
    pending.delete(nb.uri);
    rerun.delete(nb.uri);
    clearNotebookDiagnostics(state, nb);
  });

  documents.listen(connection);
  notebooks.listen(connection);
  connection.listen();
}

if (require.main === module) {
  const connection = createConnection(ProposedFeatures.all);
  // A bug in one handler must not take the server down: log it and keep serving.
  process.on('uncaughtException', (e) => connection.console.error(`ml-hygiene: uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => connection.console.error(`ml-hygiene: unhandled: ${(e as Error)?.stack ?? e}`));
  startServer(connection);
}

/**
 * In-process start for untrusted workspaces: the extension host passes a stream pair, so reading
 * and checking files needs no child process.
 */
export function startInProcess(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(input), new StreamMessageWriter(output)));
}
