import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDvcContext } from '../../../src/core/dvc/context';
import { buildPipelineGraph, formatGraphDot, formatGraphMermaid } from '../../../src/core/dvc/pipelineGraph';
import { buildPipelineTree } from '../../../src/core/dvc/tree';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { normalizePath } from '../../../src/core/fs/paths';
import { context, cleanProject } from './helpers';

const REPO = path.resolve(__dirname, '../../..');
/** clean (up to date) → train (src/train.py edited since the lock) → evaluate (never run) → reports/summary (undefined ${report.top_k}). */
const FIXTURE = normalizePath(path.join(REPO, 'test/fixtures/projects/pipeline-graph'));

async function fixtureGraph() {
  const fs = new DiskFileSystem();
  const contexts = [];
  for (const file of ['dvc.yaml', 'reports/dvc.yaml']) contexts.push(await createDvcContext(fs, `${FIXTURE}/${file}`, { workspaceRoot: FIXTURE }));
  return buildPipelineGraph(contexts);
}

const DOT = `digraph pipeline {
  rankdir=TB;
  node [shape=box, style="rounded,filled", fontname="Helvetica"];
  subgraph cluster_0 {
    label="dvc.yaml";
    "dvc.yaml:clean" [label="clean\\nup to date", fillcolor="#dafbe1", color="#1a7f37", fontcolor="#116329", class="up-to-date"];
    "dvc.yaml:train" [label="train\\nchanged (deps)", fillcolor="#fff8c5", color="#9a6700", fontcolor="#7d4e00", class="changed"];
    "dvc.yaml:evaluate" [label="evaluate\\nnever run", fillcolor="#f6f8fa", color="#8c959f", fontcolor="#57606a", class="never-run"];
  }
  subgraph cluster_1 {
    label="reports/dvc.yaml";
    "reports/dvc.yaml:summary" [label="summary\\n\${report.top_k}: 'report' is not defined", fillcolor="#ffebe9", color="#cf222e", fontcolor="#a40e26", class="error"];
  }
  "dvc.yaml:clean" -> "dvc.yaml:train";
  "dvc.yaml:train" -> "dvc.yaml:evaluate";
  "dvc.yaml:evaluate" -> "reports/dvc.yaml:summary";
}
`;

const MERMAID = `flowchart TD
  subgraph s0["dvc.yaml"]
    n0["clean<br/>up to date"]:::upToDate
    n1["train<br/>changed (deps)"]:::changed
    n2["evaluate<br/>never run"]:::neverRun
  end
  subgraph s1["reports/dvc.yaml"]
    n3["summary<br/>\${report.top_k}: 'report' is not defined"]:::error
  end
  n0 --> n1
  n1 --> n2
  n2 --> n3
  classDef upToDate fill:#dafbe1,stroke:#1a7f37,color:#116329
  classDef changed fill:#fff8c5,stroke:#9a6700,color:#7d4e00
  classDef neverRun fill:#f6f8fa,stroke:#8c959f,color:#57606a
  classDef error fill:#ffebe9,stroke:#cf222e,color:#a40e26
`;

test('the graph of the fixture: one node per stage with its status, an edge per dep reading an out, across dvc.yaml files', async () => {
  const graph = await fixtureGraph();
  assert.deepEqual(
    graph.nodes.map((n) => [n.id, n.status, n.detail, n.description]),
    [
      ['dvc.yaml:clean', 'up-to-date', 'up-to-date', 'up to date'],
      ['dvc.yaml:train', 'changed', 'changed', 'changed (deps)'],
      ['dvc.yaml:evaluate', 'never-run', 'never-run', 'never run'],
      ['reports/dvc.yaml:summary', 'error', 'error', "${report.top_k}: 'report' is not defined"],
    ],
  );
  assert.deepEqual(graph.edges, [
    { from: 'dvc.yaml:clean', to: 'dvc.yaml:train', paths: ['data/clean.csv'] },
    { from: 'dvc.yaml:train', to: 'dvc.yaml:evaluate', paths: ['data/model.bin'] },
    { from: 'dvc.yaml:evaluate', to: 'reports/dvc.yaml:summary', paths: ['../metrics.json'] },
  ]);
  // Each node points at the stage's name in its own dvc.yaml (where a click in the webview goes).
  const summary = graph.nodes[3]!;
  assert.equal(summary.dvcYamlPath, `${FIXTURE}/reports/dvc.yaml`);
  assert.deepEqual(summary.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } });
  assert.deepEqual(graph.unreadable, []);
});

