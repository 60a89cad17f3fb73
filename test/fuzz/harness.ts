/**
 * Runs the core over one (mutated) workspace in memory and checks the fuzz properties of issue 7:
 * no exception escapes, every range lies inside its document (notebook ranges inside the cell),
 * the analysis ends within a time bound, and a fix applied to a document that parsed leaves a
 * document that parses again (and never overwrites an existing file).
 */
import { performance } from 'node:perf_hooks';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import { analyzeCell } from '../../src/core/analysis/cellAnalysis';
import type { EditOperation, Finding } from '../../src/core/diagnostics';
import { Engine } from '../../src/core/engine';
import { applyTextEdits } from '../../src/core/fixes/applyEdits';
import { decodeUtf8 } from '../../src/core/fs/fileSystem';
import { MemoryFileSystem } from '../../src/core/fs/memoryFileSystem';
import { basename } from '../../src/core/fs/paths';
import { parseIpynb } from '../../src/core/notebook/ipynb';
import { codeCells, type NotebookInput } from '../../src/core/notebook/model';
import { parseRequirementsFile } from '../../src/core/requirements/requirementsFile';
import { createDvcContext, dvcRules } from '../../src/core/rules/dvc/index';
import { LineIndex, type Range } from '../../src/core/text/lineIndex';

export const WORKSPACE_ROOT = '/ws';

export interface CoreRun {
  findings: Finding[];
  elapsedMs: number;
  violations: string[];
}

type Format = 'toml' | 'yaml' | 'json' | 'requirements' | 'none';

export function formatOf(path: string): Format {
  const name = basename(path);
  if (name === 'dvc.lock' || name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  if (name.endsWith('.toml') || name === 'uv.lock' || name === 'poetry.lock' || name === 'pdm.lock') return 'toml';
  if (name.endsWith('.ipynb')) return 'json';
  if (/^requirements.*\.txt$/.test(name)) return 'requirements';
  return 'none';
}

/** Whether a document is well-formed for its format; for requirements files, how many errors it has. */
export function parsesCleanly(path: string, text: string): { ok: boolean; errors: number } {
  try {
    switch (formatOf(path)) {
      case 'toml':
        parseToml(text);
        return { ok: true, errors: 0 };
      case 'yaml': {
        const doc = parseDocument(text, { uniqueKeys: false });
        return { ok: doc.errors.length === 0, errors: doc.errors.length };
      }
      case 'json':
        JSON.parse(text);
        return { ok: true, errors: 0 };
      case 'requirements': {
        const errors = parseRequirementsFile(text).errors.length;
        return { ok: errors === 0, errors };
      }
      case 'none':
        return { ok: true, errors: 0 };
    }
  } catch {
    return { ok: false, errors: 1 };
  }
}

function rangeInside(range: Range, text: string): string | undefined {
  const li = new LineIndex(text);
  const check = (label: string, p: { line: number; character: number }): string | undefined => {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `${label} ${JSON.stringify(p)} is not a valid position`;
    if (p.line >= li.lineCount) return `${label} line ${p.line} ≥ line count ${li.lineCount}`;
    const length = li.offsetAt({ line: p.line, character: Number.MAX_SAFE_INTEGER }) - li.lineStart(p.line);
    if (p.character > length) return `${label} character ${p.character} > length ${length} of line ${p.line}`;
    return undefined;
  };
  const problem = check('start', range.start) ?? check('end', range.end);
  if (problem) return problem;
  if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character)) return `start ${JSON.stringify(range.start)} after end ${JSON.stringify(range.end)}`;
  return undefined;
}

function textIn(fs: MemoryFileSystem, path: string): Promise<string | undefined> {
  return fs.readFile(path).then(
    (bytes) => decodeUtf8(bytes),
    () => undefined,
  );
}

/** The absolute path of a workspace-relative file. */
export function abs(rel: string): string {
  return `${WORKSPACE_ROOT}/${rel}`;
}

async function checkFinding(fs: MemoryFileSystem, finding: Finding, notebooks: Map<string, NotebookInput | null>): Promise<string[]> {
  const where = `${finding.code} at ${finding.path}${finding.cell !== undefined ? ` cell ${finding.cell}` : ''} ${JSON.stringify(finding.range)}`;
  const out: string[] = [];
  if (finding.message.startsWith('ML Hygiene could not run')) out.push(`rule crashed: ${finding.message}`);
  const text = await textIn(fs, finding.path);
  if (finding.cell !== undefined) {
    if (!notebooks.has(finding.path)) {
      const parsed = text === undefined ? undefined : parseIpynb(finding.path, text);
      notebooks.set(finding.path, parsed?.ok ? parsed.notebook : null);
    }
    const notebook = notebooks.get(finding.path);
    const cell = notebook ? codeCells(notebook)[finding.cell] : undefined;
    if (!cell) out.push(`${where}: no code cell ${finding.cell} in the notebook`);
    else {
      const problem = rangeInside(finding.range, cell.cell.source);
      if (problem) out.push(`${where}: outside the cell source: ${problem}`);
    }
  } else if (text !== undefined) {
    const problem = rangeInside(finding.range, text);
    if (problem) out.push(`${where}: outside the document: ${problem}`);
  } else {
    // A finding about a file that is not there (e.g. a missing lockfile) may only point at its start.
    const r = finding.range;
    if (r.start.line !== 0 || r.start.character !== 0 || r.end.line !== 0 || r.end.character !== 0) out.push(`${where}: range on a file that does not exist`);
  }
  for (const fix of finding.fixes ?? []) {
    for (const op of fix.edit?.operations ?? []) out.push(...(await checkOperation(fs, op, `${where} fix "${fix.title}"`)));
  }
  return out;
}

