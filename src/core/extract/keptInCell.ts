/**
 * What stays in a cell when the code of the cell moves to a module: IPython magics and shell escapes
 * (`%matplotlib inline`, `!pip install x`, `%load_ext autoreload`, a leading `%%capture`) and `del` of
 * notebook variables, at the top of the cell or at its bottom. None of them can run inside a function
 * of a module. Kept above the import and the call, the top ones still run first; kept below the call,
 * the bottom ones still run last. Real notebooks need this: on the shared corpus of 57 notebooks, a
 * magic at the top was the most common reason a cell could not move (26 cells).
 *
 * Planning then sees the cell with those rows blanked, so it has the same number of lines and every
 * "line N" in a refusal is still the user's line N; the rows go back around the cell's new text.
 * A name a top row binds (`files = !ls`, `%time y = f()`) reaches the moved code as a parameter, passed
 * at the call, right after the row ran. Other exchanges of names cannot work, since the function's
 * values only reach the notebook through its return: a top `del x` before code reading x, a function
 * body reading a name a top row binds (it would read it when called, from the module) refuse the cell
 * with the line. A name the code binds that a bottom magic mentions (`%timeit x + y`) is returned by the
 * call, as for a later cell reading it; a bottom `del` of a name the code binds is the function's own
 * business and stays in it.
 * Pure: no file access.
 */
import { analyzeCell } from '../analysis/cellAnalysis';
import { maskMagics, type MaskedCell } from '../analysis/magics';
import { LineIndex } from '../text/lineIndex';
import { withCellSyntax, type TopLevelStatement } from './pySyntax';

const rowOf = (rows: LineIndex, offset: number): number => rows.positionAt(offset).line;

export interface KeptInCell {
  /** The rows kept above the call, as written; '' when none. */
  top: string;
  /** The rows kept below the call, as written; '' when none. */
  bottom: string;
  /** The cell with the kept rows emptied: what the planner sees. Same number of lines. */
  blanked: string;
  /** What the top rows are, for messages: "IPython magics", "`del` statements" or both. */
  what: string;
  /** Names the top rows bind that the moved code reads: the call passes them (ExtractRequest.boundAbove). */
  boundAbove: string[];
  /** Names the moved code binds that the bottom rows mention: the call returns them (ExtractRequest.readBelow). */
  readBelow: string[];
}

export type KeptInCellResult = KeptInCell | { refusal: string } | undefined;

/** Cell magics whose body is ordinary Python run in the notebook namespace, so the call can take its place. */
const CELL_MAGICS_AROUND_PYTHON = new Set(['time', 'capture', 'prun']);

/** A kept item: a magic, or a `del` of plain names alone on its rows. */
interface KeptItem {
  firstRow: number;
  lastRow: number;
  kind: 'magic' | 'del';
  /** `del`: the names it unbinds. */
  names: string[];
}

/**
 * `source` uses `\n` line ends. `top`/`bottom`: which ends of the cell may keep rows (a range keeps the
 * top of its first cell and the bottom of its last); `before`/`after`: the other selected cells of a
 * range, joined, which move with this one. Undefined when nothing has to stay.
 */
