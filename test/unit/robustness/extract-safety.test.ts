/**
 * Edits never lose data: Extract on generated notebooks and projects. The generator writes the
 * `.ipynb` text itself (Jupyter's layout or others, LF or CRLF, escaped or raw unicode, list or string
 * sources, outputs with base64 images, cell metadata) and records where each cell's `source` value
 * lies, so the test knows independently of the core which bytes Extract may touch. For every plan that
 * is `ok`:
 * 1. the `.ipynb` edit changes only bytes inside the extracted cell's `source` value, and the result
 *    parses with every other cell (and every other key of the cell and notebook) deep-equal;
 * 2. no `create` targets a path that exists, or a path below an existing file;
 * 3. an `edit` of an existing module only inserts text, at line ends, and ends with an append;
 * 4. on disk, `runExtract` leaves every pre-existing file it does not plan to edit byte-identical, edits
 *    the module exactly as planned, and rewrites only the cell's `source` bytes of the notebook.
 * A second generator builds notebooks around imports-only cells (IMPORT_FAMILIES), where extracting a
 * run of cells with "Extract cells" also EMPTIES an imports-only cell once nothing left reads its names.
 * The generator records which cell reads which name and which cells are imports-only, and for every
 * plan that is `ok` (checkCellsNotebookEdit):
 * 5. the `.ipynb` edit changes only bytes inside the `source` values of the selected cells and of cells
 *    written as imports-only; a selected cell after the first becomes exactly `""` or `[]` (its form
 *    kept), an emptied imports cell exactly its own comment lines, every other key deep-equal;
 * 6. no cell left in the notebook reads a name an emptied cell imported, and the module imports it; an
 *    imports-only cell that only the moved code read is emptied;
 * 7. the plan is one WorkspaceEdit whose cellEdits change exactly those cells, to the same text;
 * 8. on disk, `runExtract` writes the notebook exactly as the planned edit says.
 * How many plans emptied an imports cell is printed, and must not be zero.
 * Refusals are fine; they are counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { runExtract } from '../../../src/cli/extract';
import type { EditOperation, TextEdit } from '../../../src/core/diagnostics';
import { planExtraction, type ExtractPlan, type ExtractRequest } from '../../../src/core/extract/plan';
import { planCellsExtraction, type CellsExtractPlan } from '../../../src/core/extract/rangePlan';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { dirname, normalizePath } from '../../../src/core/fs/paths';
import { LineIndex } from '../../../src/core/text/lineIndex';
import { emptiedImportsCell, namesOnImportLine, trimmedImportsCell } from '../../helpers/importLines';

// ---------------------------------------------------------------------------------------------------
// Notebooks

/**
 * A code cell the generator can write, with what the generator knows about it (stated by hand, never
 * asked of the core): the names it reads from the notebook's namespace (when it runs, or later when a
 * function it defines is called; names it binds itself first are not listed), and, for a cell made only
 * of import statements, the names it binds.
 */
interface Snippet {
  source: string;
  reads: readonly string[];
  importsOnly?: readonly string[];
}

const OS_SYS_IMPORTS: Snippet = { source: 'import os\nimport sys', reads: [], importsOnly: ['os', 'sys'] };

/** Code cells that combine: some define what others read, some display, some are refused (magic, class). */
const BASE_SNIPPETS: readonly Snippet[] = [
  { source: 'import math\nradius = 2.5\narea = math.pi * radius ** 2', reads: [] },
  { source: '# Load the données — ünïcode ✓\nrows = [1, 2, 3]\nlabel = "naïve 数据 🚀"', reads: [] },
  { source: 'values = [x * 2 for x in range(5)]\ntotal = sum(values)\ntotal', reads: [] },
  { source: 'def double(x):\n    return x * 2\n\nresult = double(21)', reads: [] },
  { source: 'for i in range(3):\n\tprint(i, "tab-indented")', reads: [] },
  { source: 'text = """a multi-line\n  string that keeps its bytes \\u00e9\n"""\nprint(text)', reads: [] },
  { source: 'print("quotes \\" and backslashes \\\\ and \\t tabs")', reads: [] },
  { source: 'squares = {k: k * k for k in range(4)}\nprint(squares)', reads: [] },
  { source: 'count = len(rows)\nprint(label, count)', reads: ['rows', 'label'] },
  { source: 'mean = total / len(values)\nprint(f"{mean:.2f}")', reads: ['total', 'values'] },
  { source: 'import json\ndata = json.dumps({"k": label}, ensure_ascii=False)', reads: ['label'] },
  { source: '%matplotlib inline\nx = 1', reads: [] },
  { source: 'class Point:\n    pass', reads: [] },
  OS_SYS_IMPORTS,
  { source: '', reads: [] },
  { source: 'scaled = [r * 2 for r in rows]\nscaled', reads: ['rows'] },
];

/**
 * Imports-only cells (plain, aliased, `from x import a, b`, dotted, after a comment) and the cells that
 * use them: reads at run time, in an f-string, a comprehension, a magic, an annotation, a default value,
 * a class body, or late in a function body. Extracting the only reader of an imports-only cell's names
 * empties that cell in the same edit (importCells.ts); a second reader, a name nobody reads
 * (`OrderedDict`, `sys`, `pi` or `turn`), or a function left in the notebook that reads it keeps it.
 */
const IMPORT_FAMILIES: ReadonlyArray<{ imports: Snippet; uses: readonly Snippet[] }> = [
  {
    imports: { source: 'import statistics as st', reads: [], importsOnly: ['st'] },
    uses: [
      { source: 'spread = st.pstdev([1.0, 2.0, 4.0])\nprint(f"{spread:.3f}")', reads: ['st'] },
      { source: 'centre = st.median([3, 1, 2])\ncentre', reads: ['st'] },
      { source: 'def z_score(x, xs):\n    return (x - st.mean(xs)) / st.pstdev(xs)', reads: ['st'] },
      { source: 'print(f"mean {st.mean([2, 4]):.1f}")', reads: ['st'] },
      { source: 'means = [st.mean(r) for r in ([1, 2], [3, 4])]\nprint(means)', reads: ['st'] },
      { source: '%timeit st.mean([1, 2, 3])', reads: ['st'] },
    ],
  },
  {
    imports: { source: 'from collections import Counter, OrderedDict', reads: [], importsOnly: ['Counter', 'OrderedDict'] },
    uses: [
      { source: 'counts = Counter("abracadabra")\nprint(counts.most_common(2))', reads: ['Counter'] },
      { source: 'ordered = OrderedDict(a=1, b=2)\nprint(list(ordered))', reads: ['OrderedDict'] },
      { source: 'def tally(words, counter=Counter):\n    return counter(words).most_common(1)', reads: ['Counter'] },
    ],
  },
  {
    imports: { source: '# Report formatting\nimport textwrap', reads: [], importsOnly: ['textwrap'] },
    uses: [
      { source: 'def summarize(text):\n    return textwrap.shorten(text, width=20)\n\nprint(summarize("a long sentence about the données"))', reads: ['textwrap'] },
      { source: 'def wrap_note(text):\n    """Wrap a note for the report."""\n    return textwrap.fill(text, width=30)', reads: ['textwrap'] },
      // Calls the function above: once that moves to the module, nothing here reads `textwrap`.
      { source: 'print(wrap_note("one more note for the report"))', reads: ['wrap_note'] },
    ],
  },
  {
    // Magics around the imports stay in the notebook when the imports go.
    imports: { source: '%load_ext autoreload\n%autoreload 2\nimport json  # serialisation\n!echo ready', reads: [], importsOnly: ['json'] },
    uses: [
      { source: 'payload = json.dumps({"k": 1})\nprint(payload)', reads: ['json'] },
      { source: 'print(json.loads("[1, 2]"))', reads: ['json'] },
    ],
  },
  {
    // Two statements read by different cells: moving one reader trims the cell of its import.
    imports: { source: 'import csv  # exports\nimport json', reads: [], importsOnly: ['csv', 'json'] },
    uses: [
      { source: 'rows = list(csv.reader(["a,1", "b,2"]))\nprint(rows)', reads: ['csv'] },
      { source: 'print(json.dumps({"n": 2}))', reads: ['json'] },
    ],
  },
  {
    imports: { source: 'from pathlib import Path', reads: [], importsOnly: ['Path'] },
    uses: [
      { source: 'report = Path("reports") / "summary.txt"\nprint(report.name)', reads: ['Path'] },
      { source: 'def resolve(p: Path) -> Path:\n    return p.resolve()', reads: ['Path'] },
      { source: 'class Report:\n    folder = Path("reports")', reads: ['Path'] },
    ],
  },
  {
    imports: { source: 'import csv\nimport io', reads: [], importsOnly: ['csv', 'io'] },
    uses: [{ source: 'buffer = io.StringIO("a,b\\n1,2\\n")\nparsed = list(csv.reader(buffer))\nparsed', reads: ['io', 'csv'] }],
  },
  {
    imports: { source: 'from math import pi, tau as turn', reads: [], importsOnly: ['pi', 'turn'] },
    uses: [
      { source: 'circle = turn * 2\nprint(round(circle, 2))', reads: ['turn'] },
      { source: 'print(f"{pi:.4f}")', reads: ['pi'] },
    ],
  },
  {
    imports: { source: 'import xml.etree.ElementTree as ET', reads: [], importsOnly: ['ET'] },
    uses: [{ source: 'root = ET.fromstring("<a><b/></a>")\nprint(len(root))', reads: ['ET'] }],
  },
  {
    imports: OS_SYS_IMPORTS,
    uses: [{ source: 'data_dir = os.path.join("data", "raw")\nprint(data_dir)', reads: ['os'] }],
  },
];

