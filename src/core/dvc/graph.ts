import { isInside } from '../fs/paths';
import type { DvcStage } from './dvcYaml';

/**
 * The stage DAG as DVC builds it (dvc/repo/graph.py): stage B depends on stage A when one of B's deps
 * is, contains, or lies inside one of A's outs. Order is topological with file order breaking ties.
 */
export interface StageGraph {
  order: DvcStage[];
  /** upstream stage name → downstream stage names */
  downstream: Map<string, Set<string>>;
  upstream: Map<string, Set<string>>;
  /** Each cycle as stage names (strongly connected components with more than one stage, or a self-loop). */
  cycles: string[][];
}

export function pathsOverlap(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}

export function buildStageGraph(stages: DvcStage[]): StageGraph {
  const downstream = new Map<string, Set<string>>(stages.map((s) => [s.name, new Set<string>()]));
  const upstream = new Map<string, Set<string>>(stages.map((s) => [s.name, new Set<string>()]));
  for (const producer of stages)
    for (const consumer of stages)
      if (consumer.deps.some((d) => producer.outs.some((o) => pathsOverlap(o.absPath, d.absPath)))) {
        downstream.get(producer.name)!.add(consumer.name);
        upstream.get(consumer.name)!.add(producer.name);
      }

  const cycles = stronglyConnected(stages.map((s) => s.name), downstream).filter((c) => c.length > 1 || downstream.get(c[0]!)!.has(c[0]!));

  // Kahn's algorithm, always taking the earliest stage in file order that is ready.
  const indegree = new Map(stages.map((s) => [s.name, [...upstream.get(s.name)!].filter((u) => u !== s.name).length]));
  const order: DvcStage[] = [];
  const done = new Set<string>();
  for (;;) {
    const next = stages.find((s) => !done.has(s.name) && indegree.get(s.name) === 0);
    if (!next) break;
    done.add(next.name);
    order.push(next);
    for (const d of downstream.get(next.name)!) if (d !== next.name) indegree.set(d, indegree.get(d)! - 1);
  }
  for (const s of stages) if (!done.has(s.name)) order.push(s); // stages in or after a cycle
  return { order, downstream, upstream, cycles };
}

/** Tarjan's algorithm, iterative so a long chain of stages cannot overflow the stack. */
function stronglyConnected(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const root of nodes) {
    if (idx.has(root)) continue;
    const work: { node: string; it: Iterator<string> }[] = [];
    const visit = (n: string) => {
      idx.set(n, index);
      low.set(n, index++);
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, it: edges.get(n)![Symbol.iterator]() });
    };
    visit(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const w = step.value;
        if (!idx.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === idx.get(top.node)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.node);
        out.push(comp.reverse());
      }
    }
  }
  return out;
}
