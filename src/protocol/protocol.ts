/**
 * Requests and settings shared by the client and the server (the client never imports the core;
 * both import this file). Keep it free of `vscode` and of server-only imports.
 */
export const SERVER_ID = 'mlHygiene';

export interface InitializationOptions {
  trusted: boolean;
  /** A folder of the extension's own storage for caches (DVC hashes); never inside the repository. */
  storagePath?: string;
}

export interface ClientSettings {
  enable: boolean;
  severity: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'>;
  exclude: string[];
  pythonPath: string;
}

export const Requests = {
  /** Returns the workspace edit of "Pin all dependencies" for one manifest. */
  pinAll: 'mlHygiene/pinAll',
  /** The pipeline tree of every dvc.yaml in the workspace, with native DVC status. */
  pipelineTree: 'mlHygiene/pipelineTree',
  /** Defaults for "Extract cell to module": function name, module path, existing modules. */
  extractSuggest: 'mlHygiene/extractSuggest',
  /** The workspace edit of "Extract cell to module", or why it is refused. */
  extractPlan: 'mlHygiene/extractPlan',
  /** "Turn notebook into project": one workspace edit with a preview annotation per file, or why not. */
  productionize: 'mlHygiene/productionize',
} as const;

export interface ProductionizeParams {
  notebookUri: string;
}

export type ProductionizeResult =
  | {
      ok: true;
      edit: unknown;
      /** `optIn`: needs confirmation in the preview, so it starts unticked (the README section). */
      files: Array<{ path: string; action: 'create' | 'edit'; description: string; optIn?: boolean }>;
      modules: Array<{ importName: string; names: string[] }>;
      keptBack: Array<{ name: string; reason: string }>;
      /** Imports-only cells sharing a name with the moved definitions: emptied, or kept and why. */
      importCells?: Array<{ codeIndex: number; emptied: boolean; removed?: string[]; reason: string }>;
      tests: number;
      params: string[];
      skipped: string[];
    }
  | { ok: false; reason: string };

export interface ExtractTarget {
  notebookUri: string;
  /** 0-based index among code cells. */
  codeCellIndex: number;
  /** The last code cell of a selected range (inclusive); absent for one cell. */
  lastCodeCellIndex?: number;
}

export interface ExtractSuggestResult {
  functionName: string;
  modulePath: string;
  createsPackage: boolean;
  packageName?: string;
  importPathNote: string;
  /** Python modules already in the package, offered as append targets. */
  existingModules: string[];
  projectRoot: string;
}

export interface ExtractPlanParams extends ExtractTarget {
  modulePath: string;
  functionName: string;
}

export type ExtractPlanResult =
  | { ok: true; edit: unknown; parameters: string[]; returns: string[]; callLine: string; importLine: string; importPathNote: string; hoisted?: string[]; functionName?: string; keptBack?: Array<{ name: string; reason: string }>; importCells?: Array<{ codeIndex: number; emptied: boolean; removed?: string[]; reason: string }> }
  | { ok: false; reason: string };

export const Notifications = {
  /** Workspace trust was granted after start. */
  trustChanged: 'mlHygiene/trustChanged',
  /** Server → client: something a pipeline depends on changed; ask for the tree again. */
  pipelineChanged: 'mlHygiene/pipelineChanged',
} as const;

/** Mirrors the core's PipelineTreeItem (plain JSON). */
export interface PipelineTreeNode {
  id: string;
  kind: 'dvcfile' | 'stage' | 'dep' | 'out' | 'metric' | 'plot' | 'param' | 'problem';
  label: string;
  description?: string;
  tooltip?: string;
  path?: string;
  /** dvc.yaml of the item (for reveal), absolute. */
  dvcYaml?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  state?: 'modified' | 'deleted' | 'new' | 'unchanged';
  status?: 'up-to-date' | 'changed' | 'never-run' | 'frozen' | 'always-changed' | 'error';
  value?: string;
  children?: PipelineTreeNode[];
}

export interface PipelineTreeResult {
  roots: PipelineTreeNode[];
  /** The same stages as a DAG for the Pipeline graph (the core's PipelineGraph, plain JSON). */
  graph?: PipelineGraphWire;
}

export type PipelineGraphStatus = 'up-to-date' | 'changed' | 'never-run' | 'error';

export interface PipelineGraphNodeWire {
  /** The id of the stage's row in the tree: `<dvcfile>:<stage>`. */
  id: string;
  stage: string;
  dvcfile: string;
  dvcYamlPath: string;
  status: PipelineGraphStatus;
  detail: 'up-to-date' | 'changed' | 'never-run' | 'frozen' | 'always-changed' | 'error';
  description: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface PipelineGraphWire {
  nodes: PipelineGraphNodeWire[];
  edges: { from: string; to: string; paths: string[] }[];
  unreadable: { dvcfile: string; dvcYamlPath: string; message: string }[];
}

/** Pipeline graph webview → extension. */
export type PipelineGraphPageMessage =
  | { type: 'ready' }
  /** The user clicked (or pressed Enter on) a stage. */
  | { type: 'reveal'; id: string }
  /** After each render: what the page's DOM shows (ids and status classes), for the extension's API. */
  | { type: 'rendered'; nodes: { id: string; status: string }[]; edges: number };

/** Extension → Pipeline graph webview. */
export interface PipelineGraphUpdate {
  type: 'graph';
  graph: PipelineGraphWire;
}

export interface PinAllParams {
  uri: string;
  packageName?: string;
}

export interface PinAllResult {
  /** An LSP WorkspaceEdit, or null when there is nothing to pin. */
  edit: unknown | null;
  pinned: string[];
  skipped: string[];
  notes: string[];
  relock?: { command: string; cwd: string };
}
