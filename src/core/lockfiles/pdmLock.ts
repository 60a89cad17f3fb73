import { normalizeName } from '../python/pep503';
import { addPackage, type LockParseResult, type LockedPackage } from './types';
import { asArray, asString, isTable, parseTomlSafely } from './toml';

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
  const packages = new Map<string, LockedPackage[]>();
  for (const entry of asArray(doc.package)) {
    if (!isTable(entry)) continue;
    const name = asString(entry.name);
    if (!name) continue;
    const pkg: LockedPackage = { name, normalizedName: normalizeName(name) };
    const version = asString(entry.version);
    if (version !== undefined) pkg.version = version;
    const marker = asString(entry.marker);
    if (marker !== undefined) pkg.marker = marker;
    const source = pdmSource(entry);
    if (source !== undefined) pkg.source = source;
    addPackage(packages, pkg);
  }
  return { ok: true, packages, lockCommand: 'pdm lock' };
}
