import type { RuleDefinition } from '../rule';
import { clearOutputsFix } from './clearOutputsFix';
import { firstLineRange, pythonCells, type NotebookContext } from './context';

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

export const largeOutput: RuleDefinition<NotebookContext> = {
  code: 'MLH208',
  name: 'large-output',
  pillar: 'notebooks',
  defaultSeverity: 'information',
  docs: {
    detects: 'A code cell whose saved outputs together exceed the threshold (`large-output-kb` in `[tool.ml-hygiene]`, default 500 KB): usually embedded images, long logs or a printed data frame.',
    why: 'Big outputs bloat the repository forever (git keeps every version), make diffs unreadable, slow editors down, and may contain data that should not be committed.',
    example: '# [3]\nplt.imshow(big_image)   # MLH208: 4.2 MB of base64 PNG saved in the notebook',
    exampleLanguage: 'python',
    fix: '**Clear outputs of this cell**, save plots to files tracked by DVC, and consider `nbstripout` as a git filter.',
  },
  check(ctx, report) {
    const limit = ctx.config.largeOutputKb * 1024;
    for (const cell of pythonCells(ctx)) {
      const total = (cell.cell.outputs ?? []).reduce((sum, o) => sum + o.byteSize, 0);
      if (total <= limit) continue;
      report({
        path: ctx.path,
        cell: cell.codeIndex,
        range: firstLineRange(cell),
        message: `The saved outputs of this cell take ${formatSize(total)} (over ${formatSize(limit)}).`,
        fixes: [clearOutputsFix(ctx.path, cell.codeIndex)],
      });
    }
  },
};
