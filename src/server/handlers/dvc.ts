import { basename, dirname, joinPath } from '../../core/fs/paths';
import { buildPipelineTree, type PipelineTreeItem } from '../../core/dvc/tree';
import { buildPipelineGraph } from '../../core/dvc/pipelineGraph';
import type { DvcContext } from '../../core/dvc/context';
import type { HashProgress } from '../../core/dvc/hashing';
import type { PipelineTreeNode, PipelineTreeResult } from '../../protocol/protocol';
import { toDiagnostic, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { publish } from './diagnostics';

/** Files whose content feeds dvc.yaml diagnostics. */
export function isDvcFile(path: string): boolean {
  const name = basename(path);
  return name === 'dvc.yaml' || name === 'dvc.lock' || name === 'params.yaml';
}

function dvcYamlFor(path: string): string {
  return basename(path) === 'dvc.yaml' ? path : joinPath(dirname(path), 'dvc.yaml');
}

/**
 * Hashing 1 GiB takes seconds: the first check shows window progress once it has run a while,
 * so short checks do not flash a progress bar.
 */
function progressReporter(state: WorkspaceState): { onProgress: (p: HashProgress) => void; done: () => void } {
  const started = Date.now();
  let progress: Awaited<ReturnType<typeof state.connection.window.createWorkDoneProgress>> | undefined;
  let creating = false;
  let last = '';
  return {
    onProgress: (p) => {
      last = `hashing ${basename(p.path)}`;
      if (!progress && !creating && Date.now() - started > 400) {
        creating = true;
        void state.connection.window
          .createWorkDoneProgress()
          .then((pr) => {
            progress = pr;
            pr.begin('ML Hygiene: DVC status', undefined, last);
          })
          .catch(() => undefined);
      } else progress?.report(last);
    },
    done: () => progress?.done(),
  };
}

export async function refreshDvcDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const dvcYaml = dvcYamlFor(path);
  const engine = await state.engineFor(dvcYaml);
  const lockPath = joinPath(dirname(dvcYaml), 'dvc.lock');
  const openUris = new Map(state.documents.all().map((d) => [uriToPath(d.uri), d] as const));
  if (!engine.editorSettings.enable || !(await state.fs.stat(dvcYaml))) {
    for (const p of [dvcYaml, lockPath]) if (openUris.has(p)) publish(state, openUris.get(p)!.uri, []);
    return;
  }
  const reporter = progressReporter(state);
  try {
    const { findings } = await engine.checkDvc(dvcYaml, undefined, reporter.onProgress);
    state.scheduleHashCacheSave();
    for (const p of [dvcYaml, lockPath]) {
      const doc = openUris.get(p);
      if (!doc) continue;
      const mine = findings.filter((f) => f.path === p);
      state.findingsByUri.set(doc.uri, mine);
      publish(state, doc.uri, mine.map(toDiagnostic), doc.version);
    }
  } finally {
    reporter.done();
  }
}

function toNode(item: PipelineTreeItem, dvcYaml: string): PipelineTreeNode {
  return {
    id: item.id,
    kind: item.kind,
    label: item.label,
    ...(item.description !== undefined ? { description: item.description } : {}),
    ...(item.tooltip !== undefined ? { tooltip: item.tooltip } : {}),
    ...(item.path !== undefined ? { path: item.path } : {}),
    dvcYaml,
    ...(item.range ? { range: item.range } : {}),
    ...(item.state ? { state: item.state } : {}),
    ...(item.status ? { status: item.status } : {}),
    ...(item.value !== undefined ? { value: item.value } : {}),
    ...(item.children ? { children: item.children.map((c) => toNode(c, dvcYaml)) } : {}),
  };
}

/** The sidebar's data: one root per dvc.yaml of every workspace folder. A broken file is one "problem" node. */
export async function pipelineTree(state: WorkspaceState): Promise<PipelineTreeResult> {
  const roots: PipelineTreeNode[] = [];
  const contexts: DvcContext[] = [];
  for (const folder of state.folders) {
    const engine = await state.engineFor(joinPath(folder, '.'));
    const reporter = progressReporter(state);
    try {
      for (const dvcYaml of await engine.dvcFiles()) {
        try {
          const { ctx } = await engine.checkDvc(dvcYaml, undefined, reporter.onProgress);
          roots.push(toNode(buildPipelineTree(ctx), dvcYaml));
          contexts.push(ctx);
        } catch (e) {
          roots.push({ id: `problem:${dvcYaml}`, kind: 'problem', label: basename(dirname(dvcYaml)) + '/dvc.yaml', description: `could not be read: ${(e as Error)?.message ?? e}`, path: dvcYaml, dvcYaml });
        }
      }
    } finally {
      reporter.done();
    }
    state.scheduleHashCacheSave();
  }
  // The graph is drawn from the same contexts as the tree: one request feeds both views.
  return { roots, graph: buildPipelineGraph(contexts) };
}