const MARKDOWN_SNIPPETS = ['# Analyse des données\n\nÜber *alles* — 数据 🚀', '## Step two', '', 'Plain text with "quotes" and \\backslashes\\'];
const FUNCTION_NAMES = ['step', 'clean_rows', 'compute_area', '_private2', 'double', 'total', 'print', 'bad-name'];

interface GenCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string;
  /** What the generator knows about the code it wrote (see Snippet); empty for markdown and raw cells. */
  reads: readonly string[];
  importsOnly?: readonly string[] | undefined;
  asString: boolean;
  id?: string | undefined;
  metadata: Record<string, unknown>;
  outputs: Record<string, unknown>[];
  executionCount: number | null;
}

interface Layout {
  indent: '' | ' ' | '  ' | '\t';
  eol: '\n' | '\r\n';
  sourceEol: '\n' | '\r\n';
  ensureAscii: boolean;
  sourceFirst: boolean;
  finalNewline: boolean;
  bom: boolean;
}

const metadataArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      tags: fc.subarray(['parameters', 'étiquette', '数据']),
      collapsed: fc.boolean(),
      'ünïcode': fc.constantFrom('値', 'naïve', '🚀 launch'),
      scrolled: fc.constantFrom(true, false, 'auto'),
      nested: fc.record({ a: fc.integer({ min: -5, max: 5 }), b: fc.constantFrom(null, 'x\ty', [1, 'two']) }),
    },
    { requiredKeys: [] },
  ),
);

const outputArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ output_type: fc.constant('stream'), name: fc.constantFrom('stdout', 'stderr'), text: fc.constantFrom(['1\n', '2\n'], 'done ✓\n', ['naïve 数据\n']) }),
  fc.uint8Array({ minLength: 1, maxLength: 96 }).map((bytes) => ({
    output_type: 'display_data',
    data: { 'image/png': Buffer.from(bytes).toString('base64') + '\n', 'text/plain': ['<Figure size 640x480 with 1 Axes>'] },
    metadata: { needs_background: 'light' },
  })),
  fc.integer({ min: 1, max: 99 }).map((n) => ({ output_type: 'execute_result', execution_count: n, data: { 'text/plain': [`${n * 2}`] }, metadata: {} })),
  fc.constant({ output_type: 'error', ename: 'NameError', evalue: "name 'x' is not defined", traceback: ['\u001b[0;31mNameError\u001b[0m'] }),
);

const codeCellArb = (snippet: fc.Arbitrary<Snippet>): fc.Arbitrary<GenCell> =>
  fc
    .record({
      snippet,
      asString: fc.boolean(),
      id: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/), { nil: undefined }),
      metadata: metadataArb,
      outputs: fc.array(outputArb, { maxLength: 2 }),
      executionCount: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
    })
    .map(({ snippet: { source, reads, importsOnly }, ...rest }) => ({ cell_type: 'code' as const, source, reads, ...(importsOnly ? { importsOnly } : {}), ...rest }));

const cellArb: fc.Arbitrary<GenCell> = fc.oneof(
  { weight: 4, arbitrary: codeCellArb(fc.constantFrom(...BASE_SNIPPETS)) },
  { weight: 1, arbitrary: fc.record({
    cell_type: fc.constantFrom('markdown' as const, 'raw' as const),
    source: fc.constantFrom(...MARKDOWN_SNIPPETS),
    reads: fc.constant<readonly string[]>([]),
    asString: fc.boolean(),
    id: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/), { nil: undefined }),
    metadata: metadataArb,
    outputs: fc.constant<Record<string, unknown>[]>([]),
    executionCount: fc.constant(null),
  }) },
);

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  indent: fc.constantFrom('' as const, ' ' as const, '  ' as const, '\t' as const),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  sourceEol: fc.constantFrom('\n' as const, '\r\n' as const),
  ensureAscii: fc.boolean(),
  sourceFirst: fc.boolean(),
  finalNewline: fc.boolean(),
  bom: fc.boolean(),
});

/** nbformat's line split: every line keeps its terminator. */
function sourceLines(source: string): string[] {
  return source.split(/(?<=\n)/).filter((l) => l !== '');
}

