import type { RuleDefinition } from '../rule';
import { cellFacts, cellFactsStats, NONE, onForgetChecks } from './cellFacts';
import { pythonCells, spanRange, type AnalyzedCell, type NotebookContext } from './context';

/** Names hosted notebook platforms put in the namespace before any cell runs (Databricks, Synapse). */
const PLATFORM_NAMES = new Set(['spark', 'sc', 'sqlContext', 'dbutils', 'mssparkutils']);

/** Cell magics whose body binds nothing in the notebook namespace (others, such as `%%sql x <<`, may). */
const INERT_CELL_MAGICS = new Set(['bash', 'sh', 'script', 'html', 'javascript', 'js', 'markdown', 'latex', 'svg', 'writefile', 'file', 'perl', 'ruby', 'system', 'cmd', 'powershell', 'md']);

/** Line magics that bind names we cannot know (`%run x.py` runs a script in the namespace). */
const BINDING_LINE_MAGICS = /^%\s*(run|store|load|loadpy|sc)\b/;

/**
 * Does this cell bind names the analysis cannot list? A star import, `%run`, or an opaque cell magic
 * such as `%%sql` can define anything; a read that such a cell could satisfy is not reported.
 */
function bindsUnknownNames(cell: AnalyzedCell): boolean {
  const a = cell.analysis;
  if (a.imports.some((i) => i.star)) return true;
  for (const m of a.magics) {
    if (m.kind === 'line' && BINDING_LINE_MAGICS.test(m.text.trimStart())) return true;
    if (m.kind === 'cell' && !a.parsed) {
      const name = /^%%\s*([\w-]+)/.exec(m.text)?.[1] ?? '';
      if (!INERT_CELL_MAGICS.has(name)) return true;
    }
  }
  return false;
}

function cellLabel(cell: AnalyzedCell): string {
  const count = cell.cell.executionCount;
  return `code cell ${cell.codeIndex + 1}${typeof count === 'number' ? ` [${count}]` : ''}`;
}

export const hiddenState: RuleDefinition<NotebookContext> = {
  code: 'MLH203',
  name: 'hidden-state',
  pillar: 'notebooks',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A cell reads a notebook variable that no earlier cell (in document order) defines, while a later cell does; or that no cell defines at all although the notebook was run, so its value came from a deleted or edited cell. Reads and definitions follow Python scoping exactly (comprehensions, `global`, `del`, walrus, class bodies, `except ... as`, `match`), and IPython magics are understood.',
    why: 'The saved notebook only worked because of kernel state that running it top to bottom does not recreate: NameError is the second most common failure when re-running GitHub notebooks (Pimentel et al.). A production job runs the cells in order, once.',
    example: '# cell 1\nmodel.fit(X, y)      # MLH203: `model` is only defined in cell 2\n# cell 2\nmodel = LogisticRegression()',
    exampleLanguage: 'python',
    fix: 'Move the defining cell above its first use, or restore the deleted definition; then restart the kernel and run all cells to check.',
  },
  check(ctx, report) {
    const cells = pythonCells(ctx);
    if (!cells.length) return;
    const found = hiddenStateFindings(ctx.path, cells, ctx.hasRun);
    found.forEach((list, i) => {
      const cell = cells[i]!;
      for (const f of list) report({ path: ctx.path, cell: cell.codeIndex, range: spanRange(cell, f.start, f.end), message: f.message });
    });
  },
};

/** A read hidden state reports, relative to its cell. */
interface HiddenStateFinding {
  start: number;
  end: number;
  message: string;
}

/**
 * What the last check of a notebook computed, so the next one redoes only the cells that changed.
 * A read is judged from the events of its name (the cells that bind or delete it, in order) and from
 * where the first cell binding unknown names is; an edit that leaves every cell's bindings, deletions
 * and execution count as they were (typing in an expression, a comment, a string) changes neither,
 * so only the edited cells' reads are judged again. Any other edit judges every read again.
 */
interface HiddenStateMemo {
  facts: HiddenStateFacts[];
  counts: Array<number | null | undefined>;
  hasRun: boolean;
  events: Map<string, NameEvent[]>;
  firstUnknownBinder: number;
  found: Array<readonly HiddenStateFinding[]>;
}

/** A cell that binds (`write`) or deletes a name; per name, in document order. */
interface NameEvent {
  cell: number;
  write: boolean;
}

/** The last checks of a few notebooks (an editor has a few open; a workspace scan needs none). */
const memos = new Map<string, HiddenStateMemo>();
const MEMOS_KEPT = 8;
onForgetChecks(() => memos.clear());

