/**
 * Cell analyses kept between runs, so reopening a big notebook or re-running `ml-hygiene check` in CI
 * does not parse every cell again (ruff keeps a cache for the same reason). One file per workspace in
 * the user's cache folder or the extension's storage, never the repository.
 *
 * An entry is keyed by a hash of the cell's text, and the whole file is stamped with a hash of the
 * analyser's own bundle (dist/cellAnalysisWorker.js): any change to the analysis code, in an update or
 * a local build, makes every stored answer stale at once, with no version number to forget to bump.
 * A missing, unreadable, corrupt or stale file is an empty store; writing is best effort.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CellAnalysis } from '../core/analysis/cellAnalysis';

/** Entries kept, most recently used first: ~3 KB each on disk for a 20-line cell. */
const MAX_ENTRIES = 20_000;
const SAVE_DELAY_MS = 2_000;

interface StoreFile {
  stamp: string;
  entries: Array<[string, CellAnalysis]>;
}

export function analysisStoreFile(dir: string, workspaceRoot: string): string {
  const key = createHash('sha1').update(workspaceRoot).digest('hex').slice(0, 16);
  return path.join(dir, `cell-analyses-${key}.json`);
}

/**
 * The stamp of an analyser: a hash of the bundle that runs it and of the Unicode name table it loads
 * from beside itself (string values decode `\N{NAME}` escapes with it). Undefined when the bundle
 * cannot be read.
 */
export function analyzerStamp(workerScript: string): string | undefined {
  try {
    const hash = createHash('sha1').update(readFileSync(workerScript));
    try {
      hash.update(readFileSync(path.join(path.dirname(workerScript), 'unicodeNameTable.js')));
    } catch {
      // no table: the analyser keeps such escapes as written, which the bundle's hash already stands for
    }
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

export class CellAnalysisStore {
  private entries: Map<string, CellAnalysis> | undefined;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;

  /**
   * `saveDelayMs`: how long after a change the store writes itself (the server, which runs for
   * hours); `null` when the owner calls save() itself when done (the CLI: a timed save in the middle
   * of a workspace check serialises every analysis so far, only to do it again at the end).
   */
  constructor(
    readonly file: string,
    private readonly stamp: string,
    private readonly maxEntries = MAX_ENTRIES,
    private readonly saveDelayMs: number | null = SAVE_DELAY_MS,
  ) {}

  get(source: string): CellAnalysis | undefined {
    const entries = this.load();
    const key = keyOf(source);
    const hit = entries.get(key);
    if (hit) {
      // Most recently used last, so a save keeps it.
      entries.delete(key);
      entries.set(key, hit);
    }
    return hit;
  }

  put(source: string, analysis: CellAnalysis): void {
    this.load().set(keyOf(source), analysis);
    this.dirty = true;
    this.saveSoon();
  }

  /** Writes the store now if it changed (the CLI calls this before it exits). */
  save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.dirty || !this.entries) return;
    const kept = [...this.entries].slice(-this.maxEntries);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      // Write then rename, so a crash mid-write never leaves a truncated file behind.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ stamp: this.stamp, entries: kept } satisfies StoreFile));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only cache folder only costs speed.
    }
  }

  /** A burst of checks (a workspace scan, typing) writes once, a little later. */
  private saveSoon(): void {
    if (this.saveTimer || this.saveDelayMs === null) return;
    this.saveTimer = setTimeout(() => this.save(), this.saveDelayMs);
    this.saveTimer.unref();
  }

  private load(): Map<string, CellAnalysis> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<StoreFile>;
      if (stored.stamp === this.stamp && Array.isArray(stored.entries)) {
        for (const entry of stored.entries) if (Array.isArray(entry) && typeof entry[0] === 'string' && looksLikeAnalysis(entry[1])) this.entries.set(entry[0], entry[1]);
      }
    } catch {
      // Missing or corrupt: start empty.
    }
    return this.entries;
  }
}

/** A hand-edited or damaged file must not hand the rules something they would trip over. */
function looksLikeAnalysis(value: unknown): value is CellAnalysis {
  const a = value as Partial<CellAnalysis> | null;
  return typeof a === 'object' && a !== null && typeof a.parsed === 'boolean' && Array.isArray(a.reads) && Array.isArray(a.writes) && Array.isArray(a.imports) && Array.isArray(a.calls);
}

function keyOf(source: string): string {
  return createHash('sha1').update(source).digest('base64');
}