/** A JSON writer in the given layout that records where each cell's `source` value lies. */
function renderNotebook(cells: GenCell[], layout: Layout): { text: string; sourceSpans: Array<{ start: number; end: number }>; json: unknown } {
  const sourceSpans: Array<{ start: number; end: number }> = [];
  const cellObjects = cells.map((c) => {
    const src = c.source.replace(/\n/g, layout.sourceEol);
    const source = c.asString ? src : sourceLines(src);
    const rest: Record<string, unknown> = { cell_type: c.cell_type };
    if (c.cell_type === 'code') rest.execution_count = c.executionCount;
    if (c.id !== undefined) rest.id = c.id;
    rest.metadata = c.metadata;
    if (c.cell_type === 'code') rest.outputs = c.outputs;
    return layout.sourceFirst ? { source, ...rest } : { ...rest, source };
  });
  const json = {
    cells: cellObjects,
    metadata: { kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.4' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  let out = '';
  const str = (s: string) => {
    const j = JSON.stringify(s);
    return layout.ensureAscii ? j.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : j;
  };
  const nl = (level: number) => (layout.indent ? layout.eol + layout.indent.repeat(level) : '');
  const colon = layout.indent ? ': ' : ':';
  const write = (value: unknown, level: number, pathKeys: Array<string | number>): void => {
    const isSource = pathKeys.length === 3 && pathKeys[0] === 'cells' && pathKeys[2] === 'source';
    const start = out.length;
    if (value === null || typeof value === 'number' || typeof value === 'boolean') out += JSON.stringify(value);
    else if (typeof value === 'string') out += str(value);
    else if (Array.isArray(value)) {
      if (!value.length) out += '[]';
      else {
        out += '[';
        value.forEach((v, i) => {
          out += (i ? ',' : '') + nl(level + 1);
          write(v, level + 1, [...pathKeys, i]);
        });
        out += nl(level) + ']';
      }
    } else {
      const entries = Object.entries(value as Record<string, unknown>);
      if (!entries.length) out += '{}';
      else {
        out += '{';
        entries.forEach(([k, v], i) => {
          out += (i ? ',' : '') + nl(level + 1) + str(k) + colon;
          write(v, level + 1, [...pathKeys, k]);
        });
        out += nl(level) + '}';
      }
    }
    if (isSource) sourceSpans[pathKeys[1] as number] = { start, end: out.length };
  };
  write(json, 0, []);
  if (layout.finalNewline) out += layout.eol;
  return { text: out, sourceSpans, json };
}

// ---------------------------------------------------------------------------------------------------
// Projects

const ROOT = '/proj';

/** Where the target module goes, relative to the project root. */
const MODULE_TARGETS = ['src/pkg/steps.py', 'src/pkg/sub/steps.py', 'pkg/steps.py', 'src/steps.py', 'src/pkg/bad-name.py', '../outside/steps.py'];

const EXISTING_MODULES = [
  '"""Helpers."""\nimport math\n\n\ndef existing():\n    return math.pi\n',
  'import os\r\nimport sys\r\n\r\nVALUE = 1\r\n',
  'x = "ünïcode ✓ 数据"',
  'import json',
  'import os\nprint(os.sep)\n',
  'def step():\n    pass\n',
  'def broken(:\n',
  '',
  '# only a comment',
];

interface GenProject {
  layout: 'src-pkg' | 'src-no-init' | 'flat' | 'none';
  pyproject: boolean;
  notebookDir: 'notebooks' | '.';
  notebookName: 'analysis.ipynb' | 'données ü.ipynb';
  module: string;
  /** What already sits at the module path. */
  atModule: { kind: 'none' } | { kind: 'file'; text: string; bom: boolean } | { kind: 'directory' };
  /** A plain file where the plan may want a package folder (`<module's folder>`), when that folder does not exist. */
  fileAtPackageDir: boolean;
  /** Other files that must survive untouched. */
  bystanders: boolean;
}

/**
 * `knownBugs: true` includes the shapes that once failed (a folder named like the module, a file
 * where a package folder goes, a module with a byte-order mark); see the regression repros at the end.
 */
const projectArb = (knownBugs: boolean): fc.Arbitrary<GenProject> => fc.record({
  layout: fc.constantFrom('src-pkg' as const, 'src-no-init' as const, 'flat' as const, 'none' as const),
  pyproject: fc.boolean(),
  notebookDir: fc.constantFrom('notebooks' as const, '.' as const),
  notebookName: fc.constantFrom('analysis.ipynb' as const, 'données ü.ipynb' as const),
  module: fc.constantFrom(...MODULE_TARGETS),
  atModule: fc.oneof<[fc.Arbitrary<GenProject['atModule']>, ...fc.Arbitrary<GenProject['atModule']>[]]>(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('file' as const), text: fc.constantFrom(...EXISTING_MODULES), bom: knownBugs ? fc.boolean() : fc.constant(false) }),
    ...(knownBugs ? [fc.constant({ kind: 'directory' as const })] : []),
  ),
  fileAtPackageDir: knownBugs ? fc.boolean() : fc.constant(false),
  bystanders: fc.boolean(),
});

const BOM = '\uFEFF';

/** The project's files (relative paths → content); `null` marks an empty directory. */
function projectFiles(p: GenProject): Map<string, string | null> {
  const files = new Map<string, string | null>();
  if (p.pyproject) files.set('pyproject.toml', '[project]\nname = "pkg"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n');
  if (p.layout === 'src-pkg') files.set('src/pkg/__init__.py', '"""The package — ünïcode."""\n');
  if (p.layout === 'src-no-init') files.set('src/pkg/README.md', 'no __init__ here\n');
  if (p.layout === 'flat') files.set('pkg/__init__.py', '');
  if (p.bystanders) {
    files.set('src/pkg/sub/__init__.py.bak', 'keep me\n');
    files.set('data/raw.csv', 'a,b\n1,2\n');
  }
  const moduleDir = path.posix.dirname(p.module);
  if (p.fileAtPackageDir && !p.module.startsWith('..') && ![...files.keys()].some((f) => f.startsWith(moduleDir + '/'))) {
    files.set(moduleDir, 'a file where a package folder could go\n');
  } else if (p.atModule.kind === 'file') {
    files.set(p.module, (p.atModule.bom ? BOM : '') + p.atModule.text);
  } else if (p.atModule.kind === 'directory') {
    files.set(p.module, null);
    files.set(`${p.module}/keep.txt`, 'inside a folder named like the module\n');
  }
  return files;
}

const caseArb = (knownBugs: boolean) => fc
  .record({
    cells: fc.array(cellArb, { minLength: 1, maxLength: 6 }),
    layout: layoutArb,
    project: projectArb(knownBugs),
    functionName: fc.constantFrom(...FUNCTION_NAMES),
    pick: fc.nat(),
    passText: fc.boolean(),
  })
  .filter((c) => c.cells.some((cell) => cell.cell_type === 'code'));

/**
 * Notebooks built around imports-only cells: one or two families (an imports-only cell, then one or two
 * cells that read its names, at random places after it) among up to three cells of the general pool.
 * The selection is a run of 1 to 3 code cells, usually starting at a cell that reads an import, so that
 * the plans often move the only reader of an imports-only cell (which empties it) or one of two readers
 * (which keeps it).
 */
const FAMILY_ARBS = IMPORT_FAMILIES.map((f) => fc.record({
  imports: codeCellArb(fc.constant(f.imports)),
  uses: fc.array(codeCellArb(fc.constantFrom(...f.uses)), { minLength: 1, maxLength: 2 }),
  /** Where the imports cell and each use go. */
  at: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
}));

const importsCaseArb = (knownBugs: boolean) => fc
  .record({
    fillers: fc.array(cellArb, { maxLength: 3 }),
    families: fc.uniqueArray(fc.constantFrom(...FAMILY_ARBS), { minLength: 1, maxLength: 2 }).chain((families) => fc.tuple(...families)),
    layout: layoutArb,
    project: projectArb(knownBugs),
    // Mostly names that extract, so that the plans mostly get as far as the imports cells.
    functionName: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('step', 'clean_rows', 'compute_area', '_private2') }, { weight: 1, arbitrary: fc.constantFrom(...FUNCTION_NAMES) }),
    pick: fc.nat(),
    atAUse: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    span: fc.constantFrom(1, 1, 1, 2, 3),
    via: fc.constantFrom('file' as const, 'text' as const, 'editor' as const),
  })
  .map(({ fillers, families, pick, atAUse, span, ...rest }) => {
    const cells: Array<GenCell & { use?: true }> = [...fillers];
    for (const family of families) {
      const importsAt = family.at[0]! % (cells.length + 1);
      cells.splice(importsAt, 0, family.imports);
      family.uses.forEach((use, u) => {
        // Anywhere after the family's imports cell; later insertions keep this order.
        cells.splice(importsAt + 1 + (family.at[1 + u]! % (cells.length - importsAt)), 0, { ...use, use: true });
      });
    }
    const code = cells.flatMap((c, i) => (c.cell_type === 'code' ? [i] : []));
    const uses = code.flatMap((i, k) => (cells[i]!.use ? [k] : []));
    const first = atAUse ? uses[pick % uses.length]! : pick % code.length;
    const last = Math.min(first + span - 1, code.length - 1);
    return { ...rest, cells: cells.map(({ use: _, ...c }) => c as GenCell), first, last };
  });

type OkPlan = Extract<ExtractPlan, { ok: true }>;