function hiddenStateFindings(path: string, cells: AnalyzedCell[], hasRun: boolean): Array<readonly HiddenStateFinding[]> {
  const facts = cells.map(hiddenStateFacts);
  const counts = cells.map((c) => c.cell.executionCount);
  const memo = memos.get(path);
  memos.delete(path);
  let next: HiddenStateMemo | undefined = memo && reusable(memo, facts, counts, hasRun) ? memo : undefined;
  if (next) {
    // Same bindings everywhere: the events stand, and only the edited cells' reads are judged again.
    const found = next.found.slice();
    facts.forEach((f, i) => {
      if (f !== next!.facts[i]) found[i] = judgeReads(i, f, next!, cells, hasRun);
    });
    next = { ...next, facts, found };
  } else {
    cellFactsStats.fullPasses.MLH203 = (cellFactsStats.fullPasses.MLH203 ?? 0) + 1;
    const events = new Map<string, NameEvent[]>();
    const add = (name: string, cell: number, write: boolean) => {
      const list = events.get(name);
      if (list) list.push({ cell, write });
      else events.set(name, [{ cell, write }]);
    };
    facts.forEach((f, i) => {
      for (const w of f.writes) add(w, i, true);
      for (const d of f.deletes) add(d, i, false);
    });
    const firstUnknownBinder = facts.findIndex((f) => f.bindsUnknown);
    next = { facts, counts, hasRun, events, firstUnknownBinder: firstUnknownBinder < 0 ? Infinity : firstUnknownBinder, found: [] };
    const whole = next;
    next.found = facts.map((f, i) => judgeReads(i, f, whole, cells, hasRun));
  }
  memos.set(path, next);
  if (memos.size > MEMOS_KEPT) memos.delete(memos.keys().next().value!);
  return next.found;
}

/** Can the last check's events and findings serve these cells? Only edits that change no cell's bindings or run count qualify. */
function reusable(memo: HiddenStateMemo, facts: HiddenStateFacts[], counts: Array<number | null | undefined>, hasRun: boolean): boolean {
  if (memo.hasRun !== hasRun || memo.facts.length !== facts.length) return false;
  for (let i = 0; i < facts.length; i++) {
    // Execution counts appear in other cells' messages (`code cell 4 [3]`).
    if (memo.counts[i] !== counts[i]) return false;
    const before = memo.facts[i]!;
    const now = facts[i]!;
    if (before !== now && (before.bindsUnknown !== now.bindsUnknown || !sameNames(before.writes, now.writes) || !sameNames(before.deletes, now.deletes))) return false;
  }
  return true;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/**
 * The findings of cell `i`'s reads, as the document-order walk over the cells finds them: a name is
 * defined before the cell when the last cell above that binds or deletes it binds it.
 */
function judgeReads(i: number, f: HiddenStateFacts, memo: Omit<HiddenStateMemo, 'found'>, cells: AnalyzedCell[], hasRun: boolean): readonly HiddenStateFinding[] {
  if (!f.reads.length) return NONE;
  const found: HiddenStateFinding[] = [];
  for (const read of f.reads) {
    const name = read.name;
    const events = memo.events.get(name) ?? NONE;
    const after = firstEventAfter(events, i);
    const last = after > 0 ? events[after - 1]! : undefined;
    if (last?.write) continue;
    let later: NameEvent | undefined;
    for (let e = after; e < events.length && !later; e++) if (events[e]!.write && events[e]!.cell > i) later = events[e];
    let message: string | undefined;
    if (later !== undefined) {
      if (!(memo.firstUnknownBinder < i)) message = `\`${name}\` is only defined in a later cell (${cellLabel(cells[later.cell]!)}): running the notebook top to bottom fails here with NameError.`;
    } else if (last) {
      if (hasRun) message = `\`${name}\` was deleted in ${cellLabel(cells[last.cell]!)} above: this read worked only because of kernel state.`;
    } else if (hasRun && memo.firstUnknownBinder === Infinity) {
      message = `No cell defines \`${name}\`: the saved run got it from a deleted or edited cell. Running the notebook top to bottom fails here with NameError.`;
    }
    if (message) found.push({ start: read.start, end: read.end, message });
  }
  return found.length ? found : NONE;
}

/** Index of the first event in a cell at or after `cell` (events are in cell order). */
function firstEventAfter(events: readonly NameEvent[], cell: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.cell < cell) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What hidden state needs of one cell, derived once per cell text (see cellFacts.ts). */
interface HiddenStateFacts {
  /** Reads another cell must satisfy: not of a name the cell binds itself, nor a platform name; none when the cell does not parse. */
  reads: ReadonlyArray<{ name: string; start: number; end: number }>;
  /** Names the cell binds, in the analysis' order. */
  writes: readonly string[];
  /** Names the cell deletes without binding them again itself. */
  deletes: readonly string[];
  bindsUnknown: boolean;
}

const hiddenStateFacts = cellFacts('MLH203', (cell): HiddenStateFacts => {
  const a = cell.analysis;
  const ownWrites = new Set(a.writes.map((w) => w.name));
  // A cell that does not parse never ran as written: its reads prove nothing, but its writes still count.
  // The cell defines it itself (e.g. `try: model except NameError: model = build()`): not another cell's state.
  const reads = a.parsed && a.syntaxErrors.length === 0 ? a.reads.filter((r) => !ownWrites.has(r.name) && !PLATFORM_NAMES.has(r.name)).map((r) => ({ name: r.name, start: r.start, end: r.end })) : [];
  // `writes` lists only a name's first binding, so a `del` undoes the binding only when this cell does not also bind it.
  const deletes = a.deletes.filter((d) => !ownWrites.has(d.name)).map((d) => d.name);
  return { reads: reads.length ? reads : NONE, writes: a.writes.length ? a.writes.map((w) => w.name) : NONE, deletes: deletes.length ? deletes : NONE, bindsUnknown: bindsUnknownNames(cell) };
});
