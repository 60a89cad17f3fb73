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
 * (`<prefix>/Lib/site-packages` on Windows), where the interpreter is `<prefix>/bin/python`
 * (`<prefix>/Scripts/python.exe` or `<prefix>/python.exe` on Windows).
 */
export async function findSitePackages(fs: FileSystem, pythonPathOrEnv: string): Promise<string[]> {
  const candidates: string[] = [];
  const st = await fs.stat(pythonPathOrEnv);
  // An interpreter is `<prefix>/bin/python` (venv, conda and pyenv on POSIX), `<env>/Scripts/python.exe`
  // (a Windows venv) or `<prefix>/python.exe` (conda on Windows): try the folder above and the one holding it.
  const prefixes = st?.kind === 'directory' ? [pythonPathOrEnv] : [dirname(dirname(pythonPathOrEnv)), dirname(pythonPathOrEnv)];
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

/** Where the user's environment may be, as the CLI or editor knows it (core never reads process.env). */
export interface EnvironmentHints {
  /** `--python PATH` or the `mlHygiene.pythonPath` setting: when given, the only place looked at (as uv and pip do). */
  python?: { path: string; source: string };
  /** `VIRTUAL_ENV` of the shell: an activated venv. */
  virtualEnv?: string;
  /** `CONDA_PREFIX` of the shell: an activated conda environment. */
  condaPrefix?: string;
  /** `CONDA_DEFAULT_ENV`: conda's `base` environment is active in many shells by default, so it ranks after the project's own venv. */
  condaDefaultEnv?: string;
}

export interface EnvironmentCandidate {
  path: string;
  /** How it was found: "--python", "VIRTUAL_ENV", "CONDA_PREFIX", ".venv", "venv" or a setting name. */
  source: string;
}

export type LookedAt = EnvironmentCandidate & { outcome: 'missing' | 'no-site-packages' | 'no-distributions' | 'used'; sitePackages?: string[] };

export interface EnvironmentLookup {
  environment?: PythonEnvironment;
  /** Every place looked at, in order, with what was found there. */
  looked: LookedAt[];
}

/**
 * The places installed versions are looked for, most specific first: an explicit interpreter alone;
 * else the activated venv (VIRTUAL_ENV), the activated conda environment (CONDA_PREFIX), then the
 * project's `.venv` and `venv`, with conda's `base` environment after those (uv's order of discovery).
 */
export function environmentCandidates(projectRoot: string, hints: EnvironmentHints = {}): EnvironmentCandidate[] {
  if (hints.python) return [{ path: hints.python.path.startsWith('/') ? hints.python.path : joinPath(projectRoot, hints.python.path), source: hints.python.source }];
  const out: EnvironmentCandidate[] = [];
  const condaIsBase = hints.condaDefaultEnv === 'base';
  if (hints.virtualEnv) out.push({ path: hints.virtualEnv, source: 'VIRTUAL_ENV' });
  if (hints.condaPrefix && !condaIsBase) out.push({ path: hints.condaPrefix, source: 'CONDA_PREFIX' });
  out.push({ path: joinPath(projectRoot, '.venv'), source: '.venv' }, { path: joinPath(projectRoot, 'venv'), source: 'venv' });
  if (hints.condaPrefix && condaIsBase) out.push({ path: hints.condaPrefix, source: 'CONDA_PREFIX (base)' });
  const seen = new Set<string>();
  return out.filter((c) => (seen.has(c.path) ? false : (seen.add(c.path), true)));
}

/** Reads the first candidate that holds installed distributions, recording what every candidate looked like. */
export async function findEnvironment(fs: FileSystem, candidates: EnvironmentCandidate[]): Promise<EnvironmentLookup> {
  const looked: LookedAt[] = [];
  for (const c of candidates) {
    if (!(await fs.stat(c.path).catch(() => undefined))) {
      looked.push({ ...c, outcome: 'missing' });
      continue;
    }
    const env = await readEnvironment(fs, c.path);
    if (!env.sitePackages.length) looked.push({ ...c, outcome: 'no-site-packages' });
    else if (!env.distributions.size) looked.push({ ...c, outcome: 'no-distributions', sitePackages: env.sitePackages });
    else {
      looked.push({ ...c, outcome: 'used', sitePackages: env.sitePackages });
      return { environment: env, looked };
    }
  }
  return { looked };
}

/** "/p/.venv (.venv: does not exist)", one entry per place looked at. */
export function describeLookup(looked: LookedAt[]): string {
  const what: Record<LookedAt['outcome'], string> = { missing: 'does not exist', 'no-site-packages': 'no site-packages folder', 'no-distributions': 'no installed packages', used: 'used' };
  return looked.map((l) => `${l.sitePackages?.[0] ?? l.path} (${l.source}: ${what[l.outcome]})`).join(', ');
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
