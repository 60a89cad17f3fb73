import type { LockParseResult } from './types';
import { asArray, asString, collectLockedPackages, isTable, parseTomlSafely } from './toml';

function pylockSource(entry: Record<string, unknown>): string | undefined {
  const vcs = entry.vcs;
  if (isTable(vcs)) {
    const type = asString(vcs.type) ?? 'git';
    const url = asString(vcs.url) ?? asString(vcs.path);
    const commit = asString(vcs['commit-id']);
    if (url) return `${type}+${url}${commit ? `@${commit}` : ''}`;
  }
  const directory = entry.directory;
  if (isTable(directory)) {
    const path = asString(directory.path);
    if (path !== undefined) return `${directory.editable === true ? 'editable' : 'directory'}:${path}`;
  }
  const archive = entry.archive;
  if (isTable(archive)) return asString(archive.url) ?? asString(archive.path);
  return asString(entry.index);
}

/** The tool that wrote a PEP 751 file re-creates it; `created-by` names that tool. */
function pylockCommand(createdBy: string | undefined, fileName: string): string {
  switch (createdBy?.toLowerCase()) {
    case 'uv':
      return `uv export --format pylock.toml --output-file ${fileName}`;
    case 'pdm':
      return `pdm export --format pylock --output ${fileName}`;
    default:
      return `pip lock --output ${fileName} .`;
  }
}

export function parsePylock(text: string, fileName: string): LockParseResult {
  const parsed = parseTomlSafely(text);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (doc['lock-version'] === undefined) return { ok: false, message: 'not a PEP 751 lock: `lock-version` is missing' };
  const packages = collectLockedPackages(
    asArray(doc.packages),
    (entry) => asString(entry.marker),
    (entry) => pylockSource(entry),
  );
  return { ok: true, packages, lockCommand: pylockCommand(asString(doc['created-by']), fileName) };
}