test("the Pipeline tree gives each stage the graph's verdict: a stage in error says why, not 'never run'", async () => {
  const fs = new DiskFileSystem();
  const rows: [string, string | undefined, string | undefined][] = [];
  for (const file of ['dvc.yaml', 'reports/dvc.yaml']) {
    const tree = buildPipelineTree(await createDvcContext(fs, `${FIXTURE}/${file}`, { workspaceRoot: FIXTURE }));
    for (const stage of tree.children!) rows.push([`${file}:${stage.label}`, stage.status, stage.description]);
  }
  const graph = await fixtureGraph();
  assert.deepEqual(rows, [
    ['dvc.yaml:clean', 'up-to-date', 'up to date'],
    ['dvc.yaml:train', 'changed', 'changed (deps)'],
    ['dvc.yaml:evaluate', 'never-run', 'never run'],
    ['reports/dvc.yaml:summary', 'error', "${report.top_k}: 'report' is not defined"],
  ]);
  assert.deepEqual(rows.map(([, status, description]) => [status, description]), graph.nodes.map((n) => [n.detail, n.description]));

  const cyclic = await context({ 'dvc.yaml': 'stages:\n  a:\n    cmd: x\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: y\n    deps: [a.txt]\n    outs: [b.txt]\n' });
  assert.deepEqual(buildPipelineTree(cyclic.ctx).children!.map((s) => [s.label, s.status, s.description]), [
    ['a', 'error', 'part of a dependency cycle'],
    ['b', 'error', 'part of a dependency cycle'],
  ]);
});

test('--format dot: exactly this Graphviz text for the fixture', async () => {
  assert.equal(formatGraphDot(await fixtureGraph()), DOT);
});

test('--format mermaid: exactly this flowchart for the fixture', async () => {
  assert.equal(formatGraphMermaid(await fixtureGraph()), MERMAID);
});

test('one dvc.yaml draws without clusters; labels are escaped for each format; a bad name or a cycle is an error; an unreadable file is listed', async () => {
  const files = cleanProject({ yaml: (y) => y.replace('stages:\n', 'stages:\n  "say \\"hi\\"":\n    cmd: echo "<hi>" > hi.txt\n    outs:\n      - hi.txt\n') });
  const { ctx } = await context(files);
  const graph = buildPipelineGraph([ctx]);
  assert.deepEqual(graph.nodes.map((n) => n.stage), ['say "hi"', 'prepare', 'train']);
  const dot = formatGraphDot(graph);
  assert.ok(!dot.includes('subgraph'), dot);
  // DVC refuses the name: the stage is drawn in error, with DVC's reason.
  assert.ok(dot.includes(`  "dvc.yaml:say \\"hi\\"" [label="say \\"hi\\"\\ninvalid stage name 'say \\"hi\\"': use only letters, digits, '_' and '-'", fillcolor="#ffebe9"`), dot);
  const mermaid = formatGraphMermaid(graph);
  assert.ok(mermaid.includes(`  n0["say #34;hi#34;<br/>invalid stage name 'say #34;hi#34;': use only letters, digits, '_' and '-'"]:::error\n`), mermaid);
  assert.ok(!mermaid.includes('subgraph'), mermaid);

  const cyclic = await context({ 'dvc.yaml': 'stages:\n  a:\n    cmd: x\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: y\n    deps: [a.txt]\n    outs: [b.txt]\n' });
  const cycleGraph = buildPipelineGraph([cyclic.ctx]);
  assert.deepEqual(cycleGraph.nodes.map((n) => [n.stage, n.status, n.description]), [
    ['a', 'error', 'part of a dependency cycle'],
    ['b', 'error', 'part of a dependency cycle'],
  ]);
  assert.equal(cycleGraph.edges.length, 2);

  const broken = await context({ 'dvc.yaml': 'stages: [unclosed\n' });
  const brokenGraph = buildPipelineGraph([broken.ctx]);
  assert.deepEqual(brokenGraph.nodes, []);
  assert.equal(brokenGraph.unreadable.length, 1);
  assert.match(formatGraphMermaid(brokenGraph), /^flowchart TD\n  %% dvc\.yaml could not be read: /);
});

