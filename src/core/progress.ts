import type { HashProgress } from './dvc/hashing';
import { relativePath } from './fs/paths';

/**
 * Progress of long work (walking a big workspace, checking it, hashing gigabytes of DVC data), as
 * the core reports it: a plain callback, so each face renders it its own way (LSP `$/progress` in
 * the editor, a line on a terminal's stderr for the CLI) and tests can simply collect it.
 */
export interface WorkProgress {
  task: 'scan' | 'check' | 'hash';
  /** What is being done now, for a person: "hashing data/raw/images.tar (42%)". */
  message: string;
  /** 0–100 of the whole task, when its size is known. */
  percentage?: number;
}

export type ProgressCallback = (progress: WorkProgress) => void;

/** Thrown (and only thrown) when the caller's AbortSignal asked the work to stop. */
export class WorkCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'WorkCancelledError';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WorkCancelledError();
}

/** The hasher's per-file byte counts as a WorkProgress, the path relative to the workspace. */
export function hashingProgress(workspaceRoot: string, p: HashProgress): WorkProgress {
  const percentage = p.totalBytes ? Math.min(100, Math.floor((100 * p.bytesHashed) / p.totalBytes)) : undefined;
  const name = relativePath(workspaceRoot, p.path);
  return { task: 'hash', message: `hashing ${name}${percentage !== undefined ? ` (${percentage}%)` : ''}`, ...(percentage !== undefined ? { percentage } : {}) };
}

const MIB = 1024 * 1024;

/** "1.2 GiB" / "340 MiB": sizes in progress messages. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / (1024 * MIB)).toFixed(1)} GiB` : `${Math.round(bytes / MIB)} MiB`;
}