async function checkOperation(fs: MemoryFileSystem, op: EditOperation, where: string): Promise<string[]> {
  const text = await textIn(fs, op.path);
  if (op.kind === 'create') return text !== undefined || (await fs.stat(op.path)) ? [`${where}: creates ${op.path}, which exists (would overwrite)`] : [];
  if (text === undefined) return [`${where}: edits ${op.path}, which does not exist`];
  if (op.kind === 'cellEdit') {
    const parsed = parseIpynb(op.path, text);
    const cell = parsed.ok ? parsed.notebook.cells[op.cell] : undefined;
    if (!cell) return [`${where}: edits cell ${op.cell}, which does not exist`];
    for (const e of op.edits) {
      const problem = rangeInside(e.range, cell.source);
      if (problem) return [`${where}: cell edit outside the cell: ${problem}`];
    }
    try {
      applyTextEdits(cell.source, op.edits);
    } catch (e) {
      return [`${where}: cell edits do not apply: ${(e as Error).message}`];
    }
    return [];
  }
  for (const e of op.edits) {
    const problem = rangeInside(e.range, text);
    if (problem) return [`${where}: edit outside the document: ${problem}`];
  }
  let after: string;
  try {
    after = applyTextEdits(text, op.edits);
  } catch (e) {
    return [`${where}: edits do not apply: ${(e as Error).message}`];
  }
  const before = parsesCleanly(op.path, text);
  const result = parsesCleanly(op.path, after);
  if (formatOf(op.path) === 'requirements') return result.errors > before.errors ? [`${where}: the fix adds requirement errors (${before.errors} → ${result.errors})`] : [];
  if (before.ok && !result.ok) return [`${where}: ${op.path} parsed before the fix and does not after:\n${after}`];
  return [];
}

/**
 * Everything the core does with a workspace: the engine's full check (every project), each
 * dvc.yaml's context and DVC rules, and each notebook's parse and cell analysis. Exceptions are
 * caught and reported as violations, never rethrown, so the property can name the input.
 */
export async function runCore(files: Record<string, string | Uint8Array>, trusted = false): Promise<CoreRun> {
  const fs = new MemoryFileSystem(files, WORKSPACE_ROOT);
  const violations: string[] = [];
  const findings: Finding[] = [];
  const start = performance.now();
  const engine = new Engine({ fs, workspaceRoot: WORKSPACE_ROOT, trusted });
  try {
    findings.push(...(await engine.checkWorkspace()));
  } catch (e) {
    violations.push(`Engine.checkWorkspace threw: ${(e as Error)?.stack ?? e}`);
  }
  const textOf = (p: string): string | undefined => {
    const v = files[p.startsWith(WORKSPACE_ROOT + '/') ? p.slice(WORKSPACE_ROOT.length + 1) : p];
    return typeof v === 'string' ? v : v ? decodeUtf8(v) : undefined;
  };
  const engineChecksDvc = findings.some((f) => basename(f.path) === 'dvc.yaml' || basename(f.path) === 'dvc.lock');
  for (const rel of Object.keys(files)) {
    const path = abs(rel);
    if (basename(rel) === 'dvc.yaml' && !engineChecksDvc) {
      try {
        const ctx = await createDvcContext(fs, path, { workspaceRoot: WORKSPACE_ROOT });
        findings.push(...(await engine.runRules(dvcRules, ctx, engine.configFor(undefined), textOf)));
      } catch (e) {
        violations.push(`DVC check of ${rel} threw: ${(e as Error)?.stack ?? e}`);
      }
    }
    if (rel.endsWith('.ipynb')) {
      try {
        const text = textOf(path) ?? '';
        const parsed = parseIpynb(path, text);
        if (parsed.ok) {
          for (const ref of codeCells(parsed.notebook)) {
            const a = analyzeCell(ref.cell.source);
            const n = ref.cell.source.length;
            for (const span of [...a.reads, ...a.writes, ...a.imports, ...a.syntaxErrors, ...a.magics, ...a.calls]) {
              if (!(span.start >= 0 && span.start <= span.end && span.end <= n)) violations.push(`analyzeCell span ${span.start}..${span.end} outside cell ${ref.codeIndex} of length ${n}`);
            }
          }
        }
      } catch (e) {
        violations.push(`notebook analysis of ${rel} threw: ${(e as Error)?.stack ?? e}`);
      }
    }
  }
  const elapsedMs = performance.now() - start;
  const notebooks = new Map<string, NotebookInput | null>();
  for (const f of findings) {
    try {
      violations.push(...(await checkFinding(fs, f, notebooks)));
    } catch (e) {
      violations.push(`checking finding ${f.code} threw: ${(e as Error)?.stack ?? e}`);
    }
  }
  return { findings, elapsedMs, violations };
}
