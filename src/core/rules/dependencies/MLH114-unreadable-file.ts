import { LineIndex, ZERO_RANGE } from '../../text/lineIndex';
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
      // Binary and oversized files have no text to point into: the start of the file. A lockfile
      // that does not parse gets the parser's position, kept inside the document.
      const lines = u.text !== undefined ? new LineIndex(u.text) : undefined;
      let range = ZERO_RANGE;
      if (lines && u.line !== undefined) {
        const line = Math.min(Math.max(0, u.line - 1), lines.lineCount - 1);
        const length = lines.lineText(line).length;
        const character = Math.min(Math.max(0, (u.column ?? 1) - 1), length);
        range = { start: { line, character }, end: { line, character: Math.min(character + 1, length) } };
      }
      report({ path: u.path, range, message: u.message });
    }
  },
};
