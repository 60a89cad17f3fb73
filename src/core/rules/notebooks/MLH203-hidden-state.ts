import type { RuleDefinition } from '../rule';
import { cellFacts, NONE } from './cellFacts';
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
    const facts = cells.map(hiddenStateFacts);
    const anyUnknownBinder = facts.some((f) => f.bindsUnknown);
    // Document-order positions of the cells that bind each name; only needed for a read no earlier
    // cell defines, which most keystrokes never meet, so built on the first such read.
    let writers: Map<string, number[]> | undefined;
    const writersOf = (name: string): number[] => {
      if (!writers) {
        writers = new Map();
        facts.forEach((f, i) => {
          for (const w of f.writes) {
            const list = writers!.get(w);
            if (list) list.push(i);
            else writers!.set(w, [i]);
          }
        });
      }
      return writers.get(name) ?? [];
    };

    const defined = new Set<string>();
    const deletedIn = new Map<string, number>();
    let unknownBefore = false;
    facts.forEach((f, i) => {
      const cell = cells[i]!;
      for (const read of f.reads) {
        const name = read.name;
        if (defined.has(name)) continue;
        const later = writersOf(name).find((j) => j > i);
        let message: string | undefined;
        if (later !== undefined) {
          if (!unknownBefore) message = `\`${name}\` is only defined in a later cell (${cellLabel(cells[later]!)}): running the notebook top to bottom fails here with NameError.`;
        } else if (deletedIn.has(name)) {
          if (ctx.hasRun) message = `\`${name}\` was deleted in ${cellLabel(cells[deletedIn.get(name)!]!)} above: this read worked only because of kernel state.`;
        } else if (ctx.hasRun && !anyUnknownBinder) {
          message = `No cell defines \`${name}\`: the saved run got it from a deleted or edited cell. Running the notebook top to bottom fails here with NameError.`;
        }
        if (message) report({ path: ctx.path, cell: cell.codeIndex, range: spanRange(cell, read.start, read.end), message });
      }
      for (const w of f.writes) {
        defined.add(w);
        deletedIn.delete(w);
      }
      for (const d of f.deletes) {
        defined.delete(d);
        deletedIn.set(d, i);
      }
      if (f.bindsUnknown) unknownBefore = true;
    });
  },
};

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
