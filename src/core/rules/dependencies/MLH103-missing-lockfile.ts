import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { isRuntime, pyprojectKeyRange, requirementRange } from './shared';

/** Which tool the project already uses decides the command we suggest. */
function lockCommandFor(ctx: DependencyContext): string {
  const tool = ctx.pyproject?.toml.data?.['tool'] as Record<string, unknown> | undefined;
  if (tool?.['poetry']) return 'poetry lock';
  if (tool?.['pdm']) return 'pdm lock';
  if (ctx.pyproject) return 'uv lock';
  const req = ctx.requirementsFiles[0];
  return `uv pip compile ${req ? req.path.slice(ctx.project.root.length + 1) : 'requirements.in'} -o requirements.lock.txt`;
}

export const missingLockfile: RuleDefinition<DependencyContext> = {
  code: 'MLH103',
  name: 'missing-lockfile',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A project declares dependencies but has no lockfile: no `uv.lock`, `poetry.lock`, `pdm.lock`, `pylock*.toml`, nor a fully pinned requirements file (pip-compile output).',
    why: 'Pins in the manifest fix only direct dependencies. Transitive ones (numpy under pandas, under scikit-learn) still drift, and two installs of the same commit can differ. A lockfile records the whole resolved set.',
    example: '# pyproject.toml with dependencies, and no uv.lock next to it\n[project]\ndependencies = ["pandas==2.2.3"]',
    exampleLanguage: 'toml',
    fix: 'Create one with the tool the project uses: `uv lock`, `poetry lock`, `pdm lock`, or `uv pip compile requirements.in -o requirements.txt`, and commit it.',
  },
  check(ctx, report) {
    if (ctx.lock) return;
    const runtime = ctx.allRequirements.filter((r) => isRuntime(r) && r.parsed.ok);
    if (!runtime.length) return;
    const command = lockCommandFor(ctx);
    const inPyproject = runtime.find((r) => r.path === ctx.pyproject?.path);
    const range = inPyproject ? pyprojectKeyRange(ctx, ['project', 'dependencies']) : requirementRange(ctx, runtime[0]!);
    report({
      path: inPyproject ? ctx.pyproject!.path : runtime[0]!.path,
      range,
      message: `Dependencies are declared but no lockfile records the resolved versions. Create one with \`${command}\`.`,
      fixes: [{ title: `Run \`${command}\``, command: { id: 'mlHygiene.runInTerminal', title: command, arguments: [{ command, cwd: ctx.project.root }] } }],
      ...(ctx.kind === 'library' ? { severity: 'information' as const } : {}),
    });
  },
};
