import { collectPins, pinEdits } from '../../core/fixes/pinPlan';
import { toLspWorkspaceEdit, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import type { PinAllParams, PinAllResult } from '../../protocol/protocol';

/** "Pin all dependencies": every pin of one manifest as a single workspace edit (one undo step). */
export async function pinAll(state: WorkspaceState, params: PinAllParams): Promise<PinAllResult> {
  const path = uriToPath(params.uri);
  if (!path) return { edit: null, pinned: [], skipped: [], notes: [] };
  const engine = await state.engineFor(path);
  const plan = await collectPins(engine, { onlyFile: path, ...(params.packageName ? { packageName: params.packageName } : {}) });
  const versionOf = (uri: string) => state.documents.get(uri)?.version ?? null;
  const edit = plan.pins.length
    ? toLspWorkspaceEdit({ operations: [{ kind: 'edit', path, edits: pinEdits(plan.pins) }] }, versionOf)
    : null;
  const project = await engine.projectFor(path);
  const ctx = project ? await engine.dependencyContext(project) : undefined;
  const lock = ctx?.lock?.result.ok ? ctx.lock.result.lock : undefined;
  return {
    edit,
    pinned: plan.pins.map((p) => `${p.before} → ${p.after}`),
    skipped: plan.skipped.map((s) => `${s.requirement}: ${s.reason}`),
    notes: plan.notes,
    ...(plan.notes.length && lock && project ? { relock: { command: lock.lockCommand, cwd: project.root } } : {}),
  };
}
