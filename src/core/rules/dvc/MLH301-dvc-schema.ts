import type { DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';

export const MLH301: RuleDefinition<DvcContext> = {
  code: 'MLH301',
  name: 'dvc-schema',
  pillar: 'data',
  defaultSeverity: 'error',
  docs: {
    detects:
      'Structure errors in dvc.yaml as DVC 3 validates it: YAML syntax errors, unknown keys at the top level, in stages and in output options, a stage without `cmd`, wrong types, invalid stage names, invalid `foreach`/`matrix`, the old mapping form of top-level `plots`, and files too large or alias-expanding too much to check.',
    why: 'DVC refuses to load the whole pipeline when dvc.yaml does not validate, so every stage stops reproducing, not only the broken one.',
    example: 'stages:\n  train:\n    command: python train.py   # should be `cmd`\n',
    exampleLanguage: 'yaml',
    fix: 'Rename or remove the offending key, or fix its type, as the message says.',
  },
  check(ctx, report) {
    for (const p of ctx.file.problems) report({ path: ctx.dvcYamlPath, range: p.range, message: p.message });
    for (const p of ctx.lock?.problems ?? []) report({ path: ctx.lock!.path, range: p.range, message: `dvc.lock: ${p.message}` });
  },
};
