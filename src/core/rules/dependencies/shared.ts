import type { Range } from '../../text/lineIndex';
import { ZERO_RANGE } from '../../text/lineIndex';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { ParsedRequirement } from '../../python/pep508';
import type { DependencyContext } from './context';

export function parsedOf(req: DeclaredRequirement): ParsedRequirement | undefined {
  return req.parsed.ok ? req.parsed.requirement : undefined;
}

/** Range of the whole requirement text (inside the quotes in TOML). */
export function requirementRange(ctx: DependencyContext, req: DeclaredRequirement): Range {
  return ctx.lineIndexOf(req.path)?.rangeOf(req.start, req.end) ?? ZERO_RANGE;
}

/** Range of a span inside the requirement string. */
export function spanRange(ctx: DependencyContext, req: DeclaredRequirement, span: { start: number; end: number }): Range {
  return ctx.lineIndexOf(req.path)?.rangeOf(req.toFileOffset(span.start), req.toFileOffset(span.end)) ?? ZERO_RANGE;
}

/** Range of a pyproject key (e.g. the `[project]` header or `dependencies =`); falls back to the file start. */
export function pyprojectKeyRange(ctx: DependencyContext, path: string[]): Range {
  const py = ctx.pyproject;
  if (!py) return ZERO_RANGE;
  const entry = py.toml.find(path);
  const li = ctx.lineIndexOf(py.path);
  if (!entry || !li) return ZERO_RANGE;
  if (entry.value.type === 'TOMLTable') return li.rangeOf(entry.value.range[0], entry.value.key.range[1] + 1);
  return li.rangeOf(entry.keyRange[0], entry.keyRange[1]);
}

/** Runtime requirements in the sense of MLH101/102: what an installed application runs with. */
export function isRuntime(req: DeclaredRequirement): boolean {
  return req.groupKind === 'runtime' || req.groupKind === 'optional';
}
