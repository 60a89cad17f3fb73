import { basename } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { parsedOf, pyprojectKeyRange, requirementRange } from './shared';

export const staleLockfile: RuleDefinition<DependencyContext> = {
  code: 'MLH104',
  name: 'stale-lockfile',
  pillar: 'dependencies',
  defaultSeverity: 'error',
  docs: {
    detects: 'The lockfile disagrees with the manifest: a requirement is missing from the lock, a locked version lies outside the declared specifier, the recorded inputs differ (uv\'s `requires-dist`), or the content hash no longer matches (Poetry, PDM).',
    why: 'A stale lock means CI installs something other than what the manifest says, or `uv sync --locked` fails at deploy time. Either way the environment is not the one that was reviewed.',
    example: '# pyproject.toml gained "lightgbm==4.5.0" but uv.lock was not regenerated\n[project]\ndependencies = ["pandas==2.2.3", "lightgbm==4.5.0"]',
    exampleLanguage: 'toml',
    fix: 'Re-run the lock command (`uv lock`, `poetry lock`, `pdm lock`) and commit the result.',
  },
  check(ctx, report) {
    const lock = ctx.lock;
    if (!lock || !lock.result.ok || !lock.stale.length || !ctx.pyproject) return;
    const command = lock.result.lock.lockCommand;
    const fix = { title: `Run \`${command}\``, command: { id: 'mlHygiene.runInTerminal', title: command, arguments: [{ command, cwd: ctx.project.root }] } };
    const lockName = basename(lock.path);
    const reported = new Set<string>();
    for (const finding of lock.stale) {
      const req = finding.requirement
        ? ctx.pyproject.requirements.find((r) => parsedOf(r)?.normalizedName === finding.requirement)
        : undefined;
      const key = req ? `${req.start}` : 'file';
      if (reported.has(key)) continue;
      reported.add(key);
      report({
        path: ctx.pyproject.path,
        range: req ? requirementRange(ctx, req) : pyprojectKeyRange(ctx, ['project', 'dependencies']),
        message: `${lockName} is stale: ${finding.message} Run \`${command}\`.`,
        fixes: [fix],
      });
    }
  },
};
