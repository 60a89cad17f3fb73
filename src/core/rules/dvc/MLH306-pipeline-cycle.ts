import type { DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';

export const MLH306: RuleDefinition<DvcContext> = {
  code: 'MLH306',
  name: 'pipeline-cycle',
  pillar: 'data',
  defaultSeverity: 'error',
  docs: {
    detects: 'Stages whose dependencies and outputs form a cycle (A needs what B makes, B needs what A makes).',
    why: 'DVC cannot order the stages and refuses to reproduce any of them ("Pipeline has a cycle").',
    example: 'stages:\n  a:\n    cmd: python a.py\n    deps: [b.csv]\n    outs: [a.csv]\n  b:\n    cmd: python b.py\n    deps: [a.csv]\n    outs: [b.csv]\n',
    exampleLanguage: 'yaml',
    fix: 'Break the cycle: one of the stages must not depend on the other\'s output.',
  },
  check(ctx, report) {
    for (const cycle of ctx.graph.cycles) {
      const text = [...cycle, cycle[0]].join(' → ');
      for (const name of cycle) {
        const stage = ctx.file.stages.find((s) => s.name === name);
        if (stage) report({ path: ctx.dvcYamlPath, range: stage.nameRange, message: `Stage '${name}' is part of a dependency cycle: ${text}.` });
      }
    }
  },
};
