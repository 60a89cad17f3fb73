export type LockKind = 'uv' | 'poetry' | 'pdm' | 'pylock' | 'requirements';

export interface LockedPackage {
  /** The name as the lock spells it. */
  name: string;
  /** PEP 503 normalized. */
  normalizedName: string;
  /** Absent for pylock entries without `version` and for uv's virtual/dynamic project entries. */
  version?: string;
  /** The environment marker this entry applies under, where the format records one. */
  marker?: string;
  /** Where it comes from: an index URL, `git+…`, a path, or `editable:`/`virtual:`/`directory:` + path. */
  source?: string;
}

export interface Lockfile {
  kind: LockKind;
  path: string;
  /** Every entry, by PEP 503 name; several per name are normal (markers, indexes, split resolutions). */
  packages: Map<string, LockedPackage[]>;
  /** The command that re-creates it: 'uv lock', 'poetry lock', 'pdm lock', 'pip-compile …' etc. */
  lockCommand: string;
}

/** `text` is the file's content when it could be read as text, so callers need not read it again. */
export type LockReadResult =
  | { ok: true; lock: Lockfile; text: string }
  | { ok: false; path: string; kind: LockKind; message: string; line?: number; column?: number; text?: string };

/** What a format reader returns before readLockfile adds the path. */
export type LockParseResult =
  | { ok: true; packages: Map<string, LockedPackage[]>; lockCommand: string }
  | { ok: false; message: string; line?: number; column?: number };

export function addPackage(packages: Map<string, LockedPackage[]>, entry: LockedPackage): void {
  const list = packages.get(entry.normalizedName);
  if (list) list.push(entry);
  else packages.set(entry.normalizedName, [entry]);
}
