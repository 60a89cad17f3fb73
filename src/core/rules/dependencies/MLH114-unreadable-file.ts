import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';

export const unreadableFile: RuleDefinition<DependencyContext> = {
  code: 'MLH114',
  name: 'unreadable-file',
  pillar: 'dependencies',
  defaultSeverity: 'error',
  docs: {
    detects: 'A manifest or lockfile that cannot be checked: a binary file named `pyproject.toml`, a requirements file over the size limit, or a lockfile that does not parse.',
    why: 'Every other dependency check silently depends on reading these files; saying so beats reporting nothing, and a lockfile that does not parse breaks `uv sync` or `poetry install` too.',
    example: '# uv.lock with a merge conflict left in it\n<<<<<<< HEAD\nversion = 1',
    exampleLanguage: 'toml',
    fix: 'Restore the file from version control, or regenerate the lockfile with its lock command.',
  },
  check(ctx, report) {
    for (const u of ctx.unreadable) {
      const line = u.line !== undefined ? Math.max(0, u.line - 1) : 0;
      const character = u.column !== undefined ? Math.max(0, u.column - 1) : 0;
      report({ path: u.path, range: { start: { line, character }, end: { line, character: character + 1 } }, message: u.message });
    }
  },
};
