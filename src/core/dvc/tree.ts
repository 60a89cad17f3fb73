import type { Range } from '../text/lineIndex';
import type { DvcContext } from './context';
import { describeStatus, type EntryState, type StageStatusKind } from './status';
import { displayValue } from './pyValue';
import { stageError } from './pipelineGraph';

/**
 * The Pipeline view's data, serializable so the server can send it as is: dvc.yaml → stages in DAG
 * order → deps, outs (metrics and plots marked) and params with their own state.
 */
export type PipelineItemKind = 'dvcfile' | 'stage' | 'dep' | 'out' | 'metric' | 'plot' | 'param' | 'problem';
export type ItemState = EntryState | 'unchanged';

export interface PipelineTreeItem {
  id: string;
  kind: PipelineItemKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** Absolute path the item opens (the dep/out file, the params file, or dvc.yaml). */
  path?: string;
  /** Where the item is defined in dvc.yaml. */
  range?: Range;
  state?: ItemState;
  /** The stage's status, or `error` when it cannot be trusted (the description says why). */
  status?: StageStatusKind | 'error';
  value?: string;
  children?: PipelineTreeItem[];
}

export function buildPipelineTree(ctx: DvcContext): PipelineTreeItem {
  const file = ctx.file;
  const root: PipelineTreeItem = { id: ctx.dvcfile, kind: 'dvcfile', label: ctx.dvcfile, path: ctx.dvcYamlPath, children: [] };
  const problems = file.problems.length;
  if (problems) root.description = `${problems} problem${problems > 1 ? 's' : ''}`;
  if (!file.parsed && problems) {
    root.children!.push({ id: `${ctx.dvcfile}#problem`, kind: 'problem', label: file.problems[0]!.message, path: ctx.dvcYamlPath, range: file.problems[0]!.range });
    return root;
  }
  const statusByName = new Map(ctx.status.stages.map((s) => [s.name, s]));
  const cyclic = new Set(ctx.graph.cycles.flat());
  for (const stage of ctx.graph.order) {
    const st = statusByName.get(stage.name);
    const detail = ctx.status.details.get(stage.name);
    const id = `${ctx.dvcfile}:${stage.name}`;
    const children: PipelineTreeItem[] = [];
    for (const dep of stage.deps) {
      const state = st?.changes.deps[dep.path] ?? (stage.frozen && st?.status !== 'never-run' ? undefined : 'unchanged');
      children.push({ id: `${id}:dep:${dep.path}`, kind: 'dep', label: dep.path, path: dep.absPath, range: dep.range, ...(state ? { state, description: state } : {}) });
    }
    for (const out of stage.outs) {
      const state = st?.changes.outs[out.path] ?? 'unchanged';
      const kind = out.kind === 'metrics' ? 'metric' : out.kind === 'plots' ? 'plot' : 'out';
      children.push({ id: `${id}:${kind}:${out.path}`, kind, label: out.path, path: out.absPath, range: out.range, state, description: kind === 'out' ? state : `${kind} · ${state}` });
    }
    for (const p of stage.params) {
      const key = p.key ?? '*';
      const state = st?.changes.params[p.file]?.[key] ?? 'unchanged';
      const value = p.key !== null ? detail?.paramValues[p.file]?.[p.key] : undefined;
      const shown = value === undefined ? undefined : displayValue(value);
      children.push({
        id: `${id}:param:${p.file}:${key}`,
        kind: 'param',
        label: p.file === 'params.yaml' ? key : `${p.file}:${key}`,
        path: p.absFile,
        range: p.range,
        state,
        ...(shown !== undefined ? { value: shown } : {}),
        description: shown !== undefined ? (state === 'unchanged' ? shown : `${shown} · ${state}`) : state,
      });
    }
    // The same verdict as the graph's node: a stage in error says why, rather than "never run".
    const error = stageError(ctx, stage, cyclic);
    const desc = error ?? (st ? describeStatus(st) : undefined);
    const tooltip = [stage.desc, error].filter(Boolean).join('\n\n');
    root.children!.push({
      id,
      kind: 'stage',
      label: stage.name,
      ...(desc ? { description: desc } : {}),
      ...(tooltip ? { tooltip } : {}),
      ...(error ? { status: 'error' as const } : st ? { status: st.status } : {}),
      path: ctx.dvcYamlPath,
      range: stage.nameRange,
      children,
    });
  }
  return root;
}
