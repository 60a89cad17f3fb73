import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { pyprojectKeyRange } from './shared';

/** `3.11.7` → `>=3.11`: the minor series the project runs on is the floor it supports. */
export function requiresPythonFromVersion(version: string): string | undefined {
  const m = /^(?:cpython-|python)?(\d+)\.(\d+)/i.exec(version.trim());
  return m ? `>=${m[1]}.${m[2]}` : undefined;
}

export const missingRequiresPython: RuleDefinition<DependencyContext> = {
  code: 'MLH108',
  name: 'missing-requires-python',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A `[project]` table without `requires-python`.',
    why: 'Resolvers then assume every Python version, lock for versions you never run, and installers happily put the project on a Python it was never tested with.',
    example: '[project]\nname = "churn"\nversion = "0.1.0"   # no requires-python',
    exampleLanguage: 'toml',
    fix: '**Add requires-python** inserts `requires-python = ">=X.Y"` taken from `.python-version`.',
  },
  check(ctx, report) {
    const py = ctx.pyproject;
    const project = py?.toml.get(['project']);
    if (!py || !project || typeof project !== 'object' || 'requires-python' in (project as object)) return;
    const li = ctx.lineIndexOf(py.path);
    const header = py.toml.tableHeader(['project']);
    const spec = ctx.pythonVersion ? requiresPythonFromVersion(ctx.pythonVersion.version) : undefined;
    const fixes = [];
    if (li && header && spec) {
      // Insert after `version` (or `name`), where readers expect it; else right under the header.
      const anchor = py.toml.find(['project', 'version']) ?? py.toml.find(['project', 'name']);
      const line = anchor ? li.positionAt(anchor.value.range[1]).line : li.positionAt(header.key.range[1]).line;
      const at = li.lineEnd(line);
      const nl = py.toml.text.includes('\r\n') ? '\r\n' : '\n';
      fixes.push({
        title: `Add requires-python = "${spec}" (from .python-version)`,
        edit: { operations: [{ kind: 'edit' as const, path: py.path, edits: [{ range: li.rangeOf(at, at), newText: `${nl}requires-python = "${spec}"` }] }] },
        isPreferred: true,
      });
    }
    report({ path: py.path, range: pyprojectKeyRange(ctx, ['project']), message: '`[project]` has no `requires-python`: resolvers and installers assume any Python version.', fixes });
  },
};
