import { normalizeName } from '../python/pep503';
import { addPackage, type LockedPackage } from './types';
import { parse, TomlError } from 'smol-toml';

export type TomlParseResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string; line?: number; column?: number };

/** smol-toml with its exception turned into a value; line and column are 1-based as smol-toml reports them. */
export function parseTomlSafely(text: string): TomlParseResult {
  try {
    return { ok: true, value: parse(text) as Record<string, unknown> };
  } catch (e) {
    if (e instanceof TomlError) {
      // The first line of smol-toml's message is the reason; the rest is a code excerpt.
      const reason = e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      return { ok: false, message: `invalid TOML: ${reason}`, line: e.line, column: e.column };
    }
    return { ok: false, message: `invalid TOML: ${String((e as Error)?.message ?? e)}` };
  }
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The `[[package]]` loop every TOML lock shares: name, version, and a format-specific marker and
 * source. Entries without a name are skipped; several entries per name are kept.
 */
export function collectLockedPackages(
  entries: unknown[],
  markerOf: (entry: Record<string, unknown>) => string | undefined,
  sourceOf: (entry: Record<string, unknown>) => string | undefined,
): Map<string, LockedPackage[]> {
  const packages = new Map<string, LockedPackage[]>();
  for (const entry of entries) {
    if (!isTable(entry)) continue;
    const name = asString(entry.name);
    if (!name) continue;
    const pkg: LockedPackage = { name, normalizedName: normalizeName(name) };
    const version = asString(entry.version);
    if (version !== undefined) pkg.version = version;
    const marker = markerOf(entry);
    if (marker !== undefined) pkg.marker = marker;
    const source = sourceOf(entry);
    if (source !== undefined) pkg.source = source;
    addPackage(packages, pkg);
  }
  return packages;
}
