import type { LockParseResult } from './types';
import { asArray, asString, collectLockedPackages, isTable, parseTomlSafely } from './toml';

/**
 * Poetry 2 writes `markers` either as a string or as a table keyed by dependency group
 * (`markers = {main = "…", dev = "…"}`); identical group markers collapse to one.
 */
function poetryMarker(markers: unknown): string | undefined {
  if (typeof markers === 'string') return markers;
  if (!isTable(markers)) return undefined;
  const distinct = [...new Set(Object.values(markers).filter((m): m is string => typeof m === 'string'))];
  if (!distinct.length) return undefined;
  return distinct.length === 1 ? distinct[0] : distinct.map((m) => `(${m})`).join(' or ');
}

function poetrySource(source: unknown): string | undefined {
  if (!isTable(source)) return undefined;
  const type = asString(source.type);
  const url = asString(source.url);
  if (type === 'git' && url) {
    const ref = asString(source.resolved_reference) ?? asString(source.reference);
    return `git+${url}${ref ? `@${ref}` : ''}`;
  }
  if (type === 'directory' || type === 'file') return url !== undefined ? `${type}:${url}` : undefined;
  return url;
}

export function parsePoetryLock(text: string): LockParseResult {
  const parsed = parseTomlSafely(text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (!isTable(doc.metadata) && !Array.isArray(doc.package)) {
    return { ok: false, message: 'not a Poetry lock: neither [[package]] nor [metadata] is present' };
  }
  const packages = collectLockedPackages(
    asArray(doc.package),
    (entry) => poetryMarker(entry.markers),
    (entry) => poetrySource(entry.source),
  );
  return { ok: true, packages, lockCommand: 'poetry lock' };
}
