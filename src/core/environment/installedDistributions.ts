import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, joinPath } from '../fs/paths';
import { normalizeName } from '../python/pep503';

/** A distribution installed in a Python environment, read from its `.dist-info` folder. */
export interface InstalledDistribution {
  name: string;
  normalizedName: string;
  version: string;
  /** Import names it provides (top_level.txt, else the top folders of RECORD); empty when unknown. */
  importNames: string[];
}

export interface PythonEnvironment {
  sitePackages: string[];
  distributions: Map<string, InstalledDistribution>;
}

/**
 * Finds site-packages for an interpreter path or environment folder without running Python:
 * venvs and pyenv/conda installs keep it at `<prefix>/lib/pythonX.Y/site-packages`
 * (`<prefix>/Lib/site-packages` on Windows), where the interpreter is `<prefix>/bin/python`.
 */
export async function findSitePackages(fs: FileSystem, pythonPathOrEnv: string): Promise<string[]> {
  const candidates: string[] = [];
  const st = await fs.stat(pythonPathOrEnv);
  const prefixes = st?.kind === 'directory' ? [pythonPathOrEnv] : [dirname(dirname(pythonPathOrEnv))];
  for (const prefix of prefixes) {
    for (const lib of ['lib', 'lib64', 'Lib']) {
      const libDir = joinPath(prefix, lib);
      let entries;
      try {
        entries = await fs.readDirectory(libDir);
      } catch {
        continue;
      }
      if (lib === 'Lib') candidates.push(joinPath(libDir, 'site-packages'));
      for (const e of entries) if (/^python\d+(\.\d+)?t?$/.test(e.name)) candidates.push(joinPath(libDir, e.name, 'site-packages'));
    }
  }
  const found: string[] = [];
  for (const c of candidates) if ((await fs.stat(c))?.kind === 'directory' && !found.includes(c)) found.push(c);
  return found;
}

/** Parses the RFC 822-style header block of a METADATA file for Name and Version. */
export function parseMetadataHeaders(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // headers end at the first blank line; the long description follows
    const m = /^(Name|Version):\s*(.+?)\s*$/.exec(line);
    if (m) out[m[1] === 'Name' ? 'name' : 'version'] = m[2];
  }
  return out;
}

export async function readEnvironment(fs: FileSystem, pythonPathOrEnv: string): Promise<PythonEnvironment> {
  const sitePackages = await findSitePackages(fs, pythonPathOrEnv);
  const distributions = new Map<string, InstalledDistribution>();
  for (const sp of sitePackages) {
    let entries;
    try {
      entries = await fs.readDirectory(sp);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.kind !== 'directory' || !e.name.endsWith('.dist-info')) continue;
      const infoDir = joinPath(sp, e.name);
      const meta = await readTextFile(fs, joinPath(infoDir, 'METADATA'), 4 * 1024 * 1024);
      if (!meta.ok) continue;
      const { name, version } = parseMetadataHeaders(meta.text);
      if (!name || !version) continue;
      const normalizedName = normalizeName(name);
      if (distributions.has(normalizedName)) continue;
      distributions.set(normalizedName, { name, normalizedName, version, importNames: await importNamesOf(fs, infoDir) });
    }
  }
  return { sitePackages, distributions };
}

async function importNamesOf(fs: FileSystem, infoDir: string): Promise<string[]> {
  const top = await readTextFile(fs, joinPath(infoDir, 'top_level.txt'), 256 * 1024);
  if (top.ok) return top.text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  const record = await readTextFile(fs, joinPath(infoDir, 'RECORD'), 8 * 1024 * 1024);
  if (!record.ok) return [];
  const names = new Set<string>();
  for (const line of record.text.split(/\r?\n/)) {
    const file = line.split(',')[0] ?? '';
    const first = file.split('/')[0] ?? '';
    if (!first || first.endsWith('.dist-info') || first.endsWith('.data') || first === '..' || first === '__pycache__') continue;
    if (file.includes('/')) names.add(first);
    else if (first.endsWith('.py')) names.add(basename(first).slice(0, -3));
  }
  return [...names];
}
