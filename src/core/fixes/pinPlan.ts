import type { TextEdit } from '../diagnostics';
import type { Engine } from '../engine';
import { basename } from '../fs/paths';
import { pinnedRequirementText, pinTextEdit, relockNote } from './pin';
import { normalizeName } from '../python/pep503';
import { pinSourceFor } from '../rules/dependencies/context';
import { isRuntime, parsedOf } from '../rules/dependencies/shared';

export interface PlannedPin {
  path: string;
  before: string;
  after: string;
  from: string;
  edit: TextEdit;
}

export interface PinPlan {
  pins: PlannedPin[];
  skipped: Array<{ path: string; requirement: string; reason: string }>;
  notes: string[];
}

/**
 * The edits of **Pin all dependencies** (or of one package), shared by the CLI and the server's
 * command so both pin the same requirements the same way: MLH101/MLH102 candidates, i.e. runtime
 * requirements with no specifier or only lower bounds.
 */
export async function collectPins(engine: Engine, opts: { packageName?: string; onlyFile?: string }): Promise<PinPlan> {
  const scan = await engine.scan();
  const plan: PinPlan = { pins: [], skipped: [], notes: [] };
  const wanted = opts.packageName ? normalizeName(opts.packageName) : undefined;
  for (const project of scan.projects) {
    const ctx = await engine.dependencyContext(project);
    const notes = new Set<string>();
    for (const req of ctx.allRequirements) {
      if (opts.onlyFile && req.path !== opts.onlyFile) continue;
      const r = parsedOf(req);
      if (!r || r.url || !isRuntime(req)) continue;
      if (wanted ? r.normalizedName !== wanted : r.specifiers.some((s) => !['>=', '>', '!='].includes(s.operator))) continue;
      const source = pinSourceFor(ctx, r.normalizedName);
      const li = ctx.lineIndexOf(req.path);
      if (!source || !li) {
        plan.skipped.push({ path: req.path, requirement: req.raw.trim(), reason: ctx.lock ? `not in ${basename(ctx.lock.path)} and not installed` : 'no lockfile and no installed version found' });
        continue;
      }
      const edit = pinTextEdit(req, source.version, li);
      if (!edit) continue;
      plan.pins.push({ path: req.path, before: req.raw.trim(), after: pinnedRequirementText(req, source.version)!.trim(), from: source.from, edit });
      const note = relockNote(source);
      if (note) notes.add(note);
    }
    plan.notes.push(...notes);
  }
  return plan;
}
