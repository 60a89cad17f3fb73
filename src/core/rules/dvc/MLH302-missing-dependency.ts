import type { DvcContext } from '../../dvc/context';
import { pathsOverlap } from '../../dvc/graph';
import { isInside } from '../../fs/paths';
import type { RuleDefinition } from '../rule';

export const MLH302: RuleDefinition<DvcContext> = {
  code: 'MLH302',
  name: 'missing-dependency',
  pillar: 'data',
  defaultSeverity: 'error',
  docs: {
    detects: 'A dependency path that does not exist in the workspace, is not tracked by a `.dvc` file, and is not produced by any stage of the pipeline.',
    why: '`dvc repro` fails on the stage with "missing dependency"; usually a typo or a file that was never added to DVC.',
    example: 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - data/trian.csv\n',
    exampleLanguage: 'yaml',
    fix: 'Correct the path, add the file with `dvc add`, or add the stage that produces it.',
  },
  async check(ctx, report) {
    const outs = ctx.file.stages.flatMap((s) => s.outs.map((o) => o.absPath));
    const seen = new Set<string>();
    for (const stage of ctx.file.stages)
      for (const dep of stage.deps) {
        if (dep.path.includes('${') || !isInside(ctx.workspaceRoot, dep.absPath)) continue;
        if (outs.some((o) => pathsOverlap(o, dep.absPath))) continue;
        if (await ctx.fs.stat(dep.absPath)) continue;
        if (await ctx.fs.stat(dep.absPath + '.dvc')) continue; // tracked with `dvc add`, data not pulled
        const key = `${dep.range.start.line}:${dep.range.start.character}:${dep.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({ path: ctx.dvcYamlPath, range: dep.range, message: `Dependency '${dep.path}' of stage '${stage.name}' does not exist and no stage outputs it.` });
      }
  },
};
