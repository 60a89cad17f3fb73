import type { DvcContext } from '../../dvc/context';
import { isInside } from '../../fs/paths';
import type { RuleDefinition } from '../rule';

export const MLH311: RuleDefinition<DvcContext> = {
  code: 'MLH311',
  name: 'path-outside-workspace',
  pillar: 'data',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A dependency or output path that leaves the workspace (`../data`, an absolute path, or a symlink pointing outside). ML Hygiene never reads such paths, so their status is not checked.',
    why: 'The pipeline depends on files another checkout does not have, so it cannot be reproduced from the repository alone.',
    example: 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - ../shared/data.csv\n',
    exampleLanguage: 'yaml',
    fix: 'Move or import the data into the repository (`dvc import`, `dvc import-url`).',
  },
  check(ctx, report) {
    const seen = new Set<string>();
    for (const stage of ctx.file.stages) {
      const outside = new Set(ctx.status.details.get(stage.name)?.outsideWorkspace ?? []);
      for (const entry of [...stage.deps, ...stage.outs]) {
        if (!outside.has(entry.path) && isInside(ctx.workspaceRoot, entry.absPath)) continue;
        const key = `${entry.range.start.line}:${entry.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({ path: ctx.dvcYamlPath, range: entry.range, message: `'${entry.path}' is outside the workspace; it is not read, so stage '${stage.name}' is not checked against it.` });
      }
    }
  },
};
