import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { dirname, joinPath } from '../../fs/paths';
import { isValidVersion } from '../../python/pep440';
import type { PyprojectFile } from '../../pyproject/pyprojectFile';
import type { Range } from '../../text/lineIndex';
import type { StructureContext } from './context';

/** Facts about how a pyproject.toml builds: its backend and where its version comes from. */
export type Table = Record<string, unknown>;

export const isTable = (v: unknown): v is Table => !!v && typeof v === 'object' && !Array.isArray(v);

export function table(pyproject: PyprojectFile | undefined, path: string[]): Table | undefined {
  const v = pyproject?.toml.get(path);
  return isTable(v) ? v : undefined;
}

/** Normalized (PEP 503) names of the build requirements. */
export function buildRequirementNames(pyproject: PyprojectFile): Set<string> {
  return new Set(pyproject.requirements.filter((r) => r.groupKind === 'build' && r.parsed.ok).map((r) => (r.parsed.ok ? r.parsed.requirement.normalizedName : '')));
}

export function buildBackend(pyproject: PyprojectFile): string | undefined {
  const backend = pyproject.toml.get(['build-system', 'build-backend']);
  return typeof backend === 'string' ? backend.trim() : undefined;
}

/** Plugins and backends that derive the version from git tags. */
const VCS_VERSION_PLUGINS = ['setuptools-scm', 'hatch-vcs', 'poetry-dynamic-versioning', 'versioningit', 'dunamai', 'pbr', 'setuptools-git-versioning', 'uv-dynamic-versioning', 'flit-scm'];

/** Does the version come from git (a VCS-version plugin among the build requirements, or pdm's `source = "scm"`)? */
export function versionFromVcs(pyproject: PyprojectFile): boolean {
  const names = buildRequirementNames(pyproject);
  if (VCS_VERSION_PLUGINS.some((p) => names.has(p))) return true;
  const pdm = table(pyproject, ['tool', 'pdm', 'version']);
  if (pdm && pdm['source'] === 'scm') return true;
  const hatch = table(pyproject, ['tool', 'hatch', 'version']);
  if (hatch && (hatch['source'] === 'vcs' || hatch['source'] === 'uv-dynamic-versioning' || hatch['source'] === 'versioningit')) return true;
  const pdv = table(pyproject, ['tool', 'poetry-dynamic-versioning']);
  if (pdv && pdv['enable'] === true) return true;
  return false;
}

/** Release tools that write the version for the maintainer: the version is then not "by hand". */
export function versionBumpedByTool(pyproject: PyprojectFile | undefined, files: string[]): boolean {
  const tool = table(pyproject, ['tool']);
  if (tool && ['bumpversion', 'bumpver', 'semantic_release', 'commitizen', 'tbump', 'release-please', 'changeset'].some((t) => t in tool)) return true;
  return files.some((f) => /\/(\.bumpversion\.cfg|\.bumpversion\.toml|tbump\.toml|release-please-config\.json|\.release-please-manifest\.json|\.cz\.toml|\.releaserc(\.\w+)?)$/.test(f));
}

/**
 * Finds the git directory holding refs for the repository around `start`: a `.git` folder, or a
 * `.git` file (`gitdir: ...`) of a worktree or submodule, whose `commondir` leads to shared refs.
 * Never runs git.
 */
export async function gitCommonDir(fs: FileSystem, start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = joinPath(dir, '.git');
    const st = await fs.stat(dotGit).catch(() => undefined);
    if (st?.kind === 'directory') return dotGit;
    if (st?.kind === 'file') {
      const r = await readTextFile(fs, dotGit, 64 * 1024);
      const m = r.ok ? /^gitdir:\s*(.+)$/m.exec(r.text) : null;
      if (!m) return undefined;
      const gitDir = m[1]!.trim().startsWith('/') ? m[1]!.trim() : joinPath(dir, m[1]!.trim());
      const common = await readTextFile(fs, joinPath(gitDir, 'commondir'), 64 * 1024);
      if (!common.ok) return gitDir;
      const c = common.text.trim();
      return c.startsWith('/') ? c : joinPath(gitDir, c);
    }
    if (dir === '/' || dirname(dir) === dir) return undefined;
  }
}

/** Tag names of the repository: loose refs under `refs/tags/` (nested folders too) and `packed-refs`. */
export async function gitTags(fs: FileSystem, gitDir: string): Promise<string[]> {
  const tags = new Set<string>();
  const walk = async (dir: string, prefix: string, depth: number) => {
    if (depth > 8 || tags.size > 10_000) return;
    for (const e of await fs.readDirectory(dir).catch(() => [])) {
      if (e.kind === 'directory') await walk(joinPath(dir, e.name), `${prefix}${e.name}/`, depth + 1);
      else tags.add(prefix + e.name);
    }
  };
  await walk(joinPath(gitDir, 'refs', 'tags'), '', 0);
  const packed = await readTextFile(fs, joinPath(gitDir, 'packed-refs'), 32 * 1024 * 1024);
  if (packed.ok) for (const m of packed.text.matchAll(/^[0-9a-f]{40,64} refs\/tags\/(\S+)$/gm)) tags.add(m[1]!);
  return [...tags];
}

/**
 * Tags that name a release of this project: a PEP 440 version, optionally after `v`, or after the
 * project's name (`churn-1.2.0`, `churn/v1.2.0`, as monorepos tag). Other projects' tags in the same
 * repository do not count.
 */
export function releaseTags(tags: string[], projectName: string | undefined): string[] {
  const name = projectName?.toLowerCase().replace(/[-_.]+/g, '[-_.]');
  const prefixed = name ? new RegExp(`^${name}[-_/@]v?`, 'i') : undefined;
  return tags.filter((tag) => {
    const bare = /^v?\d/.test(tag) ? tag.replace(/^v/, '') : prefixed && prefixed.test(tag) ? tag.replace(prefixed, '') : undefined;
    return bare !== undefined && /^\d+(\.\d+)+/.test(bare) && isValidVersion(bare);
  });
}

/** The range of `key = value` of a TOML entry, from its key to its value's end. */
export function entryRange(ctx: StructureContext, path: string[]): Range | undefined {
  const pyproject = ctx.pyproject;
  const entry = pyproject?.toml.find(path);
  const li = pyproject && ctx.lineIndexOf(pyproject.path);
  if (!entry || !li) return undefined;
  if (entry.value.type === 'TOMLTable') return li.rangeOf(entry.value.range[0], entry.keyRange[1] + 1);
  return li.rangeOf(entry.keyRange[0], entry.value.range[1]);
}
