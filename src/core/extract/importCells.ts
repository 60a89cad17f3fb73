/**
 * Imports-only cells once code has moved to a module (issue 12 §1): "imports-only cells move to the
 * module that needs them, or the cell stays, with a reason that says why nothing moved".
 *
 * The module that receives code always gets the imports that code needs (an import statement returns
 * the very same module object from `sys.modules`, so the module and the notebook share it). What is
 * left to decide is the notebook's own imports cell: once nothing left in the notebook reads its names,
 * it is dead weight and the edit empties it; while some cell still reads one of them it must stay, and
 * the reason names the cells that read what. A cell is only emptied when every name it binds is read by
 * the code that moved and bound the same way in the receiving module: an import no code reads may be
 * there for its side effect (a plugin registering itself), and the notebook keeps it.
 * Pure: no file access.
 */
import type { CellAnalysis } from '../analysis/cellAnalysis';
// The engine's analysis cache (by cell text): the candidates and the remaining cells are analysed
// once per text, however many imports-only cells are weighed against them.
import { analyzeCellCached as analyzeCell } from '../rules/notebooks/context';
import { keptInCell } from './keptInCell';
import { looksUpNames, sameImport, withCellSyntax, type ImportBinding } from './pySyntax';

export interface ImportsCellOutcome {
  /** 0-based index among code cells. */
  codeIndex: number;
  /** The names the cell binds, in order. */
  names: string[];
  /** True when the edit empties the cell; false when it stays (see `reason`), whole or trimmed. */
  emptied: boolean;
  /** Why the cell stays, or what moving it means; a sentence fragment without final period. */
  reason: string;
  /** The names whose import statements the edit removes from a cell that stays (read only by moved code). */
  removed?: string[];
  /** The cell's text after the edit, when the edit changes it (emptied or trimmed). */
  text?: string;
}

interface ImportStatement {
  /** 0-based first and last row in the cell. */
  line: number;
  endLine: number;
  /** Nothing else shares its rows (a comment at the end aside): the rows can go with it. */
  ownLines: boolean;
  bindings: ImportBinding[];
}

/**
 * A cell made only of plain, absolute, top-level import statements (comments and blank lines allowed,
 * and the magics and `del` rows that stay in a cell when its code moves, keptInCell.ts), with its
 * statements; else undefined: a star or relative import, a magic among the imports, anything else.
 */
function importsCellOf(source: string): { bindings: ImportBinding[]; statements: ImportStatement[] } | undefined {
  if (!source.trim()) return undefined;
  const normalised = source.replace(/\r\n?/g, '\n');
  const kept = keptInCell(normalised);
  const text = kept && !('refusal' in kept) ? kept.blanked : normalised;
  if (!text.trim()) return undefined;
  const analysis = analyzeCell(text);
  if (!analysis.parsed || analysis.magics.length || analysis.syntaxErrors.length) return undefined;
  return withCellSyntax(text, (syntax) => {
    if (syntax.hasError || !syntax.statements.length || !syntax.statements.every((st) => st.imports && !st.starImport)) return undefined;
    const statements = syntax.statements.map((st) => {
      const lineStart = text.lastIndexOf('\n', st.start - 1) + 1;
      const lineEnd = text.indexOf('\n', st.end);
      const after = text.slice(st.end, lineEnd < 0 ? undefined : lineEnd).trim();
      return { line: st.line, endLine: st.endLine, ownLines: !text.slice(lineStart, st.start).trim() && (!after || after.startsWith('#')), bindings: st.imports! };
    });
    const bindings = statements.flatMap((st) => st.bindings);
    return bindings.some((b) => b.module.startsWith('.')) ? undefined : { bindings, statements };
  });
}

/** Every name a cell reads: at run time, when its functions are called, and through `del`. */
function readsOf(analysis: CellAnalysis): Set<string> {
  return new Set([...analysis.reads, ...analysis.lateReads, ...analysis.deletes, ...analysis.builtinReads].map((r) => r.name));
}

/** A magic line is not analysed as Python: any mention of the name as a word counts as a read. */
function magicMentions(analysis: CellAnalysis, name: string): boolean {
  const word = new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
  return analysis.magics.some((m) => word.test(m.text));
}

/** "cell 2", "cells 1 and 3", "cells 1, 3 and 6". */
export function cellList(indices: number[]): string {
  if (indices.length === 1) return `cell ${indices[0]}`;
  return `cells ${indices.slice(0, -1).join(', ')} and ${indices[indices.length - 1]}`;
}

/** "`csv` in cell 2, `Path` in cells 1 and 3"; names read by the same cells go together: "`a`, `b` in cell 2". */
export function readersText(readers: Map<string, number[]>): string {
  const byCells = new Map<string, string[]>();
  for (const [name, cells] of readers) byCells.set(cellList(cells), [...(byCells.get(cellList(cells)) ?? []), `\`${name}\``]);
  return [...byCells].map(([cells, names]) => `${names.join(', ')} in ${cells}`).join(', ');
}

/** The code cells (other than `except`) that still read each of `names`; names nobody reads are absent. */
export function remainingReaders(after: string[], names: string[], except: Set<number>): Map<string, number[]> {
  const analyses = after.map((source) => analyzeCell(source));
  const readers = new Map<string, number[]>();
  analyses.forEach((analysis, codeIndex) => {
    if (except.has(codeIndex)) return;
    const reads = readsOf(analysis);
    for (const name of names) {
      if (reads.has(name) || magicMentions(analysis, name)) readers.set(name, [...(readers.get(name) ?? []), codeIndex]);
    }
  });
  return readers;
}

