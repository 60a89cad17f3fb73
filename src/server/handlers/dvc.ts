import { basename, dirname, joinPath } from '../../core/fs/paths';
import { buildPipelineTree, type PipelineTreeItem } from '../../core/dvc/tree';
import { buildPipelineGraph } from '../../core/dvc/pipelineGraph';
import type { DvcContext } from '../../core/dvc/context';
import type { HashProgress } from '../../core/dvc/hashing';
import { hashingProgress, WorkCancelledError, type ProgressCallback } from '../../core/progress';
import { withWorkDoneProgress } from '../progress';
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

export async function refreshDvcDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const dvcYaml = dvcYamlFor(path);
  const engine = await state.engineFor(dvcYaml);
  const lockPath = joinPath(dirname(dvcYaml), 'dvc.lock');
  const openUris = new Map(state.documents.all().map((d) => [uriToPath(d.uri), d] as const));
  if (!engine.editorSettings.enable || !(await state.fs.stat(dvcYaml))) {
    for (const p of [dvcYaml, lockPath]) if (openUris.has(p)) publish(state, openUris.get(p)!.uri, []);
    return;
  }
  let findings;
  try {
    // Hashing 1 GiB takes seconds: a cancellable window progress once it has run a while.
    ({ findings } = await withWorkDoneProgress(state.connection, 'ML Hygiene: DVC status', (onProgress, signal) =>
      engine.checkDvc(dvcYaml, signal, hashProgressTo(engine.options.workspaceRoot, onProgress)),
    ));
  } catch (e) {
    // Cancelled by the user: the diagnostics of the last complete check stay.
    if (e instanceof WorkCancelledError) return;
    throw e;
  }
  state.scheduleHashCacheSave();
  for (const p of [dvcYaml, lockPath]) {
    const doc = openUris.get(p);
    if (!doc) continue;
    const mine = findings.filter((f) => f.path === p);
    state.findingsByUri.set(doc.uri, mine);
    publish(state, doc.uri, mine.map(toDiagnostic), doc.version);
  }
}

function hashProgressTo(workspaceRoot: string, onProgress: ProgressCallback): (p: HashProgress) => void {
  return (p) => onProgress(hashingProgress(workspaceRoot, p));
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
    await withWorkDoneProgress(state.connection, 'ML Hygiene: DVC status', async (onProgress, signal) => {
      const onHashProgress = hashProgressTo(folder, onProgress);
      for (const dvcYaml of await engine.dvcFiles()) {
        if (signal.aborted) {
          roots.push(cancelledNode(dvcYaml));
          continue;
        }
        try {
          const { ctx } = await engine.checkDvc(dvcYaml, signal, onHashProgress);
          roots.push(toNode(buildPipelineTree(ctx), dvcYaml));
          contexts.push(ctx);
        } catch (e) {
          if (e instanceof WorkCancelledError) roots.push(cancelledNode(dvcYaml));
          else roots.push({ id: `problem:${dvcYaml}`, kind: 'problem', label: basename(dirname(dvcYaml)) + '/dvc.yaml', description: `could not be read: ${(e as Error)?.message ?? e}`, path: dvcYaml, dvcYaml });
        }
      }
    });
    state.scheduleHashCacheSave();
  }
  // The graph is drawn from the same contexts as the tree: one request feeds both views.
  const graph = buildPipelineGraph(contexts);
  // dvc.yaml files the tree could not show (unreadable, or cancelled) are named above the graph too.
  for (const r of roots) if (r.kind === 'problem' && r.path) graph.unreadable.push({ dvcfile: r.label, dvcYamlPath: r.path, message: r.description ?? '' });
  return { roots, graph };
}

/** A dvc.yaml whose status the user cancelled: said so in the tree, computed again on the next refresh. */
function cancelledNode(dvcYaml: string): PipelineTreeNode {
  return { id: `cancelled:${dvcYaml}`, kind: 'problem', label: basename(dirname(dvcYaml)) + '/dvc.yaml', description: 'status not computed: cancelled (refresh to compute it)', path: dvcYaml, dvcYaml };
}
