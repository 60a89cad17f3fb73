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
import { planCellsExtraction } from '../../../src/core/extract/rangePlan';
import { applyTextEdits } from '../../../src/core/fixes/applyEdits';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { dirname, normalizePath } from '../../../src/core/fs/paths';
import { LineIndex } from '../../../src/core/text/lineIndex';

// ---------------------------------------------------------------------------------------------------
// Notebooks

/** Code cells that combine: some define what others read, some display, some are refused (magic, class). */
const CODE_SNIPPETS = [
  'import math\nradius = 2.5\narea = math.pi * radius ** 2',
  '# Load the données — ünïcode ✓\nrows = [1, 2, 3]\nlabel = "naïve 数据 🚀"',
  'values = [x * 2 for x in range(5)]\ntotal = sum(values)\ntotal',
  'def double(x):\n    return x * 2\n\nresult = double(21)',
  'for i in range(3):\n\tprint(i, "tab-indented")',
  'text = """a multi-line\n  string that keeps its bytes \\u00e9\n"""\nprint(text)',
  'print("quotes \\" and backslashes \\\\ and \\t tabs")',
  'squares = {k: k * k for k in range(4)}\nprint(squares)',
  'count = len(rows)\nprint(label, count)',
  'mean = total / len(values)\nprint(f"{mean:.2f}")',
  'import json\ndata = json.dumps({"k": label}, ensure_ascii=False)',
  '%matplotlib inline\nx = 1',
  'class Point:\n    pass',
  'import os\nimport sys',
  '',
  'scaled = [r * 2 for r in rows]\nscaled',
];
const MARKDOWN_SNIPPETS = ['# Analyse des données\n\nÜber *alles* — 数据 🚀', '## Step two', '', 'Plain text with "quotes" and \\backslashes\\'];
const FUNCTION_NAMES = ['step', 'clean_rows', 'compute_area', '_private2', 'double', 'total', 'print', 'bad-name'];

interface GenCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string;
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

const cellArb: fc.Arbitrary<GenCell> = fc.oneof(
  { weight: 4, arbitrary: fc.record({
    cell_type: fc.constant('code' as const),
    source: fc.constantFrom(...CODE_SNIPPETS),
    asString: fc.boolean(),
    id: fc.option(fc.stringMatching(/^[0-9a-f]{8}$/), { nil: undefined }),
    metadata: metadataArb,
    outputs: fc.array(outputArb, { maxLength: 2 }),
    executionCount: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  }) },
  { weight: 1, arbitrary: fc.record({
    cell_type: fc.constantFrom('markdown' as const, 'raw' as const),
    source: fc.constantFrom(...MARKDOWN_SNIPPETS),
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
async function checkOperations(tree: Tree, req: ExtractRequest, plan: OkPlan, moduleText: (p: string) => Promise<string | undefined>): Promise<void> {
  const kinds = plan.edit.operations.map((o) => o.kind);
  assert.equal(kinds.filter((k) => k === 'cellEdit').length, 1, 'one cellEdit');
  const cellEdit = plan.edit.operations.find((o) => o.kind === 'cellEdit') as Extract<EditOperation, { kind: 'cellEdit' }>;
  assert.equal(cellEdit.path, req.notebookPath);
  assert.equal(cellEdit.cell, plan.cellIndex);
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
        writeFileSync(notebookPath, (layout.bom ? BOM : '') + rawText);
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
