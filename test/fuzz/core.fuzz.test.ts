import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzConfig } from './config';
import { runCore } from './harness';
import { applyMutations, mutationArb } from './mutations';
import { corpusWorkspaces, fixtureWorkspace, type SeedWorkspace } from './seeds';

const config = fuzzConfig({ runs: 120, seconds: 25 });
const seeds: SeedWorkspace[] = [fixtureWorkspace(), ...corpusWorkspaces(80 * 1024)];

/** The files a mutation may hit: manifests, lockfiles, requirements, DVC files, notebooks, CI and container files. */
const MUTABLE = /(^|\/)(pyproject\.toml|uv\.lock|poetry\.lock|pdm\.lock|requirements[^/]*\.txt|dvc\.yaml|dvc\.lock|params\.yaml|[^/]+\.ipynb|Dockerfile|\.dockerignore|ci\.yml|tox\.ini|pyrightconfig\.json)$/;

const inputArb = fc
  .record({
    seed: fc.nat({ max: seeds.length - 1 }),
    targets: fc.array(fc.record({ file: fc.nat(), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 2 }),
    trusted: fc.boolean(),
  })
  .map(({ seed, targets, trusted }) => {
    const base = seeds[seed]!;
    const files = { ...base.files };
    const mutable = Object.keys(files).filter((f) => MUTABLE.test(f)).sort();
    const mutated: string[] = [];
    for (const t of targets) {
      const file = mutable[t.file % mutable.length]!;
      files[file] = applyMutations(files[file]!, t.mutations);
      mutated.push(file);
    }
    const input = { seedName: base.name, mutated, files, trusted };
    // Counterexamples name the seed and show only the mutated files, not the whole workspace.
    return Object.assign(input, {
      [fc.toStringMethod]: () => `${base.name} (trusted: ${trusted}) with ${mutated.map((f) => `${f} = ${JSON.stringify(files[f])}`).join('\n')}`,
    });
  });

test(`core survives mutated inputs (seed ${config.seed}, ${config.runs} runs, ≤ ${config.seconds} s, ${seeds.length} seed workspaces)`, async () => {
  const collect = process.env.MLH_FUZZ_COLLECT === '1';
  const distinct = new Map<string, string>();
  let inputs = 0;
  let findings = 0;
  let slowest = 0;
  const result = await fc.check(
    fc.asyncProperty(inputArb, async (input) => {
      const run = await runCore(input.files, input.trusted);
      inputs++;
      findings += run.findings.length;
      slowest = Math.max(slowest, run.elapsedMs);
      const problems = [...run.violations];
      if (run.elapsedMs > config.perInputMs) problems.push(`analysis took ${run.elapsedMs.toFixed(0)} ms > ${config.perInputMs} ms`);
      if (problems.length && collect) {
        // Survey mode (npm run fuzz -- --collect): keep going and group problems by kind.
        for (const p of problems) {
          const kind = p.split('\n')[0]!.replace(/\d+/g, 'N').replace(/\/ws\/\S+/g, 'PATH').slice(0, 160);
          if (!distinct.has(kind)) distinct.set(kind, `${input.seedName}, mutated ${input.mutated.join(', ')}: ${p.slice(0, 400)}`);
        }
        return;
      }
      if (problems.length) throw new Error(`seed workspace ${input.seedName}, mutated ${input.mutated.join(', ')}:\n- ${problems.join('\n- ')}`);
    }),
    { seed: config.seed, numRuns: config.runs, interruptAfterTimeLimit: config.seconds * 1000, markInterruptAsFailure: false },
  );
  console.log(`fuzz: ${inputs} inputs, ${findings} findings, slowest input ${slowest.toFixed(0)} ms${result.interrupted ? ' (stopped at the time limit)' : ''}`);
  // A time limit must not turn the suite into a handful of inputs: a slow run is a failure, not a pass.
  assert.ok(inputs >= Math.min(config.runs, 30), `only ${inputs} inputs ran before the time limit`);
  if (distinct.size) assert.fail(`${distinct.size} kinds of problem:\n${[...distinct.values()].map((v) => `- ${v}`).join('\n')}`);
  if (result.failed) {
    const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    assert.fail(`${error}\n\nreplay with MLH_FUZZ_SEED=${config.seed}; ${fc.defaultReportMessage(result) ?? ''}`);
  }
});
