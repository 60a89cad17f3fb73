import { pinFixes } from '../../fixes/pin';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { isRuntime, parsedOf, requirementRange } from './shared';

const LOWER_BOUNDS = new Set(['>=', '>', '!=']);

export const openEndedDependency: RuleDefinition<DependencyContext> = {
  code: 'MLH102',
  name: 'open-ended-dependency',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A runtime requirement bounded only from below (`pandas>=2.0`, optionally with `!=` exclusions) while no fresh lockfile constrains it.',
    why: '`pandas>=2.0` accepts every future major release. Without a fresh lockfile, a rebuild months later resolves to versions nobody tested.',
    example: '[project]\ndependencies = ["pandas>=2.0"]   # MLH102 when there is no fresh uv.lock',
    exampleLanguage: 'toml',
    fix: '**Pin dependency** rewrites it to `==<locked version>`; **Constrain dependency** to `~=<locked version>` (patch releases only). Or create a lockfile (`uv lock`) and keep it fresh. Libraries get this as information only.',
  },
  check(ctx, report) {
    // A lock constrains a requirement when it locks that package and no staleness finding names it:
    // a stale entry for another package (say, a freshly pinned one) does not unpin this one.
    const lock = ctx.lock?.result.ok ? ctx.lock.result.lock : undefined;
    const staleNames = new Set(ctx.lock?.stale.map((s) => s.requirement).filter(Boolean));
    const lockConstrains = (name: string) => !!lock && (lock.packages.get(name)?.length ?? 0) > 0 && !staleNames.has(name);
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r || !isRuntime(req) || r.url || !r.specifiers.length) continue;
      if (!r.specifiers.every((s) => LOWER_BOUNDS.has(s.operator)) || !r.specifiers.some((s) => s.operator !== '!=')) continue;
      // A fresh lockfile constrains pyproject ranges; a requirements file is itself what pip installs.
      if (req.path === ctx.pyproject?.path && lockConstrains(r.normalizedName)) continue;
      report({
        path: req.path,
        range: requirementRange(ctx, req),
        message: `\`${req.raw.trim()}\` has no upper bound${ctx.lock ? ' and the lockfile does not constrain it' : ' and no lockfile constrains it'}: a new major release can be installed untested.`,
        fixes: pinFixes(ctx, req, true),
        ...(ctx.kind === 'library' ? { severity: 'information' as const } : {}),
      });
    }
  },
};
