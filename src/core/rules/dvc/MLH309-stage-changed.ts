import type { DvcContext } from '../../dvc/context';
import type { StageStatus } from '../../dvc/status';
import type { Fix } from '../../diagnostics';
import type { RuleDefinition } from '../rule';

export function runStageFix(ctx: DvcContext, stageName: string): Fix {
  const title = `Run stage ${stageName}`;
  return { title, command: { id: 'mlHygiene.runStage', title, arguments: [ctx.dvcYamlPath, stageName] } };
}

export function summarizeChanges(s: StageStatus): string {
  const parts: string[] = [];
  if (s.changes.cmd) parts.push('command');
  const list = (label: string, entries: Record<string, string>) => {
    const keys = Object.keys(entries);
    if (keys.length) parts.push(`${label} ${keys.map((k) => `${k} (${entries[k]})`).join(', ')}`);
  };
  list('deps', s.changes.deps);
  for (const [file, entries] of Object.entries(s.changes.params)) list(`params in ${file}:`, entries);
  list('outs', s.changes.outs);
  return parts.join('; ');
}

export const MLH309: RuleDefinition<DvcContext> = {
  code: 'MLH309',
  name: 'stage-changed',
  pillar: 'data',
  defaultSeverity: 'information',
  docs: {
    detects: 'A stage that `dvc status` would report: a dependency, params value, output or the command differs from what dvc.lock recorded, or an output is missing. Computed natively, without running DVC.',
    why: 'Committed results no longer match the code and data that claim to produce them.',
    example: 'stages:\n  train:   # src/train.py changed since the last `dvc repro`\n    cmd: python src/train.py\n    deps: [src/train.py]\n',
    exampleLanguage: 'yaml',
    fix: '**Run stage** runs `dvc repro <stage>` in a terminal (trusted workspaces only, when `dvc` is installed).',
  },
  check(ctx, report) {
    for (const s of ctx.status.stages) {
      if (s.status !== 'changed') continue;
      const stage = ctx.file.stages.find((x) => x.name === s.name);
      if (!stage) continue;
      report({ path: ctx.dvcYamlPath, range: stage.nameRange, message: `Stage '${s.name}' changed: ${summarizeChanges(s)}.`, fixes: [runStageFix(ctx, s.name)] });
    }
  },
};
