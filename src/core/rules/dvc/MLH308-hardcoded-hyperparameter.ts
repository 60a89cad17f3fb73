import type { DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';
import { cmdSources, onceKey } from './shared';

/** `--lr 0.01`, `--epochs=10`, `-n 500`; numbers only, never inside `${...}`. */
const NUMERIC_FLAG_RE = /(?<![\w$-])(--?[A-Za-z][\w-]*)(=|[ \t]+)(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.}/])/g;
/** Flags that are about running, not about the model. */
const OPERATIONAL_FLAGS = /^--?(j|jobs|workers|num[-_]workers|n[-_]jobs|port|verbose|v|gpus?|device|threads|nproc|log[-_]?level|log[-_]interval|timeout)$/i;

export const MLH308: RuleDefinition<DvcContext> = {
  code: 'MLH308',
  name: 'hardcoded-hyperparameter',
  pillar: 'data',
  defaultSeverity: 'information',
  docs: {
    detects: 'Numeric literals passed as command-line flags in a stage `cmd` (`--lr 0.01`, `--epochs=10`) instead of coming from params.',
    why: 'DVC tracks params per key and shows them in `dvc params diff` and experiments; a literal buried in the command only shows up as "changed command".',
    example: 'stages:\n  train:\n    cmd: python train.py --lr 0.01\n',
    exampleLanguage: 'yaml',
    fix: 'Put the value in params.yaml, list it under `params`, and pass `${train.lr}` in the command.',
  },
  check(ctx, report) {
    const seen = new Set<string>();
    for (const stage of ctx.file.stages)
      for (const src of cmdSources(ctx, stage))
        for (const m of src.text.matchAll(NUMERIC_FLAG_RE)) {
          if (OPERATIONAL_FLAGS.test(m[1]!)) continue;
          const valueStart = src.start + m.index! + m[1]!.length + m[2]!.length;
          const range = ctx.file.lineIndex.rangeOf(valueStart, valueStart + m[3]!.length);
          const message = `Hyperparameter '${m[1]}' is hard-coded as ${m[3]} in the command of stage '${stage.baseName}'; take it from params.`;
          const key = onceKey(range, message);
          if (seen.has(key)) continue;
          seen.add(key);
          report({ path: ctx.dvcYamlPath, range, message });
        }
  },
};
