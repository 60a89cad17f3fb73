import type { Connection } from 'vscode-languageserver/node';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_EDITOR_SETTINGS, type EditorSettings } from '../core/config';
import type { Finding } from '../core/diagnostics';
import { Engine } from '../core/engine';
import { DiskFileSystem } from '../core/fs/diskFileSystem';
import { dirname, isInside, normalizePath } from '../core/fs/paths';
import { findEnclosingProject } from '../core/project/discovery';
import { homedir } from 'node:os';
import type { ClientSettings } from '../protocol/protocol';
import { OverlayFileSystem } from './overlayFileSystem';
import { hashCacheFile, loadHashCache, saveHashCache } from '../adapters/hashCacheStore';
import { HashWorkerPool } from '../adapters/hashWorkerPool';
import { CellAnalysisWorkerPool } from '../adapters/cellAnalysisPool';
import { CellAnalysisStore, analysisStoreFile, analyzerStamp } from '../adapters/cellAnalysisStore';
import { activatedEnvironmentHints } from '../adapters/activatedEnvironment';
import type { HashCache } from '../core/dvc/hashCache';
import { pathToUri, uriToPath } from './convert';

/**
 * Server-side state: one engine per workspace folder, all reading through one overlay of the open
 * documents, and the last findings per document (code actions are answered from them).
 */
export class WorkspaceState {
  readonly fs = new OverlayFileSystem(new DiskFileSystem());
  /**
   * DVC hashing on worker threads, shared by every folder's engine. The workers read the disk, so an
   * open document is left to the engine, which hashes its unsaved buffer through the overlay.
   */
  readonly hashPool = new HashWorkerPool({ skip: (path) => this.fs.hasOverlay(path) });
  private engines = new Map<string, Engine>();
  private settings = new Map<string, EditorSettings>();
  readonly findingsByUri = new Map<string, Finding[]>();
  trusted: boolean;
  folders: string[] = [];
  /** Where DVC hash caches are kept between sessions (the extension's global storage). */
  storagePath: string | undefined;
  private hashCaches = new Map<string, HashCache>();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    trusted: boolean,
    readonly supportsConfiguration: boolean,
  ) {
    this.trusted = trusted;
  }

  setFolders(folderUris: string[]): void {
    this.folders = folderUris.map((u) => uriToPath(u)).filter((p): p is string => !!p).map(normalizePath);
    this.engines.clear();
  }

  /** The workspace folder that contains a path (the deepest one), else the file's own folder. */
  folderFor(path: string): string {
    let best: string | undefined;
    for (const f of this.folders) if (isInside(f, path) && (!best || f.length > best.length)) best = f;
    return best ?? path.slice(0, path.lastIndexOf('/')) ?? '/';
  }

  async settingsFor(folder: string): Promise<EditorSettings> {
    let s = this.settings.get(folder);
    if (s) return s;
    s = DEFAULT_EDITOR_SETTINGS;
    if (this.supportsConfiguration) {
      try {
        const raw = (await this.connection.workspace.getConfiguration({ scopeUri: pathToUri(folder), section: 'mlHygiene' })) as Partial<ClientSettings> | null;
        if (raw) {
          s = {
            enable: raw.enable !== false,
            severity: raw.severity && typeof raw.severity === 'object' ? raw.severity : {},
            exclude: Array.isArray(raw.exclude) ? raw.exclude.filter((x) => typeof x === 'string') : [],
            ...(raw.pythonPath ? { pythonPath: raw.pythonPath } : {}),
          };
        }
      } catch {
        // A client without configuration support: defaults.
      }
    }
    this.settings.set(folder, s);
    return s;
  }

  async engineFor(path: string): Promise<Engine> {
    let folder = this.folderFor(path);
    let key = folder;
    let onlyFiles: string[] | undefined;
    if (!this.folders.some((f) => isInside(f, path))) {
      // A file opened outside every workspace folder: checked with its project (found by climbing,
      // never above a git root or the home folder), or alone; its folder is never walked for it.
      const home = normalizePath(homedir());
      const project = await findEnclosingProject(this.fs, dirname(path), { home });
      if (project) folder = key = project;
      else {
        folder = dirname(path);
        key = `file:${path}`;
        onlyFiles = [path];
      }
    }
    let engine = this.engines.get(key);
    if (!engine) {
      const editorSettings = await this.settingsFor(folder);
      engine = new Engine({
        fs: this.fs, workspaceRoot: folder, trusted: this.trusted, editorSettings, hashCache: this.hashCacheFor(folder), fileDigester: this.hashPool,
        homeDir: normalizePath(homedir()), ...(onlyFiles ? { onlyFiles } : {}), ...(this.analysisPool ? { cellAnalyzer: this.analysisPool } : {}),
        // The editor's activated venv or conda environment, as the CLI honours its shell's; the
        // mlHygiene.pythonPath setting still comes first (Engine.environmentLookup).
        environmentHints: activatedEnvironmentHints(process.env, process.cwd()),
      });
      this.engines.set(key, engine);
    }
    return engine;
  }

  private pool: CellAnalysisWorkerPool | undefined | null = null;

  /**
   * Notebook cell analysis on worker threads, shared by every folder's engine: opening a big notebook
   * parses its cells on every core. Analysis is a pure function of a cell's text, so unsaved buffers
   * need no special care. None on a single core. Created on first use, once `initialize` has said
   * where the extension's storage is: analyses are kept there between sessions.
   */
  get analysisPool(): CellAnalysisWorkerPool | undefined {
    if (this.pool === null) {
      const storage = this.storagePath;
      const workspace = this.folders.join('\n');
      this.pool = CellAnalysisWorkerPool.forThisMachine({
        store: (workerScript) => {
          const stamp = storage ? analyzerStamp(workerScript) : undefined;
          return storage && stamp ? new CellAnalysisStore(analysisStoreFile(storage, workspace), stamp) : undefined;
        },
      });
    }
    return this.pool;
  }

  /** One hash cache per folder for the whole session (it outlives engine rebuilds on settings changes). */
  private hashCacheFor(folder: string): HashCache | undefined {
    let cache = this.hashCaches.get(folder);
    if (!cache && this.storagePath) {
      cache = loadHashCache(hashCacheFile(this.storagePath, folder));
      this.hashCaches.set(folder, cache);
    }
    return cache;
  }

  /** Saves dirty hash caches a little later, so a burst of checks writes once. */
  scheduleHashCacheSave(): void {
    if (!this.storagePath || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      for (const [folder, cache] of this.hashCaches) saveHashCache(hashCacheFile(this.storagePath!, folder), cache);
    }, 2000);
  }

  allEngines(): Engine[] {
    return [...this.engines.values()];
  }

  /** Settings or trust changed: rebuild engines (they capture both). */
  reset(): void {
    this.settings.clear();
    this.engines.clear();
  }

  invalidateScans(): void {
    for (const e of this.engines.values()) e.invalidateScan();
  }

  invalidateProjectCaches(): void {
    for (const e of this.engines.values()) e.invalidateProjectCaches();
  }

  invalidateEnvironments(): void {
    for (const e of this.engines.values()) e.invalidateEnvironments();
  }
}