// ---------------------------------------------------------------------------------------------------
// The checks

function offsets(text: string, edit: TextEdit): { start: number; end: number } {
  const li = new LineIndex(text);
  return { start: li.offsetAt(edit.range.start), end: li.offsetAt(edit.range.end) };
}

/** (1) The `.ipynb` edit touches only the target cell's `source` value; everything else parses back equal. */
function checkNotebookEdit(text: string, span: { start: number; end: number }, original: { cells: Array<Record<string, unknown>> } & Record<string, unknown>, targetCell: number, plan: OkPlan): void {
  assert.equal(plan.ipynbEdit.length, 1, 'one text edit of the .ipynb');
  const { start, end } = offsets(text, plan.ipynbEdit[0]!);
  assert.ok(start >= span.start && end <= span.end, `the .ipynb edit ${start}..${end} lies outside the cell's source value ${span.start}..${span.end}`);
  const after = applyTextEdits(text, plan.ipynbEdit);
  const tail = text.length - span.end;
  assert.ok(after.length - tail >= span.start);
  assert.equal(after.slice(0, span.start), text.slice(0, span.start), 'every byte before the cell source is unchanged');
  assert.equal(after.slice(after.length - tail), text.slice(span.end), 'every byte after the cell source is unchanged');
  const parsed = JSON.parse(after) as typeof original;
  const { cells: beforeCells, ...beforeRest } = original;
  const { cells: afterCells, ...afterRest } = parsed;
  assert.deepEqual(afterRest, beforeRest, 'notebook metadata is unchanged');
  assert.equal(afterCells.length, beforeCells.length);
  afterCells.forEach((c, i) => {
    if (i !== targetCell) return assert.deepEqual(c, beforeCells[i], `cell ${i} is unchanged`);
    const { source: newSource, ...rest } = c;
    const { source: oldSource, ...oldRest } = beforeCells[i]!;
    assert.deepEqual(rest, oldRest, 'the extracted cell keeps its outputs, metadata and id');
    assert.equal(Array.isArray(newSource), Array.isArray(oldSource), 'the source keeps its list-or-string form');
    assert.equal(Array.isArray(newSource) ? (newSource as string[]).join('') : newSource, plan.cellText, 'the new source is the planned cell text');
  });
}

interface Tree {
  exists(p: string): Promise<boolean>;
  isFile(p: string): Promise<boolean>;
}

/** (2) No `create` over an existing path or below an existing file; (3) module edits only insert, at line ends. */
async function checkOperations(tree: Tree, req: ExtractRequest, plan: OkPlan, moduleText: (p: string) => Promise<string | undefined>, editedCells: number[] = [plan.cellIndex]): Promise<void> {
  const cellEdits = plan.edit.operations.filter((o): o is Extract<EditOperation, { kind: 'cellEdit' }> => o.kind === 'cellEdit');
  assert.equal(cellEdits.length, editedCells.length, `one cellEdit per changed cell (${editedCells.join(', ')})`);
  for (const cellEdit of cellEdits) assert.equal(cellEdit.path, req.notebookPath);
  assert.deepEqual(cellEdits.map((e) => e.cell).sort((a, b) => a - b), [...editedCells].sort((a, b) => a - b), 'the cellEdits are of the changed cells, one each');
  for (const op of plan.edit.operations) {
    if (op.kind === 'create') {
      assert.ok(!(await tree.exists(op.path)), `create targets ${op.path}, which exists`);
      for (let dir = dirname(op.path); dir !== dirname(dir); dir = dirname(dir)) {
        assert.ok(!(await tree.isFile(dir)), `create targets ${op.path}, below the existing file ${dir}`);
      }
    } else if (op.kind === 'edit') {
      assert.equal(op.path, req.modulePath, 'only the target module is edited');
      const before = await moduleText(op.path);
      assert.ok(before !== undefined, `edit of ${op.path}, which is not an existing file`);
      checkInsertOnly(before, op.edits);
    }
  }
  assert.ok(plan.edit.operations.some((o) => (o.kind === 'create' || o.kind === 'edit') && o.path === req.modulePath), 'the module is created or edited');
}

function checkInsertOnly(before: string, edits: TextEdit[]): void {
  const spans = edits.map((e) => ({ ...offsets(before, e), newText: e.newText })).sort((a, b) => a.start - b.start);
  for (const s of spans) {
    assert.equal(s.start, s.end, 'a module edit replaces nothing, it only inserts');
    assert.ok(s.start === before.length || before[s.start] === '\n' || before[s.start] === '\r', `insertion at ${s.start} splits the line ${JSON.stringify(before.slice(before.lastIndexOf('\n', s.start - 1) + 1, s.start + 10))}`);
  }
  assert.equal(spans[spans.length - 1]?.start, before.length, 'the function is appended at the end');
  const after = applyTextEdits(before, edits);
  // Deleting the inserted text gives back the original: the original's bytes are all there, in order.
  let rebuilt = '';
  let cursor = 0;
  let shift = 0;
  for (const s of spans) {
    rebuilt += after.slice(cursor + shift, s.start + shift);
    cursor = s.start;
    shift += s.newText.length;
  }
  rebuilt += after.slice(cursor + shift);
  assert.equal(rebuilt, before);
  if (spans.length === 1) assert.ok(after.startsWith(before), 'a pure append keeps the original as a prefix');
}

/** The names a module's top-level `import` and `from … import` lines bind (read off its text, not parsed by the core). */
function namesImportedBy(moduleText: string): Set<string> {
  const names = new Set<string>();
  for (const line of moduleText.split(/\r?\n/)) {
    const plain = /^import\s+(.+)$/.exec(line);
    const from = /^from\s+\S+\s+import\s+\(?([^)]+)\)?$/.exec(line);
    for (const clause of (plain ?? from)?.[1]!.split(',') ?? []) {
      const [, target, alias] = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(clause) ?? [];
      if (target) names.add(alias ?? (plain ? target.split('.')[0]! : target));
    }
  }
  return names;
}

const mentions = (text: string, name: string) => new RegExp(`(^|[^\\w])${name}($|[^\\w])`).test(text);

type CellsOkPlan = Extract<CellsExtractPlan, { ok: true }>;

/**
 * The `.ipynb` edit of an "Extract cells" plan that selected the code cells `first..last`, checked
 * against what the generator wrote (`cells`, and where each `source` value lies in `text`):
 * - every edit lies inside the `source` value of a selected cell or of a cell the generator wrote as
 *   imports-only, one edit per cell, and every byte outside those values is unchanged;
 * - the result parses with the notebook's metadata and every other cell deep-equal; each changed cell
 *   keeps every other key and its list-or-string form; the first selected cell holds the planned text,
 *   the other selected cells are exactly empty (`""` or `[]`); a changed imports-only cell is exactly its
 *   comments and magics (emptied), or itself without some import lines (trimmed), whose names nothing
 *   left reads and the module imports;
 * - no cell left in the notebook reads a name an emptied cell imported (by the generator's own record
 *   of which cell reads what), the planned cell text does not mention it, and the module imports it;
 * - an imports-only cell whose names only the selected cells read, which they do not bind themselves
 *   and which the new cell text does not mention, is emptied: the case cannot silently stop happening.
 * Returns the cell indices emptied because nothing left reads their imports, and those that stayed
 * although the moved code read one of their names.
 */
