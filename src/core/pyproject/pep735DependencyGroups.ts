import { normalizeName } from '../python/pep503';

/**
 * PEP 735 `[dependency-groups]` beyond value types: group names that cannot be normalised, two
 * names that normalise alike, `include-group` entries that name no group, and include cycles.
 * Works on names and entry indexes only; the caller maps them to ranges.
 */

export const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

export interface GroupInclude {
  /** The group whose list holds the entry (as written). */
  group: string;
  /** Index of the `{ include-group = ... }` entry in that list. */
  index: number;
  /** The included name, as written. */
  target: string;
}

export type GroupProblem =
  | { kind: 'invalid-name'; group: string; message: string }
  | { kind: 'duplicate-name'; group: string; message: string }
  | { kind: 'include'; include: GroupInclude; message: string };

export function checkDependencyGroups(groups: Record<string, unknown>): GroupProblem[] {
  const problems: GroupProblem[] = [];
  const byNormalized = new Map<string, string>();
  for (const group of Object.keys(groups)) {
    if (!VALID_NAME.test(group)) {
      problems.push({ kind: 'invalid-name', group, message: `\`${group}\` is not a valid dependency group name: use letters, digits, \`.\`, \`_\` and \`-\`, starting and ending with a letter or digit (PEP 735).` });
      continue;
    }
    const norm = normalizeName(group);
    const first = byNormalized.get(norm);
    if (first !== undefined) problems.push({ kind: 'duplicate-name', group, message: `Dependency group \`${group}\` is the same group as \`${first}\` (both normalise to \`${norm}\`): merge them into one.` });
    else byNormalized.set(norm, group);
  }

  const includes = new Map<string, GroupInclude[]>();
  for (const [group, list] of Object.entries(groups)) {
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
      const target = (item as Record<string, unknown>)['include-group'];
      if (typeof target !== 'string') return;
      const include = { group, index, target };
      const from = normalizeName(group);
      if (!byNormalized.has(normalizeName(target))) {
        problems.push({ kind: 'include', include, message: `Included group \`${target}\` does not exist: add \`[dependency-groups].${target}\` or fix the name.` });
        return;
      }
      const list2 = includes.get(from) ?? [];
      list2.push(include);
      includes.set(from, list2);
    });
  }

  // Each cycle is reported once, on the include that closes it when walking from its first group in file order.
  const reported = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  const path: GroupInclude[] = [];
  const visit = (node: string) => {
    state.set(node, 'active');
    for (const inc of includes.get(node) ?? []) {
      const next = normalizeName(inc.target);
      path.push(inc);
      if (state.get(next) === 'active') {
        const start = path.findIndex((p) => normalizeName(p.group) === next);
        const cycle = path.slice(start);
        const key = cycle.map((c) => normalizeName(c.group)).sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          const names = [...cycle.map((c) => `\`${c.group}\``), `\`${inc.target}\``].join(' → ');
          problems.push({ kind: 'include', include: inc, message: `Dependency groups include each other in a cycle: ${names}. Remove one of these \`include-group\` entries.` });
        }
      } else if (!state.has(next)) visit(next);
      path.pop();
    }
    state.set(node, 'done');
  };
  for (const group of Object.keys(groups)) {
    const norm = normalizeName(group);
    if (!state.has(norm)) visit(norm);
  }
  return problems;
}
