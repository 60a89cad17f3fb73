import type { DvcContext } from '../../dvc/context';
import { lookupDotted } from '../../dvc/pyValue';
import type { RuleDefinition } from '../rule';
import { onceKey } from './shared';

export const MLH304: RuleDefinition<DvcContext> = {
  code: 'MLH304',
  name: 'undefined-param',
  pillar: 'data',
  defaultSeverity: 'error',
  docs: {
    detects: 'A `params` key that its params file does not define (or a params file that does not exist), and a `${...}` interpolation or `vars` entry that does not resolve against params.yaml, `vars`, or the foreach/matrix item.',
    why: 'DVC stops with "missing parameters" or an interpolation error before running anything.',
    example: 'stages:\n  train:\n    cmd: python train.py --lr ${train.lr}\n    params:\n      - train.learning_rate\n',
    exampleLanguage: 'yaml',
    fix: 'Define the key in the params file (params.yaml by default) or correct its name.',
  },
  async check(ctx, report) {
    const seen = new Set<string>();
    const once = (range: Parameters<typeof onceKey>[0], message: string) => {
      const k = onceKey(range, message);
      if (seen.has(k)) return;
      seen.add(k);
      report({ path: ctx.dvcYamlPath, range, message });
    };
    for (const ref of ctx.file.undefinedReferences) once(ref.range, ref.message);
    for (const stage of ctx.file.stages)
      for (const p of stage.params) {
        if (p.file.includes('${') || p.key?.includes('${')) continue;
        const loaded = await ctx.params(p.absFile);
        if (!loaded.ok) {
          once(p.range, loaded.reason === 'missing' ? `Params file '${p.file}' does not exist.` : loaded.message);
          continue;
        }
        if (p.key !== null && lookupDotted(loaded.data, p.key) === undefined) once(p.range, `Param '${p.key}' is not defined in '${p.file}'.`);
      }
  },
};
