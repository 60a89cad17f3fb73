import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { createDvcContext } from '../../../src/core/rules/dvc/index';
import { MLH301 } from '../../../src/core/rules/dvc/MLH301-dvc-schema';
import { formatStatusJson } from '../../../src/core/dvc/status';
import { buildPipelineTree } from '../../../src/core/dvc/tree';
import { CORPUS_ROOT } from '../../helpers/corpus';

/** Real DVC projects and DVC's own schema examples; skipped when the shared corpus is absent. */
const CORPUS = `${CORPUS_ROOT}/dvc`;
const skip = !existsSync(CORPUS);

test('real DVC projects: status runs, data outs are "deleted", metrics.json matches dvc.lock', { skip }, async () => {
  const fs = new DiskFileSystem();
  for (const project of ['iterative+vscode-dvc-demo', 'iterative+example-get-started', 'iterative+example-get-started-experiments']) {
    const ctx = await createDvcContext(fs, `${CORPUS}/${project}/dvc.yaml`);
    assert.deepEqual(ctx.file.problems, [], project);
    assert.ok(ctx.status.stages.length > 0);
    JSON.parse(formatStatusJson(ctx.status));
    buildPipelineTree(ctx);
    for (const s of ctx.status.stages) {
      assert.deepEqual(s.changes.params, {}, `${project}:${s.name} params equal the lock by value`);
      assert.equal(s.changes.cmd, false);
      for (const state of Object.values(s.changes.outs)) assert.equal(state, 'deleted');
    }
    if (project === 'iterative+vscode-dvc-demo') {
      const train = ctx.status.stages[0]!;
      assert.equal('training/metrics.json' in train.changes.outs, false, 'the git-tracked metrics.json hashes to the recorded md5');
      assert.equal(train.changes.outs['hist.csv'], 'deleted'); // a 2.x entry in the same lock
    }
  }
});

test('DVC schema examples: valid ones give no MLH301 (except what DVC 3 rejects), invalid ones do', { skip }, async () => {
  const fs = new DiskFileSystem();
  const run = async (path: string) => {
    const ctx = await createDvcContext(fs, path);
    const out: string[] = [];
    await MLH301.check(ctx, (f) => out.push(f.message));
    return out;
  };
  const dir = `${CORPUS}/dvcyaml-schema-examples`;
  for (const name of readdirSync(`${dir}/valid`)) {
    const problems = await run(`${dir}/valid/${name}`);
    // The corpus README: the schema lags DVC 3, whose top-level `plots` must be a list.
    if (name.startsWith('plots_dict')) assert.ok(problems.some((p) => p.includes('list in DVC 3')), name);
    else assert.deepEqual(problems, [], name);
  }
  for (const name of readdirSync(`${dir}/invalid`)) assert.ok((await run(`${dir}/invalid/${name}`)).length > 0, name);
});