function checkCellsNotebookEdit(
  text: string,
  spans: Array<{ start: number; end: number }>,
  cells: GenCell[],
  first: number,
  last: number,
  plan: CellsOkPlan,
): { emptied: number[]; kept: number[]; trimmed: number[] } {
  const code = cells.flatMap((c, i) => (c.cell_type === 'code' ? [i] : []));
  const selected = code.slice(first, last + 1);
  const mayChange = (i: number) => selected.includes(i) || cells[i]!.importsOnly !== undefined;
  const edits = plan.ipynbEdit
    .map((e) => {
      const { start, end } = offsets(text, e);
      const cell = spans.findIndex((span) => span !== undefined && start >= span.start && end <= span.end);
      assert.ok(cell >= 0, `the .ipynb edit ${start}..${end} lies outside every cell's source value`);
      assert.ok(mayChange(cell), `the .ipynb edit ${start}..${end} changes cell ${cell}, which is neither selected nor imports-only: ${JSON.stringify(cells[cell]!.source)}`);
      return { start, end, newText: e.newText, cell };
    })
    .sort((a, b) => a.start - b.start);
  assert.equal(new Set(edits.map((e) => e.cell)).size, edits.length, 'one edit per cell');

  // The edited text rebuilt from the untouched bytes and the edited source values.
  let rebuilt = '';
  let cursor = 0;
  for (const e of edits) {
    const span = spans[e.cell]!;
    rebuilt += text.slice(cursor, span.start) + text.slice(span.start, e.start) + e.newText + text.slice(e.end, span.end);
    cursor = span.end;
  }
  rebuilt += text.slice(cursor);
  const after = applyTextEdits(text, plan.ipynbEdit);
  assert.equal(after, rebuilt, 'every byte outside the edited source values is unchanged');

  const original = JSON.parse(text) as { cells: Array<Record<string, unknown>> } & Record<string, unknown>;
  const parsed = JSON.parse(after) as typeof original;
  const { cells: beforeCells, ...beforeRest } = original;
  const { cells: afterCells, ...afterRest } = parsed;
  assert.deepEqual(afterRest, beforeRest, 'notebook metadata is unchanged');
  assert.equal(afterCells.length, beforeCells.length);
  const edited = new Set(edits.map((e) => e.cell));
  const emptied: number[] = [];
  const trimmed = new Map<number, string[]>();
  afterCells.forEach((c, i) => {
    if (!edited.has(i) && !selected.includes(i)) return assert.deepEqual(c, beforeCells[i], `cell ${i} is unchanged`);
    const { source: newSource, ...rest } = c;
    const { source: oldSource, ...oldRest } = beforeCells[i]!;
    assert.deepEqual(rest, oldRest, `cell ${i} keeps its outputs, metadata and id`);
    assert.equal(Array.isArray(newSource), Array.isArray(oldSource), `cell ${i} keeps its list-or-string form`);
    if (i === selected[0]) return assert.equal(Array.isArray(newSource) ? (newSource as string[]).join('') : newSource, plan.cellText, 'the first selected cell holds the planned text');
    if (selected.includes(i)) return assert.deepEqual(newSource, Array.isArray(oldSource) ? [] : '', `cell ${i} is exactly empty`);
    // An emptied imports cell keeps its comments, the user's words, and its magics, and nothing else;
    // a trimmed one lost some import lines (a removed line's end comment stays as a line), the rest as it was.
    const joined = (source: unknown) => (Array.isArray(source) ? (source as string[]).join('') : (source as string));
    if (joined(newSource) === emptiedImportsCell(joined(oldSource))) return emptied.push(i);
    const removedNames = trimmedImportsCell(joined(oldSource), joined(newSource));
    assert.ok(removedNames, `imports cell ${i} (${JSON.stringify(joined(oldSource))}) became ${JSON.stringify(joined(newSource))}: neither emptied nor trimmed`);
    trimmed.set(i, removedNames);
  });
  // What a trimmed cell lost, nothing left in the notebook reads, and the module imports.
  const remainingAfterTrim = code.filter((i) => !selected.includes(i) && !emptied.includes(i));
  for (const [t, names] of trimmed) {
    for (const name of names) {
      const reader = remainingAfterTrim.find((i) => i !== t && cells[i]!.reads.includes(name));
      assert.equal(reader, undefined, `cell ${t} lost \`${name}\`, but cell ${reader} still reads it`);
      assert.ok(!mentions(plan.cellText, name), `cell ${t} lost \`${name}\`, but the new cell text mentions it`);
      assert.ok(namesImportedBy(plan.moduleText).has(name), `cell ${t} lost \`${name}\`, but the module does not import it`);
    }
  }

  const remaining = code.filter((i) => !selected.includes(i) && !emptied.includes(i));
  for (const e of emptied) {
    for (const name of cells[e]!.importsOnly!) {
      const reader = remaining.find((i) => cells[i]!.reads.includes(name));
      assert.equal(reader, undefined, `cell ${e} (${JSON.stringify(cells[e]!.source)}) was emptied, but cell ${reader} still reads \`${name}\`: ${JSON.stringify(cells[reader ?? 0]!.source)}`);
      assert.ok(!mentions(plan.cellText, name), `cell ${e} was emptied, but the new cell text still mentions \`${name}\`: ${JSON.stringify(plan.cellText)}`);
      assert.ok(namesImportedBy(plan.moduleText).has(name), `cell ${e} was emptied, but the module does not import \`${name}\`:\n${plan.moduleText}`);
    }
  }

  const movedReads = new Set(selected.flatMap((i) => cells[i]!.reads));
  const boundBySelection = new Set(selected.flatMap((i) => cells[i]!.importsOnly ?? []));
  const kept: number[] = [];
  for (const c of code) {
    const names = cells[c]!.importsOnly;
    if (!names || selected.includes(c) || emptied.includes(c) || trimmed.has(c) || !names.some((n) => movedReads.has(n))) continue;
    kept.push(c);
    // Code that only calls and displays stays in the cell (after hoisting): it still reads the names there.
    const onlyTheMovedCodeReadsThem =
      names.every((n) => movedReads.has(n) && !boundBySelection.has(n) && !mentions(plan.cellText, n)) &&
      !code.some((i) => !selected.includes(i) && names.some((n) => cells[i]!.reads.includes(n)));
    assert.ok(!onlyTheMovedCodeReadsThem, `cell ${c} (${JSON.stringify(cells[c]!.source)}) stays although only the moved code read ${names.join(', ')}`);
  }
  // Statement by statement: an import line whose every name only the moved code read goes, even when the cell stays.
  const onlyMovedCodeReads = (n: string) =>
    movedReads.has(n) && !boundBySelection.has(n) && !mentions(plan.cellText, n) && !code.some((i) => !selected.includes(i) && cells[i]!.reads.includes(n));
  for (const c of code) {
    if (!cells[c]!.importsOnly || selected.includes(c) || emptied.includes(c)) continue;
    for (const line of cells[c]!.source.split('\n')) {
      const names = namesOnImportLine(line);
      if (!names.length || !names.every(onlyMovedCodeReads)) continue;
      assert.ok(names.every((n) => trimmed.get(c)?.includes(n)), `cell ${c} keeps \`${line.trim()}\` although only the moved code read ${names.join(', ')}`);
    }
  }
  return { emptied, kept, trimmed: [...trimmed.keys()] };
}

/** "One undoable edit": the plan's one WorkspaceEdit changes each changed cell once, as the `.ipynb` edit does. */
function checkCellEditsAgreeWithFile(req: ExtractRequest, text: string, sources: string[], cells: GenCell[], plan: CellsOkPlan, changed: number[]): void {
  const code = cells.flatMap((c, i) => (c.cell_type === 'code' ? [i] : []));
  const afterCells = (JSON.parse(applyTextEdits(text, plan.ipynbEdit)) as { cells: Array<{ source: string | string[] }> }).cells;
  const cellEdits = plan.edit.operations.filter((o): o is Extract<EditOperation, { kind: 'cellEdit' }> => o.kind === 'cellEdit');
  assert.deepEqual(cellEdits.map((o) => o.cell).sort((a, b) => a - b), [...changed].sort((a, b) => a - b), 'the WorkspaceEdit edits exactly the changed cells');
  for (const op of cellEdits) {
    assert.equal(op.path, req.notebookPath);
    const before = sources[code.indexOf(op.cell)]!;
    const now = afterCells[op.cell]!.source;
    assert.equal(applyTextEdits(before, op.edits), Array.isArray(now) ? now.join('') : now, `the cellEdit of cell ${op.cell} gives the source the .ipynb edit gives`);
  }
}

