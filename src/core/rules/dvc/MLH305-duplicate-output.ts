import type { DvcContext } from '../../dvc/context';
import type { DvcPathEntry, DvcStage } from '../../dvc/dvcYaml';
import { isInside } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { onceKey } from './shared';

export const MLH305: RuleDefinition<DvcContext> = {
  code: 'MLH305',
  name: 'duplicate-output',
  pillar: 'data',
  defaultSeverity: 'error',
  docs: {
    detects: 'The same output path declared twice, or an output inside another output directory, across the stages of a pipeline.',
    why: 'DVC refuses to build the pipeline graph ("output is specified in" / "overlapping outputs"); which stage owns the data would be ambiguous.',
    example: 'stages:\n  a:\n    cmd: python a.py\n    outs: [data/out]\n  b:\n    cmd: python b.py\n    outs: [data/out/part.csv]\n',
    exampleLanguage: 'yaml',
    fix: 'Give each stage its own output path.',
  },
  check(ctx, report) {
    const all: { stage: DvcStage; out: DvcPathEntry }[] = ctx.file.stages.flatMap((stage) => stage.outs.map((out) => ({ stage, out })));
    const seen = new Set<string>();
    for (let j = 0; j < all.length; j++)
      for (let i = 0; i < j; i++) {
        const a = all[i]!;
        const b = all[j]!;
        let message: string | undefined;
        if (a.out.absPath === b.out.absPath) message = `Output '${b.out.path}' of stage '${b.stage.name}' is also an output of stage '${a.stage.name}'.`;
        else if (isInside(a.out.absPath, b.out.absPath)) message = `Output '${b.out.path}' of stage '${b.stage.name}' lies inside output '${a.out.path}' of stage '${a.stage.name}'.`;
        else if (isInside(b.out.absPath, a.out.absPath)) message = `Output '${b.out.path}' of stage '${b.stage.name}' contains output '${a.out.path}' of stage '${a.stage.name}'.`;
        if (!message) continue;
        const key = onceKey(b.out.range, message);
        if (seen.has(key)) continue;
        seen.add(key);
        report({ path: ctx.dvcYamlPath, range: b.out.range, message });
        break;
      }
  },
};
