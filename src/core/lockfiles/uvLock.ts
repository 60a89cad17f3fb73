import type { LockParseResult } from './types';
import { asArray, asString, collectLockedPackages, isTable, parseTomlSafely } from './toml';

/** uv's `source` table, flattened to one string (see LockedPackage.source). */
export function uvSourceToString(source: unknown): string | undefined {
  if (!isTable(source)) return undefined;
  for (const key of ['registry', 'url', 'path']) {
    const value = asString(source[key]);
    if (value !== undefined) return value;
  }
  const git = asString(source.git);
  if (git !== undefined) return git.startsWith('git+') ? git : `git+${git}`;
  for (const key of ['editable', 'virtual', 'directory']) {
    const value = asString(source[key]);
    if (value !== undefined) return `${key}:${value}`;
  }
  return undefined;
}

/** Forked entries record the resolution forks they serve; one marker string keeps that visible. */
function joinMarkers(markers: string[]): string | undefined {
  if (!markers.length) return undefined;
  return markers.length === 1 ? markers[0] : markers.map((m) => `(${m})`).join(' or ');
}

export function parseUvLockDocument(doc: Record<string, unknown>): LockParseResult {
  // A project without dependencies locks to `version` and no packages; no `version` means not a uv lock.
  if (doc.version === undefined) return { ok: false, message: 'not a uv lock: the top-level `version` is missing' };
  const packages = collectLockedPackages(
    asArray(doc.package),
    (entry) => joinMarkers(asArray(entry['resolution-markers']).filter((m): m is string => typeof m === 'string')),
    (entry) => uvSourceToString(entry.source),
  );
  return { ok: true, packages, lockCommand: 'uv lock' };
}

export function parseUvLock(text: string): LockParseResult {
  const parsed = parseTomlSafely(text);
  if (!parsed.ok) return parsed;
  return parseUvLockDocument(parsed.value);
}
