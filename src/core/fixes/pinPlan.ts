import type { TextEdit } from '../diagnostics';
import type { Engine } from '../engine';
import { basename } from '../fs/paths';
import { commentAlignmentEdit, pinnedRequirementText, pinTextEdit, relockNote } from './pin';
import { describeLookup, type LookedAt } from '../environment/installedDistributions';
import { normalizeName } from '../python/pep503';
import { pinSourceFor } from '../rules/dependencies/context';
import { isRuntime, parsedOf } from '../rules/dependencies/shared';

export interface PlannedPin {
  path: string;
  before: string;
  after: string;
  from: string;
  edit: TextEdit;
  /** Whitespace before an aligned trailing comment, so it keeps its column (see commentAlignmentEdit). */
  alignment?: TextEdit;
}

/** Every text edit of a plan's pins, for one WorkspaceEdit. */
export function pinEdits(pins: PlannedPin[]): TextEdit[] {
  return pins.flatMap((p) => (p.alignment ? [p.edit, p.alignment] : [p.edit]));
}

export interface PinPlan {
  pins: PlannedPin[];
  skipped: Array<{ path: string; requirement: string; reason: string }>;
  notes: string[];
  /** Where installed versions were looked for, per project that had requirements left unpinned for want of one. */
  lookups: Array<{ projectRoot: string; looked: LookedAt[] }>;
}

/**
 * The edits of **Pin all dependencies** (or of one package), shared by the CLI and the server's
 * command so both pin the same requirements the same way: MLH101/MLH102 candidates, i.e. runtime
 * requirements with no specifier or only lower bounds.
 */
export async function collectPins(engine: Engine, opts: { packageName?: string; onlyFile?: string }): Promise<PinPlan> {
  const scan = await engine.scan();
  const plan: PinPlan = { pins: [], skipped: [], notes: [], lookups: [] };
  const wanted = opts.packageName ? normalizeName(opts.packageName) : undefined;
  for (const project of scan.projects) {
    const ctx = await engine.dependencyContext(project);
    const notes = new Set<string>();
    let notInstalled = false;
    // The first occurrence of a name (per file, group and marker, as MLH106 sees it) is the one pinned.
    const firstOf = new Map<string, { line: number }>();
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r) continue;
      const key = `${req.path}\u0000${req.group}\u0000${r.normalizedName}\u0000${(r.marker ?? '').replace(/\s+/g, '')}`;
      const first = firstOf.get(key);
      if (!first) firstOf.set(key, { line: (ctx.lineIndexOf(req.path)?.positionAt(req.start).line ?? 0) + 1 });
      if (opts.onlyFile && req.path !== opts.onlyFile) continue;
      if (r.url || !isRuntime(req)) continue;
      if (wanted ? r.normalizedName !== wanted : r.specifiers.some((s) => !['>=', '>', '!='].includes(s.operator))) continue;
      if (first) {
        plan.skipped.push({ path: req.path, requirement: req.raw.trim(), reason: `duplicate of line ${first.line} (MLH106): remove it rather than pin it twice` });
        continue;
      }
      const source = pinSourceFor(ctx, r.normalizedName);
      const li = ctx.lineIndexOf(req.path);
      if (!source || !li) {
        notInstalled = true;
        plan.skipped.push({ path: req.path, requirement: req.raw.trim(), reason: ctx.lock ? `not in ${basename(ctx.lock.path)} and not installed` : 'no lockfile and no installed version found' });
        continue;
      }
      const edit = pinTextEdit(req, source.version, li);
      if (!edit) continue;
      const alignment = commentAlignmentEdit(req, edit, li);
      plan.pins.push({ path: req.path, before: req.raw.trim(), after: pinnedRequirementText(req, source.version)!.trim(), from: source.from, edit, ...(alignment ? { alignment } : {}) });
      const note = relockNote(source);
      if (note) notes.add(note);
    }
    plan.notes.push(...notes);
    if (notInstalled) {
      const { looked, environment } = await engine.environmentLookup(project);
      const used = looked.find((l) => l.outcome === 'used');
      if (!looked.length) plan.notes.push('Installed versions were not looked for: the workspace is not trusted.');
      else if (environment && used) plan.notes.push(`Installed versions come from ${used.sitePackages?.[0] ?? used.path} (${used.source}); the packages left unpinned are not installed there.`);
      else plan.notes.push(`No installed versions found. Looked in: ${describeLookup(looked)}.`);
      plan.lookups.push({ projectRoot: project.root, looked });
    }
  }
  return plan;
}
