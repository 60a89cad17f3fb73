import type { RuleDefinition } from '../rule';
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
    // Document-order positions of the cells that bind each name.
    const writers = new Map<string, number[]>();
    cells.forEach((c, i) => {
      for (const w of c.analysis.writes) {
        const list = writers.get(w.name) ?? [];
        list.push(i);
        writers.set(w.name, list);
      }
    });
    const unknownBinders = cells.map(bindsUnknownNames);
    const anyUnknownBinder = unknownBinders.some(Boolean);

    const defined = new Set<string>();
    const deletedIn = new Map<string, number>();
    let unknownBefore = false;
    cells.forEach((cell, i) => {
      const a = cell.analysis;
      const ownWrites = new Set(a.writes.map((w) => w.name));
      // A cell that does not parse never ran as written: its reads prove nothing, but its writes still count.
      if (a.parsed && a.syntaxErrors.length === 0) {
        for (const read of a.reads) {
          const name = read.name;
          if (defined.has(name) || PLATFORM_NAMES.has(name)) continue;
          // The cell defines it itself (e.g. `try: model except NameError: model = build()`): not another cell's state.
          if (ownWrites.has(name)) continue;
          const later = (writers.get(name) ?? []).find((j) => j > i);
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
      }
      for (const w of a.writes) {
        defined.add(w.name);
        deletedIn.delete(w.name);
      }
      // `writes` lists only a name's first binding, so a `del` undoes the binding only when this cell does not also bind it.
      for (const d of a.deletes) {
        if (ownWrites.has(d.name)) continue;
        defined.delete(d.name);
        deletedIn.set(d.name, i);
      }
      if (unknownBinders[i]) unknownBefore = true;
    });
  },
};
