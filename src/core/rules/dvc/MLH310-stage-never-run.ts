import type { DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';
import { runStageFix } from './MLH309-stage-changed';

export const MLH310: RuleDefinition<DvcContext> = {
  code: 'MLH310',
  name: 'stage-never-run',
  pillar: 'data',
  defaultSeverity: 'information',
  docs: {
    detects: 'A stage with no entry in dvc.lock: it was never reproduced (or dvc.lock was not committed).',
    why: 'Nothing records which data and code produced its outputs, so they cannot be reproduced or verified.',
    example: 'stages:\n  evaluate:   # not in dvc.lock\n    cmd: python evaluate.py\n',
    exampleLanguage: 'yaml',
    fix: '**Run stage** runs `dvc repro <stage>`; then commit dvc.lock.',
  },
  check(ctx, report) {
    if (!ctx.file.parsed) return;
    for (const s of ctx.status.stages) {
      if (s.status !== 'never-run') continue;
      const stage = ctx.file.stages.find((x) => x.name === s.name);
      if (!stage) continue;
      const why = ctx.lock ? 'has no entry in dvc.lock' : 'has never run (there is no dvc.lock)';
      report({ path: ctx.dvcYamlPath, range: stage.nameRange, message: `Stage '${s.name}' ${why}.`, fixes: [runStageFix(ctx, s.name)] });
    }
  },
};