test('the CLI prints the same text: ml-hygiene status --format dot|mermaid, and refuses an unknown format', () => {
  const cli = path.join(REPO, 'dist', 'cli.js');
  const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'mlh-graph-cache-')) };
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'status', FIXTURE, ...args], { encoding: 'utf8', env });
  const dot = run('--format', 'dot');
  assert.equal(dot.status, 0, dot.stderr);
  assert.equal(dot.stdout, DOT);
  const mermaid = run('--format=mermaid');
  assert.equal(mermaid.status, 0, mermaid.stderr);
  assert.equal(mermaid.stdout, MERMAID);
  const bad = run('--format', 'png');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown --format png/);
});

test('Graphviz draws the DOT text: one SVG node per stage carrying its status class, one edge per arrow', async (t) => {
  // Debian's Graphviz, installed here when missing (scripts/setup-debian-tool.sh); skipped, with the reason, when it cannot be.
  const setup = spawnSync('bash', [path.join(REPO, 'scripts/setup-debian-tool.sh'), 'dot', 'graphviz'], { encoding: 'utf8' });
  if (setup.status !== 0) {
    t.skip(`Graphviz (dot) could not be installed: ${setup.stderr.trim()}`);
    return;
  }
  const r = spawnSync('dot', ['-Tsvg'], { input: formatGraphDot(await fixtureGraph()), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no warnings');
  const classes = [...r.stdout.matchAll(/<g id="node\d+" class="([^"]+)"/g)].map((m) => m[1]!.replace(/&#45;/g, '-'));
  assert.deepEqual(classes, ['node up-to-date', 'node changed', 'node never-run', 'node error']);
  assert.equal([...r.stdout.matchAll(/<g id="edge\d+" class="edge"/g)].length, 3);
});

test('two workspace folders with a dvc.yaml each: their stages keep apart (absolute ids) and draw as two clusters', async () => {
  const a = await context(cleanProject());
  const fsB = new (await import('../../../src/core/fs/memoryFileSystem')).MemoryFileSystem(cleanProject(), '/other');
  const b = await createDvcContext(fsB, '/other/dvc.yaml', { workspaceRoot: '/other' });
  const graph = buildPipelineGraph([a.ctx, b]);
  assert.deepEqual(graph.nodes.map((n) => n.id), ['/ws/dvc.yaml:prepare', '/ws/dvc.yaml:train', '/other/dvc.yaml:prepare', '/other/dvc.yaml:train']);
  assert.deepEqual(graph.edges.map((e) => `${e.from} -> ${e.to}`), ['/ws/dvc.yaml:prepare -> /ws/dvc.yaml:train', '/other/dvc.yaml:prepare -> /other/dvc.yaml:train']);
  assert.equal(formatGraphDot(graph).match(/subgraph cluster_\d+ \{\n {4}label="dvc\.yaml";/g)?.length, 2, formatGraphDot(graph));
  assert.equal(formatGraphMermaid(graph).match(/subgraph s\d+\["dvc\.yaml"\]/g)?.length, 2, formatGraphMermaid(graph));
});
