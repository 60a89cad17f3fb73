import type { Range } from '../text/lineIndex';
import type { DvcContext } from './context';
import type { DvcStage } from './dvcYaml';
import { pathsOverlap } from './graph';
import { describeStatus, type StageStatusKind } from './status';

/**
 * The pipeline as a picture sees it: every stage of every dvc.yaml as a node colored by one of four
 * statuses, and an edge from a stage to each stage that reads one of its outputs (DVC's own rule,
 * dvc/repo/graph.py: a dep that is, contains or lies inside an out). Edges cross dvc.yaml files, as
 * `dvc dag` draws them. Pure data: the webview, `--format dot` and `--format mermaid` all draw it.
 */
export type GraphStatus = 'up-to-date' | 'changed' | 'never-run' | 'error';

export interface PipelineGraphNode {
  /** `<dvcfile>:<stage>`, the id of the stage's row in the Pipeline tree. */
  id: string;
  stage: string;
  /** dvc.yaml relative to the workspace root, posix. */
  dvcfile: string;
  /** Absolute path of the stage's dvc.yaml. */
  dvcYamlPath: string;
  status: GraphStatus;
  /** DVC's finer status (frozen, always changed), or 'error'. */
  detail: StageStatusKind | 'error';
  /** What a person reads: "changed (deps, params)", or the error. */
  description: string;
  /** The stage's name in dvc.yaml. */
  range: Range;
}

export interface PipelineGraphEdge {
  from: string;
  to: string;
  /** The consumer's deps that read the producer's outs, as written in its dvc.yaml. */
  paths: string[];
}

export interface PipelineGraph {
  nodes: PipelineGraphNode[];
  edges: PipelineGraphEdge[];
  /** dvc.yaml files that could not be read at all, with the first problem. */
  unreadable: { dvcfile: string; dvcYamlPath: string; message: string }[];
}

const GRAPH_STATUS: Record<StageStatusKind, GraphStatus> = {
  'up-to-date': 'up-to-date',
  frozen: 'up-to-date',
  changed: 'changed',
  'always-changed': 'changed',
  'never-run': 'never-run',
};

