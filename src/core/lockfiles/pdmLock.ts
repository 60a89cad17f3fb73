import type { LockParseResult } from './types';
import { asArray, asString, collectLockedPackages, isTable, parseTomlSafely } from './toml';

function pdmSource(entry: Record<string, unknown>): string | undefined {
  const git = asString(entry.git);
  if (git !== undefined) {
    const rev = asString(entry.revision) ?? asString(entry.ref);
    return `${git.startsWith('git+') ? git : `git+${git}`}${rev ? `@${rev}` : ''}`;
  }
  const url = asString(entry.url);
  if (url !== undefined) return url;
  const path = asString(entry.path);
  if (path !== undefined) return entry.editable === true ? `editable:${path}` : path;
  return undefined;
}

/**
 * PDM repeats a package once per extras set it was locked with (`coverage` and `coverage[toml]`);
 * those are separate entries here too, with the same version.
 */
export function parsePdmLock(text: string): LockParseResult {
  const parsed = parseTomlSafely(text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (!isTable(doc.metadata) && !Array.isArray(doc.package)) {
    return { ok: false, message: 'not a PDM lock: neither [[package]] nor [metadata] is present' };
  }
  const packages = collectLockedPackages(
    asArray(doc.package),
    (entry) => asString(entry.marker),
    (entry) => pdmSource(entry),
  );
  return { ok: true, packages, lockCommand: 'pdm lock' };
}