/**
 * Decides, for each imports-only code cell the edit did not change, whether it is emptied in the same
 * edit. Only cells sharing a name with the moved code are reported: the others have nothing to do with it.
 * - `after`: every code cell's source as the edit leaves it (rewritten and emptied cells included);
 * - `changed`: code cells the edit rewrites or empties itself;
 * - `movedReads`: names the code that moved reads (when it runs or when its functions are called);
 * - `moduleImports`: the import bindings the receiving module(s) hold after the edit.
 */
export function settleImportCells(input: {
  after: string[];
  changed: Set<number>;
  movedReads: Set<string>;
  moduleImports: ImportBinding[];
  /** The dotted name of the module receiving the code, when there is one (`pkg.steps`). */
  receivingModule?: string;
}): ImportsCellOutcome[] {
  const { after, changed, movedReads, moduleImports, receivingModule } = input;
  const analyses = after.map((source) => analyzeCell(source));
  // Moving a notebook cell by cell, the code that read a name may have moved in an earlier edit: the
  // module imports it the same way, and when the next code cell imports from that module, the module's
  // imports still run at the same point of the notebook. Such a name counts as read by moved code.
  const importsReceivingModuleNext = (codeIndex: number): boolean => {
    if (receivingModule === undefined) return false;
    const next = after.findIndex((source, j) => j > codeIndex && source.trim() !== '');
    return next >= 0 && analyses[next]!.imports.some((i) => i.level === 0 && i.module === receivingModule && i.topLevel);
  };
  const movedEarlier = (codeIndex: number, bindings: ImportBinding[], name: string): boolean =>
    importsReceivingModuleNext(codeIndex) && bindings.filter((b) => b.name === name).every((b) => moduleImports.some((m) => sameImport(m, b)));
  // A cell whose bindings or reads cannot be known (not Python, a star import, `%run`, a name looked up
  // through `globals()`, `eval`, `exec`, `vars()`...): touch nothing.
  const unknowable = analyses.findIndex(
    (a) => !a.parsed || a.imports.some((i) => i.star) || a.magics.some((m) => /^%\s*run\b/.test(m.text.trim())) || a.calls.some(looksUpNames),
  );
  const outcomes: ImportsCellOutcome[] = [];
  after.forEach((source, codeIndex) => {
    if (changed.has(codeIndex)) return;
    const cell = importsCellOf(source);
    if (!cell) return;
    const { bindings } = cell;
    const names = [...new Set(bindings.map((b) => b.name))];
    if (!names.some((n) => movedReads.has(n))) return;
    const stay = (reason: string) => outcomes.push({ codeIndex, names, emptied: false, reason });
    if (unknowable >= 0) return stay(`cell ${unknowable} may read its names in ways that cannot be known (a star import, \`%run\`, a lookup through \`globals()\`, \`eval\` or \`exec\`, or non-Python code)`);
    const readers = remainingReaders(after, names, new Set([codeIndex]));
    // An import no code reads may be there for its side effect (a plugin registering itself): it stays.
    const unread = names.filter((n) => !readers.has(n) && !movedReads.has(n) && !movedEarlier(codeIndex, bindings, n));
    const different = bindings.find((b) => !readers.has(b.name) && !unread.includes(b.name) && !moduleImports.some((m) => sameImport(m, b)));
    const goes = (b: ImportBinding) => !readers.has(b.name) && !unread.includes(b.name) && moduleImports.some((m) => sameImport(m, b));
    const reason = [
      readers.size ? `the notebook still reads ${readersText(readers)}` : '',
      unread.length ? `nothing reads ${unread.map((n) => `\`${n}\``).join(', ')}, which may be imported for its side effect, so the notebook keeps it` : '',
      different ? `the module does not import \`${different.name}\` as \`${different.statement}\`` : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (bindings.every(goes)) {
      // Emptied, the cell keeps its comments (the user's words, which went nowhere else) and the magics
      // around the imports, which run in the notebook; its blank lines go.
      const text = withoutRows(source, new Set(cell.statements.flatMap(rowsOf)))
        .split('\n')
        .filter((line) => line.trim())
        .join('\n');
      return void outcomes.push({ codeIndex, names, emptied: true, text, reason: `only the moved code read ${names.map((n) => `\`${n}\``).join(', ')}, which the module now imports` });
    }
    // The statements whose every name went with the moved code go too; the others stay.
    const dead = cell.statements.filter((st) => st.ownLines && st.bindings.every(goes));
    if (!dead.length) return stay(reason);
    const removed = dead.flatMap((st) => st.bindings.map((b) => b.name));
    outcomes.push({
      codeIndex,
      names,
      emptied: false,
      removed,
      text: withoutRows(source, new Set(dead.flatMap(rowsOf))),
      reason: `${reason}; ${removed.map((n) => `\`${n}\``).join(', ')} went with the moved code, which the module now imports`,
    });
  });
  return outcomes;
}

/** The `# ...` at the end of an import line: import statements hold no string literals, so the first `#` starts it. */
function trailingComment(line: string): string | undefined {
  const at = line.indexOf('#');
  return at >= 0 ? line.slice(at).trimEnd() : undefined;
}

const rowsOf = (st: { line: number; endLine: number }): number[] => Array.from({ length: st.endLine - st.line + 1 }, (_, i) => st.line + i);

/** The cell without the given rows; a comment at the end of a removed row stays as a line of its own. */
function withoutRows(source: string, rows: Set<number>): string {
  return source
    .split(/\r?\n/)
    .flatMap((line, row) => {
      if (!rows.has(row)) return [line];
      const comment = trailingComment(line);
      return comment ? [comment] : [];
    })
    .join('\n');
}

/** The import bindings at the top level of a module's text. */
export function moduleImportBindings(moduleText: string): ImportBinding[] {
  return withCellSyntax(moduleText, (s) => s.statements.flatMap((st) => (st.starImport ? [] : (st.imports ?? []))));
}