function within(inner: Range, outer: Range): boolean {
  const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** Why a stage is in error, if it is: data that could not be hashed, a problem in its definition, or a cycle. */
/**
 * Why a stage cannot be trusted, when it can't: a file that could not be hashed, a problem inside the
 * stage (a bad name, an undefined `${...}`), or a dependency cycle. The graph draws such a stage as
 * an error and the Pipeline tree says the same, so the two never disagree.
 */
export function stageError(ctx: DvcContext, stage: DvcStage, cyclic: ReadonlySet<string>): string | undefined {
  const hashErrors = ctx.status.details.get(stage.name)?.errors ?? [];
  if (hashErrors.length) return `could not hash ${hashErrors[0]!.path}: ${hashErrors[0]!.message}`;
  const problem = [...ctx.file.problems, ...ctx.file.undefinedReferences].find((p) => within(p.range, stage.range));
  if (problem) return problem.message;
  if (cyclic.has(stage.name)) return 'part of a dependency cycle';
  return undefined;
}

export function buildPipelineGraph(contexts: readonly DvcContext[]): PipelineGraph {
  const graph: PipelineGraph = { nodes: [], edges: [], unreadable: [] };
  const stages: { node: PipelineGraphNode; stage: DvcStage }[] = [];
  // Ids are the tree's (`<dvcfile>:<stage>`), unless two workspace folders both have a dvc.yaml at
  // the same relative path: then the absolute path keeps their stages apart.
  const pathsOf = new Map<string, Set<string>>();
  for (const ctx of contexts) pathsOf.set(ctx.dvcfile, (pathsOf.get(ctx.dvcfile) ?? new Set()).add(ctx.dvcYamlPath));
  const idPrefix = (ctx: DvcContext) => (pathsOf.get(ctx.dvcfile)!.size > 1 ? ctx.dvcYamlPath : ctx.dvcfile);
  for (const ctx of contexts) {
    if (!ctx.file.parsed && ctx.file.problems.length) {
      graph.unreadable.push({ dvcfile: ctx.dvcfile, dvcYamlPath: ctx.dvcYamlPath, message: ctx.file.problems[0]!.message });
      continue;
    }
    const statusByName = new Map(ctx.status.stages.map((s) => [s.name, s]));
    const cyclic = new Set(ctx.graph.cycles.flat());
    for (const stage of ctx.graph.order) {
      const st = statusByName.get(stage.name);
      const error = stageError(ctx, stage, cyclic);
      const detail = error ? 'error' : (st?.status ?? 'never-run');
      const node: PipelineGraphNode = {
        id: `${idPrefix(ctx)}:${stage.name}`,
        stage: stage.name,
        dvcfile: ctx.dvcfile,
        dvcYamlPath: ctx.dvcYamlPath,
        status: detail === 'error' ? 'error' : GRAPH_STATUS[detail],
        detail,
        description: error ?? (st ? describeStatus(st) : 'never run'),
        range: stage.nameRange,
      };
      graph.nodes.push(node);
      stages.push({ node, stage });
    }
  }
  for (const producer of stages) {
    for (const consumer of stages) {
      const paths = consumer.stage.deps.filter((d) => producer.stage.outs.some((o) => pathsOverlap(o.absPath, d.absPath))).map((d) => d.path);
      if (paths.length) graph.edges.push({ from: producer.node.id, to: consumer.node.id, paths });
    }
  }
  return graph;
}

/** Fill and stroke per status for pictures outside the editor (no theme there): GitHub's light palette. */
const PRINT_COLORS: Record<GraphStatus, { fill: string; stroke: string; text: string }> = {
  'up-to-date': { fill: '#dafbe1', stroke: '#1a7f37', text: '#116329' },
  changed: { fill: '#fff8c5', stroke: '#9a6700', text: '#7d4e00' },
  'never-run': { fill: '#f6f8fa', stroke: '#8c959f', text: '#57606a' },
  error: { fill: '#ffebe9', stroke: '#cf222e', text: '#a40e26' },
};

/** Stages per dvc.yaml file (by absolute path: two folders may both have a `dvc.yaml`), in graph order. */
function byDvcfile(nodes: PipelineGraphNode[]): Map<string, PipelineGraphNode[]> {
  const groups = new Map<string, PipelineGraphNode[]>();
  for (const n of nodes) groups.set(n.dvcYamlPath, [...(groups.get(n.dvcYamlPath) ?? []), n]);
  return groups;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Graphviz DOT: `dot -Tsvg` draws it. One cluster per dvc.yaml when there are several, the status
 * as the node's color and second label line.
 */
export function formatGraphDot(graph: PipelineGraph): string {
  const lines = ['digraph pipeline {', '  rankdir=TB;', '  node [shape=box, style="rounded,filled", fontname="Helvetica"];'];
  const nodeLine = (n: PipelineGraphNode, indent: string) => {
    const c = PRINT_COLORS[n.status];
    return `${indent}${dotString(n.id)} [label=${dotString(`${n.stage}\n${n.description}`)}, fillcolor="${c.fill}", color="${c.stroke}", fontcolor="${c.text}", class="${n.status}"];`;
  };
  const groups = byDvcfile(graph.nodes);
  if (groups.size > 1) {
    let i = 0;
    for (const nodes of groups.values()) {
      lines.push(`  subgraph cluster_${i++} {`, `    label=${dotString(nodes[0]!.dvcfile)};`);
      for (const n of nodes) lines.push(nodeLine(n, '    '));
      lines.push('  }');
    }
  } else for (const n of graph.nodes) lines.push(nodeLine(n, '  '));
  for (const e of graph.edges) lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)};`);
  for (const u of graph.unreadable) lines.push(`  // ${u.dvcfile} could not be read: ${u.message.replace(/\n/g, ' ')}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Mermaid's label quoting: `"` and the characters it would parse are entity codes; lines join with `<br/>`. */
function mermaidLabel(...lines: string[]): string {
  return `"${lines.map((l) => l.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`)).join('<br/>')}"`;
}

const MERMAID_CLASS: Record<GraphStatus, string> = { 'up-to-date': 'upToDate', changed: 'changed', 'never-run': 'neverRun', error: 'error' };

/**
 * A Mermaid flowchart, which GitHub renders in Markdown (```mermaid) and in job summaries. Nodes are
 * n0, n1… in the order of the graph; one subgraph per dvc.yaml when there are several.
 */
export function formatGraphMermaid(graph: PipelineGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart TD'];
  const nodeLine = (n: PipelineGraphNode, indent: string) => `${indent}${ids.get(n.id)}[${mermaidLabel(n.stage, n.description)}]:::${MERMAID_CLASS[n.status]}`;
  const groups = byDvcfile(graph.nodes);
  if (groups.size > 1) {
    let i = 0;
    for (const nodes of groups.values()) {
      lines.push(`  subgraph s${i++}[${mermaidLabel(nodes[0]!.dvcfile)}]`);
      for (const n of nodes) lines.push(nodeLine(n, '    '));
      lines.push('  end');
    }
  } else for (const n of graph.nodes) lines.push(nodeLine(n, '  '));
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`);
  const used = new Set(graph.nodes.map((n) => n.status));
  for (const status of Object.keys(MERMAID_CLASS) as GraphStatus[]) {
    if (!used.has(status)) continue;
    const c = PRINT_COLORS[status];
    lines.push(`  classDef ${MERMAID_CLASS[status]} fill:${c.fill},stroke:${c.stroke},color:${c.text}`);
  }
  for (const u of graph.unreadable) lines.push(`  %% ${u.dvcfile} could not be read: ${u.message.replace(/\n/g, ' ')}`);
  return lines.join('\n') + '\n';
}
