import { isSuppressed, parseSuppressions, type SuppressionDirective } from '../../suppressions';
import { cellFacts } from './cellFacts';
import type { NotebookContext } from './context';

/**
 * `# ml-hygiene: ignore[MLH203]` inside a notebook cell silences that code on its line of that cell;
 * `# ml-hygiene: ignore-file[MLH209]` in any cell silences it for the whole notebook. The engine leaves
 * findings with a `cell` to this function (it cannot map cell ranges to file lines itself).
 */
export function filterCellSuppressions<F extends { code: string; cell?: number; path: string; range: { start: { line: number } } }>(ctx: NotebookContext, findings: F[]): F[] {
  const perCell = new Map<number, SuppressionDirective[]>();
  const fileWide: SuppressionDirective[] = [];
  for (const cell of ctx.cells) {
    const directives = directivesOf(cell);
    if (!directives) continue;
    perCell.set(cell.codeIndex, directives);
    fileWide.push(...directives.filter((d) => d.kind === 'ignore-file'));
  }
  if (!perCell.size) return findings;
  return findings.filter((f) => {
    if (f.path !== ctx.path) return true;
    if (isSuppressed(fileWide, f.code, -1)) return false;
    if (f.cell === undefined) return true;
    return !isSuppressed(perCell.get(f.cell) ?? [], f.code, f.range.start.line);
  });
}

/** A cell's directives, once per cell text (see cellFacts.ts); null for the many cells with none. */
const directivesOf = cellFacts('suppressions', (cell): SuppressionDirective[] | null => (cell.cell.source.includes('ml-hygiene') ? parseSuppressions(cell.cell.source) : null));
