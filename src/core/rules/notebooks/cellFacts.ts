import type { CellAnalysis } from '../../analysis/cellAnalysis';
import type { Range } from '../../text/lineIndex';
import type { AnalyzedCell } from './context';
import type { ModuleAliases } from './moduleAliases';

/**
 * Per-cell facts for the notebook rules, so a keystroke does work in proportion to the edit.
 *
 * A notebook rule used to walk every cell's analysis on every check: with 1,000 cells open, each
 * keystroke re-ran hidden state (MLH203), seeding (MLH209) and data reads (MLH211) over all of them
 * (about 25 ms of a 47 ms keystroke in a profile of the keystroke bench). Now each rule derives,
 * once per cell text, the few facts it needs from that cell (names bound and read, seed and draw
 * calls, reader calls with literal paths, ...), with ranges relative to the cell; the notebook-level
 * part of the rule is then a short pass over those facts that does not look at the cells' code again.
 *
 * Facts are kept with the cell's analysis object: the analysis and the cell's line index are both
 * functions of the cell's text alone (and cached by it), so an unchanged cell keeps its analysis
 * object and with it every fact derived from it; an edited cell gets a new analysis and new facts.
 * A WeakMap lets facts go when the analysis cache drops the analysis. Facts are never undefined
 * (a rule with nothing to say of a cell keeps NONE, null or 0).
 */
interface CellFactsMemo<T> {
  (cell: AnalyzedCell): T;
}

/**
 * Every fact derived from one analysis, one slot per kind of fact: a single WeakMap lookup per cell
 * and check (`factSlotsOf`, kept on the AnalyzedCell), then an array index per rule, instead of a
 * WeakMap lookup per rule and cell.
 */
const slotsByAnalysis = new WeakMap<CellAnalysis, unknown[]>();
let nextSlot = 0;

/** The fact slots of an analysis; createNotebookContext stores them on the cell as `factSlots`. */
export function factSlotsOf(analysis: CellAnalysis): unknown[] {
  let slots = slotsByAnalysis.get(analysis);
  if (!slots) slotsByAnalysis.set(analysis, (slots = []));
  return slots;
}

/** Facts that depend on the cell alone. */
export function cellFacts<T>(rule: string, derive: (cell: AnalyzedCell) => T): CellFactsMemo<T> {
  const slot = nextSlot++;
  return (cell) => {
    const slots = cell.factSlots;
    const hit = slots[slot];
    if (hit !== undefined) return hit as T;
    cellFactsStats.derived[rule] = (cellFactsStats.derived[rule] ?? 0) + 1;
    const facts = derive(cell);
    slots[slot] = facts;
    return facts;
  };
}

/**
 * Facts that also depend on the notebook's imports (`np` → `numpy` to recognise `np.random.seed`).
 * The aliases change only when an edit changes what some cell imports; until then every cell's facts
 * are reused. One slot per analysis: the same cell text in two notebooks with different imports is
 * derived again when checks alternate between them, which is correct, only slower.
 */
export function cellFactsWithAliases<T>(rule: string, derive: (cell: AnalyzedCell, aliases: ModuleAliases) => T): (cell: AnalyzedCell, aliases: ModuleAliases, aliasesKey: string) => T {
  const slot = nextSlot++;
  return (cell, aliases, aliasesKey) => {
    const slots = cell.factSlots;
    const hit = slots[slot] as { aliasesKey: string; facts: T } | undefined;
    if (hit && hit.aliasesKey === aliasesKey) return hit.facts;
    cellFactsStats.derived[rule] = (cellFactsStats.derived[rule] ?? 0) + 1;
    const facts = derive(cell, aliases);
    slots[slot] = { aliasesKey, facts };
    return facts;
  };
}

/**
 * The aliases as one string, equal for equal mappings built in the same order: the key under which
 * alias-dependent facts are reused. A notebook imports tens of names, so this is cheap per check.
 */
export function aliasesKeyOf(aliases: ModuleAliases): string {
  let key = '';
  for (const [name, module] of aliases) key += `${name}=${module}\n`;
  // The same key as last time is returned as the same string object: every cell's slot compares its
  // key with it, and equal objects compare without reading their characters.
  const known = recentAliasesKeys.find((k) => k === key);
  if (known !== undefined) return known;
  recentAliasesKeys.unshift(key);
  recentAliasesKeys.length = Math.min(recentAliasesKeys.length, 8);
  return key;
}

/** The last few distinct alias keys (a few notebooks are open at once). */
const recentAliasesKeys: string[] = [];

/**
 * How many times each rule derived a cell's facts, and how many times a rule judged every cell
 * again (`fullPasses`), since the process started: tests check that a one-cell edit derives the
 * edited cell's facts only (counts, not timings).
 */
export const cellFactsStats: { derived: Record<string, number>; fullPasses: Record<string, number> } = { derived: {}, fullPasses: {} };

/**
 * Rules that keep what their last check of a notebook found (MLH203) register how to forget it, so
 * `forgetCellAnalyses` makes the next check entirely cold.
 */
export function onForgetChecks(forget: () => void): void {
  forgetters.push(forget);
}

const forgetters: Array<() => void> = [];

export function forgetRememberedChecks(): void {
  for (const forget of forgetters) forget();
}

/** A finding of one cell with its range relative to the cell: the rule adds the notebook's path and the cell's index. */
export interface CellFinding {
  range: Range;
  message: string;
}

/** Shared empty answer: most cells have nothing for most rules, and need no array of their own. */
export const NONE: readonly never[] = Object.freeze([]);