const stripBom = (s: string) => (s.startsWith(BOM) ? s.slice(1) : s);

function notebookPathFor(root: string, p: GenProject): string {
  return p.notebookDir === '.' ? `${root}/${p.notebookName}` : `${root}/${p.notebookDir}/${p.notebookName}`;
}

// ---------------------------------------------------------------------------------------------------

async function planProperty(knownBugs: boolean, seed: number, numRuns: number): Promise<{ ok: number; refused: number; created: number; appended: number }> {
  const counts = { ok: 0, refused: 0, created: 0, appended: 0 };
  await fc.assert(
    fc.asyncProperty(caseArb(knownBugs), async ({ cells, layout, project, functionName, pick, passText }) => {
      const { text: rawText, sourceSpans } = renderNotebook(cells, layout);
      const notebookPath = notebookPathFor(ROOT, project);
      const files = projectFiles(project);
      const fs = new MemoryFileSystem();
      for (const [rel, content] of files) {
        if (content === null) fs.mkdirp(path.posix.join(ROOT, rel));
        else fs.writeFile(path.posix.join(ROOT, rel), content);
      }
      const text = (layout.bom ? BOM : '') + rawText;
      fs.writeFile(notebookPath, text);
      const codeCells = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === 'code');
      const k = pick % codeCells.length;
      const req: ExtractRequest = {
        notebookPath,
        ...(passText ? { notebookText: rawText } : {}),
        codeCellIndex: k,
        modulePath: normalizePath(path.posix.join(ROOT, project.module)),
        functionName,
        projectRoot: ROOT,
      };
      const plan = await planExtraction(fs, req);
      if (!plan.ok) {
        counts.refused++;
        assert.ok(plan.reason.length > 0);
        return;
      }
      counts.ok++;
      if (plan.edit.operations.some((o) => o.kind === 'edit')) counts.appended++;
      else counts.created++;
      assert.equal(plan.cellIndex, codeCells[k]!.i);
      checkNotebookEdit(rawText, sourceSpans[codeCells[k]!.i]!, JSON.parse(rawText), codeCells[k]!.i, plan);
      const tree: Tree = {
        exists: async (p) => (await fs.lstat(p)) !== undefined,
        isFile: async (p) => (await fs.lstat(p))?.kind === 'file',
      };
      // The editor applies module edits to the document, whose text has no byte-order mark.
      await checkOperations(tree, req, plan, async (p) => ((await fs.lstat(p))?.kind === 'file' ? stripBom(new TextDecoder().decode(await fs.readFile(p))) : undefined));
    }),
    { seed, numRuns },
  );
  console.log(`extract-safety (plans${knownBugs ? ', with known-bug shapes' : ''}): ok=${counts.ok} refused=${counts.refused} (created=${counts.created}, appended=${counts.appended})`);
  return counts;
}

test('Extract plans change only the cell source, never create over existing files, only append to modules', async () => {
  const counts = await planProperty(true, 20240607, 500);
  assert.ok(counts.ok >= 60, `only ${counts.ok} plans were ok: the property barely ran`);
  assert.ok(counts.appended >= 10, `only ${counts.appended} plans appended to an existing module`);
});

interface ImportsCounts {
  ok: number;
  refused: number;
  /** Plans that emptied at least one imports-only cell, and the cells they emptied. */
  emptiedPlans: number;
  emptiedCells: number;
  /** Plans that moved a reader of an imports-only cell whose imports stayed (another reader, an unread name). */
  keptPlans: number;
  /** Plans that trimmed an imports-only cell of the imports only the moved code read. */
  trimmedPlans: number;
}

const newImportsCounts = (): ImportsCounts => ({ ok: 0, refused: 0, emptiedPlans: 0, emptiedCells: 0, keptPlans: 0, trimmedPlans: 0 });

function countImportCells(counts: ImportsCounts, outcome: { emptied: number[]; kept: number[] }): void {
  if (outcome.emptied.length) counts.emptiedPlans++;
  counts.emptiedCells += outcome.emptied.length;
  if (outcome.kept.length) counts.keptPlans++;
}

/** The code cells' sources as the file holds them (the editor's cell texts). */
const codeSources = (cells: GenCell[], layout: Layout) => cells.filter((c) => c.cell_type === 'code').map((c) => c.source.replace(/\n/g, layout.sourceEol));

async function importsPlanProperty(seed: number, numRuns: number): Promise<ImportsCounts> {
  const counts = newImportsCounts();
  await fc.assert(
    fc.asyncProperty(importsCaseArb(true), async ({ cells, layout, project, functionName, first, last, via }) => {
      const { text: rawText, sourceSpans } = renderNotebook(cells, layout);
      const notebookPath = notebookPathFor(ROOT, project);
      const fs = new MemoryFileSystem();
      for (const [rel, content] of projectFiles(project)) {
        if (content === null) fs.mkdirp(path.posix.join(ROOT, rel));
        else fs.writeFile(path.posix.join(ROOT, rel), content);
      }
      fs.writeFile(notebookPath, (layout.bom ? BOM : '') + rawText);
      const sources = codeSources(cells, layout);
      const req: ExtractRequest = {
        notebookPath,
        // What the editor sends (its cells' texts), what the CLI sends (the file's text), or nothing.
        ...(via === 'text' ? { notebookText: rawText } : via === 'editor' ? { cells: sources } : {}),
        codeCellIndex: first,
        ...(last !== first ? { lastCodeCellIndex: last } : {}),
        modulePath: normalizePath(path.posix.join(ROOT, project.module)),
        functionName,
        projectRoot: ROOT,
      };
      const plan = await planCellsExtraction(fs, req);
      if (!plan.ok) {
        counts.refused++;

        assert.ok(plan.reason.length > 0);
        return;
      }
      counts.ok++;
      const code = cells.flatMap((c, i) => (c.cell_type === 'code' ? [i] : []));
      assert.equal(plan.cellIndex, code[first]);
      const outcome = checkCellsNotebookEdit(rawText, sourceSpans, cells, first, last, plan);
      countImportCells(counts, outcome);
      const changed = [...code.slice(first, last + 1), ...outcome.emptied, ...outcome.trimmed];
      checkCellEditsAgreeWithFile(req, rawText, sources, cells, plan, changed);
      // What the plan tells the user matches what the edit does.
      assert.deepEqual((plan.importCells ?? []).filter((c) => c.emptied).map((c) => code[c.codeIndex]).sort((a, b) => a! - b!), outcome.emptied, 'the plan reports the cells it empties');
      assert.deepEqual((plan.importCells ?? []).filter((c) => c.removed).map((c) => code[c.codeIndex]).sort((a, b) => a! - b!), outcome.trimmed.sort((a, b) => a - b), 'and the cells it trims');
      counts.trimmedPlans += outcome.trimmed.length ? 1 : 0;
      const tree: Tree = {
        exists: async (p) => (await fs.lstat(p)) !== undefined,
        isFile: async (p) => (await fs.lstat(p))?.kind === 'file',
      };
      await checkOperations(tree, req, plan, async (p) => ((await fs.lstat(p))?.kind === 'file' ? stripBom(new TextDecoder().decode(await fs.readFile(p))) : undefined), changed);
    }),
    { seed, numRuns },
  );
  console.log(`extract-safety (cells plans around imports-only cells): ok=${counts.ok} refused=${counts.refused}; imports-only cells emptied by ${counts.emptiedPlans} plans (${counts.emptiedCells} cells), trimmed by ${counts.trimmedPlans}, kept by ${counts.keptPlans} plans that moved a reader`);
  return counts;
}

