import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { entryRange, gitCommonDir, gitTags, isTable, releaseTags, table, versionBumpedByTool, versionFromVcs } from './packaging';

/** Version-like tags shown in the message, newest-looking first (by length then text: v1.10.0 after v1.9.0). */
function shownTags(tags: string[]): string {
  const sorted = [...tags].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  return sorted.slice(0, 3).map((t) => `\`${t}\``).join(', ') + (sorted.length > 3 ? ` and ${sorted.length - 3} more` : '');
}

export const handMaintainedVersion: RuleDefinition<StructureContext> = {
  code: 'MLH415',
  name: 'hand-maintained-version',
  pillar: 'dependencies',
  defaultSeverity: 'information',
  docs: {
    detects:
      'A static version (`[project] version = "1.2.0"`, or `[tool.poetry] version` in a Poetry project) in a project whose git repository tags its releases (`v1.2.0`, `1.2.0`, or `<name>-1.2.0` in a monorepo; read from `.git/refs/tags` and `.git/packed-refs`, without running git). Projects whose version a release tool writes (bump-my-version, bumpver, python-semantic-release, commitizen, tbump, release-please) are not reported.',
    why: 'Two sources of truth drift: the tag says 1.3.0, the wheel inside the container says 1.2.0, and the model registry records whichever one someone remembered to update. Deriving the version from the tag makes every build say exactly which commit it came from (`1.3.0.dev4+g1a2b3c`).',
    example: '[project]\nname = "churn"\nversion = "1.2.0"   # while `git tag` lists v1.0.0, v1.1.0, v1.2.0',
    exampleLanguage: 'toml',
    fix: 'Replace `version` with `dynamic = ["version"]` and let the backend read the tag: hatchling + `hatch-vcs` (`[tool.hatch.version] source = "vcs"`), setuptools + `setuptools-scm`, pdm-backend (`[tool.pdm.version] source = "scm"`), or poetry-dynamic-versioning.',
  },
  async check(ctx, report) {
    const pyproject = ctx.pyproject;
    if (!pyproject?.toml.ast || versionFromVcs(pyproject) || versionBumpedByTool(pyproject, ctx.files)) return;
    const hasProject = isTable(pyproject.toml.get(['project']));
    const path = hasProject ? ['project', 'version'] : ['tool', 'poetry', 'version'];
    const version = pyproject.toml.get(path);
    if (typeof version !== 'string') return;
    if (!hasProject && !table(pyproject, ['tool', 'poetry'])) return;
    const range = entryRange(ctx, path);
    if (!range) return;
    const gitDir = await gitCommonDir(ctx.fs, ctx.project.root);
    if (!gitDir) return;
    const name = pyproject.toml.get([...path.slice(0, -1), 'name']);
    const releases = releaseTags(await gitTags(ctx.fs, gitDir), typeof name === 'string' ? name : undefined);
    if (!releases.length) return;
    report({
      path: pyproject.path,
      range,
      message: `\`version = "${version}"\` is maintained by hand while releases are tagged in git (${shownTags(releases)}): derive it from the tags (hatch-vcs, setuptools-scm) so every build names its commit.`,
    });
  },
};
