/**
 * What stays at the top of a cell when the code below it moves to a module: IPython magics and shell
 * escapes (`%matplotlib inline`, `!pip install x`, `%load_ext autoreload`, a leading `%%capture`) and
 * `del` of notebook variables. None of them can run inside a function of a module, and all of them ran
 * before the rest of the cell; kept in the cell ahead of the call they still run first, at the same
 * moment. Real notebooks need this: on the shared corpus of 57 notebooks, a magic at the top was the
 * most common reason a cell could not move (26 cells).
 *
 * Planning then sees the cell with those rows blanked, so it has the same number of lines and every
 * "line N" in a refusal is still the user's line N; the rows go back on top of the cell's new text.
 * A kept row must not feed the moved code: a name a magic binds (`files = !ls`, `%time y = f()`) or a
 * `del` unbinds would be read by the function before the notebook gives it a value, so such a cell is
 * refused with the line that binds it.
 * Pure: no file access.
 */
import { analyzeCell } from '../analysis/cellAnalysis';
import { maskMagics } from '../analysis/magics';
import { withCellSyntax } from './pySyntax';

export interface KeptAtTop {
  /** The kept rows as written (magics, `del` statements and the comments among them). */
  text: string;
  /** The cell with those rows emptied: what the planner sees. Same number of lines. */
  blanked: string;
  /** What the kept rows are, for messages: "IPython magics", "`del` statements" or both. */
  what: string;
}

export type KeptAtTopResult = KeptAtTop | { refusal: string } | undefined;

/** Cell magics whose body is ordinary Python run in the notebook namespace, so the call can take its place. */
const CELL_MAGICS_AROUND_PYTHON = new Set(['time', 'capture', 'prun']);

/** `source` uses `\n` line ends. Undefined when nothing at the top of the cell has to stay. */
export function keptAtTop(source: string): KeptAtTopResult {
  const masked = maskMagics(source);
  // `%%bash`, `%%writefile`...: the body is not Python; `%%timeit`: its bindings vanish. The planner refuses those.
  if (masked.opaque || masked.discardWrites) return undefined;
  const rowStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) rowStarts.push(i + 1);
  const rowOf = (offset: number): number => {
    let lo = 0;
    let hi = rowStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (rowStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lines = source.split('\n');

  // Rows owned by a magic, and by a `del` of plain names standing alone on its rows.
  const keptRows = new Map<number, number>(); // first row → last row of a kept item
  for (const m of masked.magics) {
    if (m.kind === 'cell' && !CELL_MAGICS_AROUND_PYTHON.has(m.text.replace(/^%%/, '').split(/\s/)[0]!)) return undefined;
    keptRows.set(rowOf(m.start), Math.max(keptRows.get(rowOf(m.start)) ?? -1, rowOf(Math.max(m.start, m.end - 1))));
  }
  const statements = withCellSyntax(masked.masked, (syntax) => (syntax.hasError ? undefined : syntax.statements));
  if (!statements) return undefined;
  for (const s of statements) {
    if (s.node.type !== 'Delete' || !s.node.targets.every((t) => t.type === 'Name')) continue;
    const before = masked.masked.slice(rowStarts[s.line]!, s.start).trim();
    const lineEnd = masked.masked.indexOf('\n', s.end);
    const after = masked.masked.slice(s.end, lineEnd < 0 ? undefined : lineEnd).trim();
    if (!before && (!after || after.startsWith('#'))) keptRows.set(s.line, Math.max(keptRows.get(s.line) ?? -1, s.endLine));
  }

  // The kept block: from the first row, kept items and the blank or comment rows between them.
  let last = -1;
  for (let row = 0; row < lines.length; ) {
    const keptTo = keptRows.get(row);
    if (keptTo !== undefined) {
      last = keptTo;
      row = keptTo + 1;
    } else if (!lines[row]!.trim() || lines[row]!.trim().startsWith('#')) row++;
    else break;
  }
  if (last < 0) return undefined;
  // A statement that starts in the block and ends below it (a magic's argument spanning rows) cannot be split.
  if (statements.some((s) => s.line <= last && s.endLine > last)) return undefined;

  const text = lines.slice(0, last + 1).join('\n');
  const blanked = '\n'.repeat(last + 1) + lines.slice(last + 1).join('\n');
  const kept = analyzeCell(text);
  const rest = analyzeCell(blanked);
  if (!hasStatements(blanked)) {
    const only = [masked.magics.length ? 'runs IPython magics' : '', kept.deletes.length ? 'deletes notebook variables' : ''].filter(Boolean).join(' and ');
    return { refusal: `The cell only ${only}, which stay in the notebook; there is no Python code to move into a function.` };
  }
  const what = [masked.magics.length ? 'IPython magics' : '', kept.deletes.length ? '`del` statements' : ''].filter(Boolean).join(' and ');
  const fed = new Map<string, string>();
  for (const w of kept.writes) fed.set(w.name, 'binds');
  for (const d of kept.deletes) fed.set(d.name, 'deletes');
  const read = [...rest.reads, ...rest.lateReads, ...rest.deletes].filter((r) => fed.has(r.name)).sort((x, y) => x.start - y.start)[0];
  if (read) {
    const binding = [...kept.writes, ...kept.deletes].find((w) => w.name === read.name)!;
    const row = rowOf(binding.start);
    return {
      refusal:
        `Line ${row + 1} (\`${lines[row]!.trim()}\`) stays in the notebook ahead of the call and ${fed.get(read.name)} \`${read.name}\`, ` +
        `which line ${blanked.slice(0, read.start).split('\n').length} reads; the moved code would not see that. Move line ${row + 1} to a cell of its own first.`,
    };
  }
  return { text, blanked, what };
}

function hasStatements(source: string): boolean {
  return withCellSyntax(source, (syntax) => syntax.statements.length > 0);
}