test('Extract cells empties an imports-only cell only when nothing left reads it, and changes nothing else', async () => {
  const counts = await importsPlanProperty(20261203, 300);
  assert.ok(counts.ok >= 50, `only ${counts.ok} plans were ok: the property barely ran`);
  assert.ok(counts.emptiedPlans > 0, 'no plan emptied an imports-only cell: the property no longer covers it');
  assert.ok(counts.trimmedPlans > 0, 'no plan trimmed an imports-only cell: the property no longer covers it');
  assert.ok(counts.keptPlans > 0, 'no plan kept an imports-only cell whose names the moved code read: the property no longer covers it');
});

// ---------------------------------------------------------------------------------------------------
// On disk, through the CLI

function snapshot(dir: string): Map<string, Buffer | 'dir'> {
  const out = new Map<string, Buffer | 'dir'>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) {
        out.set(p, 'dir');
        walk(p);
      } else out.set(p, readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Writes the generated project and its notebook under `root`; returns the notebook's path. */
function writeProject(root: string, p: Parameters<typeof projectFiles>[0], notebookText: string): string {
  for (const [rel, content] of projectFiles(p)) {
    const abs = path.join(root, rel);
    if (content === null) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  const notebookPath = notebookPathFor(root, p);
  mkdirSync(path.dirname(notebookPath), { recursive: true });
  writeFileSync(notebookPath, notebookText);
  return notebookPath;
}

async function cliProperty(knownBugs: boolean, seed: number, numRuns: number): Promise<{ ok: number; refused: number }> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlh-extract-safety-'));
  const counts = { ok: 0, refused: 0 };
  try {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb(knownBugs), async ({ cells, layout, project, functionName, pick }) => {
        const root = normalizePath(path.join(scratch, `p${n++}`, 'proj'));
        const p = { ...project, pyproject: true }; // the CLI finds the project root by pyproject.toml
        const { text: rawText, sourceSpans } = renderNotebook(cells, layout);
        const notebookPath = writeProject(root, p, (layout.bom ? BOM : '') + rawText);
        const codeCells = cells.map((c, i) => ({ c, i })).filter(({ c }) => c.cell_type === 'code');
        const k = pick % codeCells.length;
        const modulePath = normalizePath(path.join(root, p.module));
        const req: ExtractRequest = { notebookPath, notebookText: rawText, codeCellIndex: k, modulePath, functionName, projectRoot: root };
        // What `ml-hygiene extract` plans: definitions it can hoist move to module level unchanged.
        const plan = await planCellsExtraction(new DiskFileSystem(), req);
        const before = snapshot(path.dirname(root));

        const err: string[] = [];
        let code: number;
        try {
          code = await runExtract({ positionals: [notebookPath], flags: new Map([['--cell', String(k)], ['--module', modulePath], ['--function', functionName]]) }, () => {}, (s) => err.push(s));
        } catch (e) {
          for (const [f, bytes] of before) assert.deepEqual(snapshot(path.dirname(root)).get(f), bytes, `${f} changed, then runExtract threw ${String(e)}`);
          assert.fail(`runExtract threw instead of refusing: ${String(e)}`);
        }
        const after = snapshot(path.dirname(root));

        if (code !== 0) {
          counts.refused++;
          for (const [f, bytes] of before) assert.deepEqual(after.get(f), bytes, `${f} changed although extract refused: ${err.join('\n')}`);
          return;
        }
        counts.ok++;
        assert.ok(plan.ok, 'the CLI applied what the plan refused');
        if (!plan.ok) return;
        const edits = new Map(plan.edit.operations.filter((o) => o.kind === 'edit').map((o) => [normalizePath(o.path), o.edits]));
        for (const [f, bytes] of before) {
          const now = after.get(f);
          assert.ok(now !== undefined, `${f} was deleted`);
          if (normalizePath(f) === notebookPath) {
            const nowText = (now as Buffer).toString('utf8');
            assert.equal(nowText.startsWith(BOM), layout.bom, 'the byte-order mark is kept as it was');
            const nowRaw = stripBom(nowText);
            const span = sourceSpans[codeCells[k]!.i]!;
            const tail = rawText.length - span.end;
            assert.equal(nowRaw.slice(0, span.start), rawText.slice(0, span.start), 'notebook bytes before the cell source are unchanged');
            assert.equal(nowRaw.slice(nowRaw.length - tail), rawText.slice(span.end), 'notebook bytes after the cell source are unchanged');
            checkNotebookEdit(rawText, span, JSON.parse(rawText), codeCells[k]!.i, plan);
            assert.equal(nowRaw, applyTextEdits(rawText, plan.ipynbEdit));
          } else if (edits.has(normalizePath(f))) {
            // The module's bytes: the planned insertions at the planned places, the byte-order mark kept.
            const beforeText = (bytes as Buffer).toString('utf8');
            const bom = beforeText.startsWith(BOM) ? BOM : '';
            checkInsertOnly(stripBom(beforeText), edits.get(normalizePath(f))!);
            assert.equal((now as Buffer).toString('utf8'), bom + applyTextEdits(stripBom(beforeText), edits.get(normalizePath(f))!), `${f} was not edited as planned`);
          } else {
            assert.deepEqual(now, bytes, `${f} was overwritten`);
          }
        }
        const created = plan.edit.operations.filter((o) => o.kind === 'create').map((o) => normalizePath(o.path));
        for (const [f, bytes] of after) {
          if (before.has(f) || bytes === 'dir') continue;
          assert.ok(created.includes(normalizePath(f)), `${f} appeared without a create in the plan`);
        }
      }),
      { seed, numRuns },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`extract-safety (cli${knownBugs ? ', with known-bug shapes' : ''}): ok=${counts.ok} refused=${counts.refused}`);
  return counts;
}

test('ml-hygiene extract on disk overwrites no file and rewrites only the cell source', async () => {
  const counts = await cliProperty(true, 424242, 80);
  assert.ok(counts.ok >= 5, `only ${counts.ok} CLI runs extracted: the property barely ran`);
});

/**
 * `ml-hygiene extract --cell N` / `--cells A-B` on notebooks built around imports-only cells: the file
 * ends up exactly as the planned edit says (emptied imports cells included, with the checks of
 * checkCellsNotebookEdit), the module as planned, and every other file byte-identical.
 */