export function keptInCell(
  source: string,
  ends: { top: boolean; bottom: boolean; before?: string; after?: string } = { top: true, bottom: true },
): KeptInCellResult {
  const masked = maskMagics(source);
  // `%%bash`, `%%writefile`...: the body is not Python; `%%timeit`: its bindings vanish. The planner refuses those.
  if (masked.opaque || masked.discardWrites) return undefined;
  const rows = new LineIndex(source);
  const lines = source.split('\n');
  const statements = withCellSyntax(masked.masked, (syntax) => (syntax.hasError ? undefined : syntax.statements));
  if (!statements) return undefined;
  const items = keptItems(masked, statements, rows);
  if (items === undefined) return undefined;
  const isFiller = (row: number) => !lines[row]!.trim() || lines[row]!.trim().startsWith('#');

  // The top block: from the first row, kept items and the blank or comment rows between them.
  let topEnd = -1;
  if (ends.top) {
    for (let row = 0; row < lines.length; ) {
      const item = items.find((i) => i.firstRow === row);
      if (item) row = (topEnd = item.lastRow) + 1;
      else if (isFiller(row)) row++;
      else break;
    }
  }
  // The bottom block: from the last row up, likewise, with the comment rows below its last item.
  let bottomStart = lines.length;
  if (ends.bottom) {
    for (let row = lines.length - 1; row > topEnd; ) {
      const item = items.find((i) => i.lastRow === row);
      if (item) row = (bottomStart = item.firstRow) - 1;
      else if (isFiller(row)) row--;
      else break;
    }
  }
  // The comment lines right above the bottom block speak of it ("# tidy up" over `del tmp`): they stay with it.
  while (bottomStart < lines.length && bottomStart - 1 > topEnd && lines[bottomStart - 1]!.trim().startsWith('#')) bottomStart--;
  if (topEnd < 0 && bottomStart >= lines.length) return undefined;
  // A statement that starts in a block and ends outside it cannot be split.
  if (statements.some((s) => (s.line <= topEnd && s.endLine > topEnd) || (s.line < bottomStart && s.endLine >= bottomStart))) return undefined;

  const top = lines.slice(0, topEnd + 1).join('\n');
  const bottom = bottomStart < lines.length ? lines.slice(bottomStart).join('\n') : '';
  const middle = lines.slice(topEnd + 1, bottomStart);
  const blanked = '\n'.repeat(topEnd + 1) + middle.join('\n') + '\n'.repeat(lines.length - bottomStart);
  // What moves: this cell's remaining rows with the rest of the selection.
  const before = ends.before ? `${ends.before}\n` : '';
  const moving = before + blanked + (ends.after ? `\n${ends.after}` : '');
  if (!withCellSyntax(moving, (syntax) => syntax.statements.length > 0)) {
    const kinds = new Set(items.map((i) => i.kind));
    const what = [kinds.has('magic') ? 'runs IPython magics' : '', kinds.has('del') ? 'deletes notebook variables' : ''].filter(Boolean).join(' and ');
    return { refusal: `The cell only ${what}, which stay in the notebook; there is no Python code to move into a function.` };
  }
  // A cell magic applies to its whole cell: over one call with the cells after it, it would apply to
  // them too (`%%capture` would swallow their output).
  const cellMagic = masked.magics.find((m) => m.kind === 'cell');
  if (cellMagic && ends.after) {
    return { refusal: `Line 1 (\`${cellMagic.text.trim()}\`) applies to its whole cell; in one function with the selected cells after it, it would apply to them too. Select this cell alone.` };
  }
  const rest = analyzeCell(moving);
  const where = (offset: number): string => {
    if (offset < before.length) return 'an earlier selected cell';
    if (offset > before.length + blanked.length) return 'a later selected cell';
    return `line ${moving.slice(before.length, offset).split('\n').length}`;
  };

  // Top rows run before the code: what they bind, the code may read as a parameter of the call; what
  // they delete it may not read, nor may a function body read either later, when it is called.
  const boundAbove = new Set<string>();
  if (top) {
    const kept = analyzeCell(top);
    const fed = new Map<string, string>();
    for (const w of kept.writes) fed.set(w.name, 'binds');
    for (const d of kept.deletes) fed.set(d.name, 'deletes');
    // (A cell magic, `%%capture out`, binds when its cell ends: the cell reads the value from before, as
    // the call's argument does; ranges under a cell magic were refused above.)
    for (const r of rest.reads) if (fed.get(r.name) === 'binds') boundAbove.add(r.name);
    const read = [...rest.reads.filter((r) => !boundAbove.has(r.name)), ...rest.lateReads, ...rest.deletes].filter((r) => fed.has(r.name)).sort((x, y) => x.start - y.start)[0];
    if (read) {
      const row = rowOf(rows, [...kept.writes, ...kept.deletes].find((w) => w.name === read.name)!.start);
      return {
        refusal:
          `Line ${row + 1} (\`${lines[row]!.trim()}\`) stays in the notebook ahead of the call and ${fed.get(read.name)} \`${read.name}\`, ` +
          `which ${where(read.start)} reads; the moved code would not see that. Move line ${row + 1} to a cell of its own first.`,
      };
    }
  }
  // Bottom rows run after the code: a `del` of what the code binds belongs to the function (the planner
  // handles a local `del`), and a magic mentioning what the code binds would not find it in the notebook.
  const readBelow = new Set<string>();
  if (bottom) {
    const bound = new Set(rest.writes.map((w) => w.name));
    const bottomItems = items.filter((i) => i.firstRow >= bottomStart);
    if (bottomItems.some((i) => i.kind === 'del' && i.names.some((n) => bound.has(n)))) return ends.top && top ? keptInCell(source, { ...ends, bottom: false }) : undefined;
    // A magic is not Python: any mention of a bound name as a word counts (`%timeit x + y`, `!echo {x}`).
    for (const item of bottomItems.filter((i) => i.kind === 'magic')) {
      const text = lines.slice(item.firstRow, item.lastRow + 1).join('\n');
      for (const name of bound) if (mentionsWord(text, name)) readBelow.add(name);
    }
  }
  const topKinds = new Set(items.filter((i) => i.lastRow <= topEnd).map((i) => i.kind));
  const what = [topKinds.has('magic') ? 'IPython magics' : '', topKinds.has('del') ? '`del` statements' : ''].filter(Boolean).join(' and ');
  return { top, bottom, blanked, what, boundAbove: [...boundAbove], readBelow: [...readBelow] };
}

/** The magics and the standalone `del` statements of the cell, or undefined for a cell magic whose body is not plain Python. */
function keptItems(masked: MaskedCell, statements: TopLevelStatement[], rows: LineIndex): KeptItem[] | undefined {
  const items: KeptItem[] = [];
  for (const m of masked.magics) {
    if (m.kind === 'cell' && !CELL_MAGICS_AROUND_PYTHON.has(m.text.replace(/^%%/, '').split(/\s/)[0]!)) return undefined;
    items.push({ firstRow: rowOf(rows, m.start), lastRow: rowOf(rows, Math.max(m.start, m.end - 1)), kind: 'magic', names: [] });
  }
  for (const s of statements) {
    if (s.node.type !== 'Delete' || !s.node.targets.every((t) => t.type === 'Name')) continue;
    const before = masked.masked.slice(rows.lineStart(s.line), s.start).trim();
    const lineEnd = masked.masked.indexOf('\n', s.end);
    const after = masked.masked.slice(s.end, lineEnd < 0 ? undefined : lineEnd).trim();
    if (before || (after && !after.startsWith('#'))) continue;
    items.push({ firstRow: s.line, lastRow: s.endLine, kind: 'del', names: s.node.targets.map((t) => (t as { id: string }).id) });
  }
  return items;
}

/** A magic line is not Python: any mention of the name as a word counts (`{x}`, `$x`, `%store x`, `%timeit f(x)`). */
function mentionsWord(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if (!(before && /[\p{ID_Continue}]/u.test(before)) && !(after && /[\p{ID_Continue}]/u.test(after))) return true;
  }
  return false;
}
