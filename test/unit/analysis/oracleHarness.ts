/**
 * Runs the CPython oracle (test/oracle/cell_scope.py) and our analyzeCell on the same cells and
 * compares the read and write name sets.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeCell } from '../../../src/core/analysis/cellAnalysis';

export const ORACLE_SCRIPT = path.join(__dirname, '..', '..', 'oracle', 'cell_scope.py');

export interface OracleResult {
  ok: boolean;
  error?: string;
  transformed?: boolean;
  reads?: string[];
  writes?: string[];
  builtinReads?: string[];
  deletes?: string[];
}

export function runOracle(sources: string[]): OracleResult[] {
  const run = spawnSync('python3', [ORACLE_SCRIPT], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as OracleResult[];
}

/** Code cells of a .ipynb (nbformat 3 or 4, `source` as list or string); [] for non-Python kernels. */
export function codeCells(notebookPath: string): string[] {
  const notebook = JSON.parse(readFileSync(notebookPath, 'utf8')) as {
    cells?: Array<{ cell_type?: string; source?: string | string[]; input?: string | string[] }>;
    worksheets?: Array<{ cells?: Array<{ cell_type?: string; input?: string | string[] }> }>;
    metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } };
  };
  const language = notebook.metadata?.kernelspec?.language ?? notebook.metadata?.language_info?.name ?? 'python';
  if (language.toLowerCase() !== 'python') return [];
  const cells = notebook.cells ?? (notebook.worksheets ?? []).flatMap((w) => w.cells ?? []);
  return cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => {
      const source = (c as { source?: string | string[] }).source ?? (c as { input?: string | string[] }).input ?? '';
      return Array.isArray(source) ? source.join('') : source;
    });
}

export interface Disagreement {
  source: string;
  ours: { reads: string[]; writes: string[] };
  oracle: { reads: string[]; writes: string[] };
}

export interface Agreement {
  cells: number;
  excludedNotPython3: number;
  compared: number;
  agreed: number;
  withoutMagics: { compared: number; agreed: number };
  disagreements: Disagreement[];
  /** Disagreements on cells without magics: these must be zero. */
  plainDisagreements: Disagreement[];
}

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();
const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function compareWithOracle(sources: string[]): Agreement {
  const oracle = runOracle(sources);
  const result: Agreement = { cells: sources.length, excludedNotPython3: 0, compared: 0, agreed: 0, withoutMagics: { compared: 0, agreed: 0 }, disagreements: [], plainDisagreements: [] };
  sources.forEach((source, index) => {
    const expected = oracle[index]!;
    if (!expected.ok) {
      result.excludedNotPython3++;
      return;
    }
    const analysis = analyzeCell(source);
    const hasMagics = analysis.magics.length > 0 || expected.transformed === true;
    const ours = { reads: sorted(analysis.reads.map((r) => r.name)), writes: sorted(analysis.writes.map((w) => w.name)) };
    const theirs = { reads: sorted(expected.reads ?? []), writes: sorted(expected.writes ?? []) };
    const agreed = same(ours.reads, theirs.reads) && same(ours.writes, theirs.writes);
    result.compared++;
    if (agreed) result.agreed++;
    if (!hasMagics) {
      result.withoutMagics.compared++;
      if (agreed) result.withoutMagics.agreed++;
    }
    if (!agreed) {
      const d = { source, ours, oracle: theirs };
      result.disagreements.push(d);
      if (!hasMagics) result.plainDisagreements.push(d);
    }
  });
  return result;
}