async function cliImportsProperty(seed: number, numRuns: number): Promise<ImportsCounts> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mlh-extract-imports-'));
  const counts = newImportsCounts();
  try {
    let n = 0;
    await fc.assert(
      // Shapes the CLI refuses up front are the other CLI property's business: here the runs should extract.
      fc.asyncProperty(importsCaseArb(false).filter((c) => !/^\.\.|bad-name/.test(c.project.module) && !['print', 'bad-name'].includes(c.functionName)), async ({ cells, layout, project, functionName, first, last }) => {
        const root = normalizePath(path.join(scratch, `p${n++}`, 'proj'));
        const p = { ...project, pyproject: true }; // the CLI finds the project root by pyproject.toml
        const { text: rawText, sourceSpans } = renderNotebook(cells, layout);
        const notebookPath = writeProject(root, p, (layout.bom ? BOM : '') + rawText);
        const modulePath = normalizePath(path.join(root, p.module));
        const req: ExtractRequest = { notebookPath, notebookText: rawText, codeCellIndex: first, ...(last !== first ? { lastCodeCellIndex: last } : {}), modulePath, functionName, projectRoot: root };
        const plan = await planCellsExtraction(new DiskFileSystem(), req);
        const before = snapshot(path.dirname(root));

        const err: string[] = [];
        const selection: Array<[string, string]> = last === first ? [['--cell', String(first)]] : [['--cells', `${first}-${last}`]];
        let code: number;
        try {
          code = await runExtract({ positionals: [notebookPath], flags: new Map([...selection, ['--module', modulePath], ['--function', functionName]]) }, () => {}, (s) => err.push(s));
        } catch (e) {
          for (const [f, bytes] of before) assert.deepEqual(snapshot(path.dirname(root)).get(f), bytes, `${f} changed, then runExtract threw ${String(e)}`);
          assert.fail(`runExtract threw instead of refusing: ${String(e)}`);
        }
        const after = snapshot(path.dirname(root));
        if (code !== 0) {
          counts.refused++;
          assert.equal(plan.ok, false, `the CLI refused what the plan accepts: ${err.join('\n')}`);
          for (const [f, bytes] of before) assert.deepEqual(after.get(f), bytes, `${f} changed although extract refused: ${err.join('\n')}`);
          return;
        }
        counts.ok++;
        assert.ok(plan.ok, 'the CLI applied what the plan refused');
        if (!plan.ok) return;
        countImportCells(counts, checkCellsNotebookEdit(rawText, sourceSpans, cells, first, last, plan));
        const edits = new Map(plan.edit.operations.filter((o) => o.kind === 'edit').map((o) => [normalizePath(o.path), o.edits]));
        for (const [f, bytes] of before) {
          const now = after.get(f);
          assert.ok(now !== undefined, `${f} was deleted`);
          if (normalizePath(f) === notebookPath) {
            const nowText = (now as Buffer).toString('utf8');
            assert.equal(nowText.startsWith(BOM), layout.bom, 'the byte-order mark is kept as it was');
            assert.equal(stripBom(nowText), applyTextEdits(rawText, plan.ipynbEdit), 'the notebook on disk is exactly the planned edit');
          } else if (edits.has(normalizePath(f))) {
            const beforeText = (bytes as Buffer).toString('utf8');
            const bom = beforeText.startsWith(BOM) ? BOM : '';
            checkInsertOnly(stripBom(beforeText), edits.get(normalizePath(f))!);
            assert.equal((now as Buffer).toString('utf8'), bom + applyTextEdits(stripBom(beforeText), edits.get(normalizePath(f))!), `${f} was not edited as planned`);
          } else {
            assert.deepEqual(now, bytes, `${f} was overwritten`);
          }
        }
        const created = plan.edit.operations.filter((o) => o.kind === 'create');
        for (const [f, bytes] of after) {
          if (before.has(f) || bytes === 'dir') continue;
          const op = created.find((o) => normalizePath(o.path) === normalizePath(f));
          assert.ok(op, `${f} appeared without a create in the plan`);
          assert.equal((bytes as Buffer).toString('utf8'), op.kind === 'create' ? op.content : undefined, `${f} was not created as planned`);
        }
      }),
      { seed, numRuns },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`extract-safety (cli around imports-only cells): ok=${counts.ok} refused=${counts.refused}; imports-only cells emptied by ${counts.emptiedPlans} runs (${counts.emptiedCells} cells), kept by ${counts.keptPlans} runs that moved a reader`);
  return counts;
}

test('ml-hygiene extract on disk empties imports-only cells exactly as planned and touches nothing else', async () => {
  const counts = await cliImportsProperty(20261204, 60);
  assert.ok(counts.ok >= 30, `only ${counts.ok} CLI runs extracted: the property barely ran`);
  assert.ok(counts.emptiedPlans > 0, 'no CLI run emptied an imports-only cell: the property no longer covers it');
});

// ---------------------------------------------------------------------------------------------------
// Regressions: minimal repros of bugs this property found (all fixed); the properties above include
// their shapes.

const ONE_CELL = JSON.stringify({ cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['import math\n', 'area = math.pi * 2'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';

async function runCli(notebookPath: string, modulePath: string): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await runExtract({ positionals: [notebookPath], flags: new Map([['--cell', '0'], ['--module', modulePath], ['--function', 'step']]) }, () => {}, (s) => err.push(s));
  return { code, err: err.join('\n') };
}

function diskProject(files: Record<string, string | null>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-extract-repro-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (content === null) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  return normalizePath(dir);
}

/** What each repro guards against. */
export const KNOWN_BUG = {
  folderAtModule: 'planExtraction plans a `create` of the module when a folder has its path (readTextFile reports a folder as "missing")',
  fileAtPackage: 'planExtraction plans `create` of <pkg>/__init__.py and <pkg>/<mod>.py when <pkg> is a file; runExtract then throws from mkdirSync',
  bomModule: 'runExtract applies module edits computed on the BOM-stripped text to the text with its BOM: insertions land one character early and split a line',
  cliFolderAtModule: 'runExtract throws EISDIR (readFileSync of the module path) instead of refusing when a folder has the module\'s path',
};

test('repro: a folder named like the module is not a place to create the module', async () => {
  const fs = new MemoryFileSystem({ '/proj/nb.ipynb': ONE_CELL, '/proj/src/pkg/__init__.py': '', '/proj/src/pkg/steps.py/keep.txt': 'mine\n' });
  const plan = await planExtraction(fs, { notebookPath: '/proj/nb.ipynb', codeCellIndex: 0, modulePath: '/proj/src/pkg/steps.py', functionName: 'step', projectRoot: '/proj' });
  assert.equal(plan.ok, false, 'a folder at the module path is refused');
  assert.match((plan as { reason: string }).reason, /src\/pkg\/steps\.py exists and is not a file/);
});

test('repro: a file where the package folder would go', async () => {
  const fs = new MemoryFileSystem({ '/proj/nb.ipynb': ONE_CELL, '/proj/src/pkg': 'a file, not a package\n' });
  const plan = await planExtraction(fs, { notebookPath: '/proj/nb.ipynb', codeCellIndex: 0, modulePath: '/proj/src/pkg/steps.py', functionName: 'step', projectRoot: '/proj' });
  assert.equal(plan.ok, false, 'a file where the package folder goes is refused');
  assert.match((plan as { reason: string }).reason, /src\/pkg exists and is not a folder/);
  const dir = diskProject({ 'pyproject.toml': '[project]\nname = "pkg"\n', 'nb.ipynb': ONE_CELL, 'src/pkg': 'a file, not a package\n' });
  try {
    const r = await runCli(`${dir}/nb.ipynb`, `${dir}/src/pkg/steps.py`);
    assert.equal(r.code, 1, 'refused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('repro: appending to a module that starts with a byte-order mark keeps its first line', async () => {
  const dir = diskProject({ 'pyproject.toml': '[project]\nname = "pkg"\n', 'nb.ipynb': ONE_CELL, 'src/pkg/__init__.py': '', 'src/pkg/steps.py': `${BOM}import os` });
  try {
    const r = await runCli(`${dir}/nb.ipynb`, `${dir}/src/pkg/steps.py`);
    assert.equal(r.code, 0, r.err);
    const module = readFileSync(`${dir}/src/pkg/steps.py`, 'utf8');
    // Before the fix: "\uFEFFimport o\nimport math\n\n\ndef step() -> None: ...\ns".
    assert.ok(module.startsWith(`${BOM}import os\n`), `the first line was split: ${JSON.stringify(module.slice(0, 40))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('repro: the CLI refuses, and does not throw, when a folder has the module\'s path', async () => {
  const dir = diskProject({ 'pyproject.toml': '[project]\nname = "pkg"\n', 'nb.ipynb': ONE_CELL, 'src/pkg/__init__.py': '', 'src/pkg/steps.py': null });
  try {
    const r = await runCli(`${dir}/nb.ipynb`, `${dir}/src/pkg/steps.py`);
    assert.equal(r.code, 1);
    assert.equal(readFileSync(`${dir}/nb.ipynb`, 'utf8'), ONE_CELL);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
