/**
 * Compares our parser with CPython's `ast.parse` (through test/helpers/cpythonAst.ts) on many sources
 * at once: one interpreter process per batch, the first difference of each disagreeing source reported
 * as a path into the tree.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AST_TO_JSON_SCRIPT, cpythonParse, cpythonInterpreter, type CPythonParse } from '../../helpers/cpythonAst';
import { parseModule } from '../../../src/core/python/parser';
import type { Module } from '../../../src/core/python/ast';

export interface Disagreement {
  id: string;
  /** 'accept/reject' when one side accepts and the other rejects; else the path of the first difference. */
  what: string;
  detail: string;
}

export interface Agreement {
  total: number;
  agreedAccepted: number;
  agreedRejected: number;
  disagreements: Disagreement[];
}

/** First difference between two JSON-shaped values, as `path: ours !== theirs`, or null. */
export function firstDifference(ours: unknown, theirs: unknown, path = ''): string | null {
  if (ours === theirs) return null;
  if (typeof ours !== 'object' || typeof theirs !== 'object' || ours === null || theirs === null) {
    return `${path || '/'}: ours ${JSON.stringify(ours)?.slice(0, 120)} vs CPython ${JSON.stringify(theirs)?.slice(0, 120)}`;
  }
  if (Array.isArray(ours) !== Array.isArray(theirs)) return `${path}: array vs object`;
  if (Array.isArray(ours)) {
    const t = theirs as unknown[];
    for (let i = 0; i < Math.min(ours.length, t.length); i++) {
      const d = firstDifference(ours[i], t[i], `${path}/${i}`);
      if (d) return d;
    }
    if (ours.length !== t.length) return `${path}: length ${ours.length} vs CPython ${t.length}`;
    return null;
  }
  const o = ours as Record<string, unknown>;
  const t = theirs as Record<string, unknown>;
  const keys = new Set([...Object.keys(o), ...Object.keys(t)]);
  // type first, so a different node kind is reported as such
  const ordered = ['type', ...[...keys].filter((k) => k !== 'type')];
  for (const k of ordered) {
    if (!keys.has(k)) continue;
    const d = firstDifference(o[k], t[k], `${path}/${o.type ?? ''}.${k}`);
    if (d) return d;
  }
  return null;
}

/**
 * Which CPython answers: a native interpreter of 3.13 or later (test/helpers/cpythonAst.ts finds it),
 * else CPython 3.13 compiled to wasm from the `pyodide` devDependency, which runs offline from its
 * package files (ast.ts mirrors the 3.13 grammar: an older CPython rejects PEP 695/701 code and
 * positions f-string parts differently). MLH_ORACLE=pyodide forces the wasm one.
 */
function oracleKind(): 'native' | 'pyodide' {
  if (process.env.MLH_ORACLE === 'pyodide') return 'pyodide';
  const native = cpythonInterpreter();
  if (native && (native.version[0] > 3 || (native.version[0] === 3 && native.version[1] >= 13))) return 'native';
  return 'pyodide';
}

export function oracleAvailable(): boolean {
  return true;
}

export function oracleVersion(): string {
  if (oracleKind() === 'pyodide') return '3.13 (pyodide, wasm)';
  const v = cpythonInterpreter()!.version;
  return `${v[0]}.${v[1]}`;
}

let pyodideConvert: Promise<(source: string) => string> | undefined;

function loadPyodideOracle(): Promise<(source: string) => string> {
  pyodideConvert ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadPyodide } = require('pyodide') as typeof import('pyodide');
    const py = await loadPyodide({ indexURL: path.dirname(require.resolve('pyodide/package.json')) + path.sep });
    const scope = py.toPy({ __name__: 'ast_to_json' });
    py.runPython(readFileSync(AST_TO_JSON_SCRIPT, 'utf8'), { globals: scope });
    py.runPython(
      [
        'import json, sys',
        'sys.setrecursionlimit(4000)',
        'def _convert_json(source):',
        '    try:',
        '        result = convert(source)',
        '    except Exception as e:',
        "        result = {'oracleFailure': f'{type(e).__name__}: {e}'}",
        "    return json.dumps(result, ensure_ascii=True, separators=(',', ':'))",
      ].join('\n'),
      { globals: scope },
    );
    const fn = scope.get('_convert_json') as (source: string) => string;
    return (source: string) => fn(source);
  })();
  return pyodideConvert;
}

let pyodide: Promise<import('pyodide').PyodideInterface> | undefined;

/**
 * Runs a Python script under CPython 3.13 (the oracle: native when the machine has one, else pyodide)
 * with `input` as its standard input; resolves to what it printed.
 */
export async function runPython313(script: string, input: string): Promise<string> {
  if (oracleKind() === 'native') {
    const run = spawnSync(cpythonInterpreter()!.command, ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr}`);
    return run.stdout;
  }
  pyodide ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadPyodide } = require('pyodide') as typeof import('pyodide');
    return loadPyodide({ indexURL: path.dirname(require.resolve('pyodide/package.json')) + path.sep });
  })();
  const py = await pyodide;
  const scope = py.toPy({ __name__: '__main__', _stdin_text: input });
  py.runPython('import io, sys\n_out = io.StringIO()\nsys.stdin = io.StringIO(_stdin_text)\n_saved_stdout = sys.stdout\nsys.stdout = _out', { globals: scope });
  try {
    py.runPython(script, { globals: scope });
  } finally {
    py.runPython('sys.stdout = _saved_stdout', { globals: scope });
  }
  return String(py.runPython('_out.getvalue()', { globals: scope }));
}

async function runPyodideOracle(sources: string[]): Promise<CPythonParse[]> {
  const convert = await loadPyodideOracle();
  return sources.map((source, i) => {
    const r = JSON.parse(convert(source)) as { module?: Module; error?: { message: string; kind: string; start: number; end: number }; oracleFailure?: string };
    if (r.oracleFailure) throw new Error(`ast_to_json.py (pyodide) could not convert source ${i}: ${r.oracleFailure}`);
    return r.module ? { module: r.module } : { error: r.error! };
  });
}

/** Parses every source with ours and CPython; batches keep each python answer to a few MB. */
export function compareWithCPython(items: ReadonlyArray<{ id: string; source: string }>, batchBytes = 8_000_000): Agreement {
  if (oracleKind() === 'pyodide') throw new Error('compareWithCPython needs a native CPython 3.13; use compareWithCPythonParallel');
  const result: Agreement = { total: items.length, agreedAccepted: 0, agreedRejected: 0, disagreements: [] };
  let batch: Array<{ id: string; source: string }> = [];
  let bytes = 0;
  const flush = (): void => {
    if (!batch.length) return;
    const theirs = cpythonParse(batch.map((b) => b.source));
    batch.forEach((b, k) => judge(b, theirs[k]!, result));
    batch = [];
    bytes = 0;
  };
  for (const item of items) {
    batch.push(item);
    bytes += item.source.length;
    if (bytes > batchBytes) flush();
  }
  flush();
  return result;
}

function judge(item: { id: string; source: string }, theirs: CPythonParse, result: Agreement): void {
  let ours: Module;
  try {
    ours = parseModule(item.source);
  } catch (e) {
    result.disagreements.push({ id: item.id, what: 'crash', detail: String((e as Error).stack ?? e).slice(0, 500) });
    return;
  }
  const weAccept = ours.errors.length === 0;
  if (theirs.error) {
    if (!weAccept) result.agreedRejected++;
    else result.disagreements.push({ id: item.id, what: 'accept/reject', detail: `CPython rejects (${theirs.error.kind}: ${theirs.error.message} at ${theirs.error.start}), we accept` });
    return;
  }
  if (!weAccept) {
    const e = ours.errors[0]!;
    result.disagreements.push({ id: item.id, what: 'accept/reject', detail: `CPython accepts, we reject: ${e.message} at ${e.start}-${e.end} ${JSON.stringify(item.source.slice(Math.max(0, e.start - 30), e.end + 30))}` });
    return;
  }
  const d = firstDifference(JSON.parse(JSON.stringify(ours)), theirs.module);
  if (d) result.disagreements.push({ id: item.id, what: 'tree', detail: d });
  else result.agreedAccepted++;
}

/**
 * Like compareWithCPython, with the python side split over `processes` interpreters running at once
 * (the stdlib is ~1,800 files; one interpreter alone takes most of a minute).
 */
export async function compareWithCPythonParallel(items: ReadonlyArray<{ id: string; source: string }>, processes = 2): Promise<Agreement> {
  if (oracleKind() === 'pyodide') {
    const answers = await runPyodideOracle(items.map((i) => i.source));
    const result: Agreement = { total: items.length, agreedAccepted: 0, agreedRejected: 0, disagreements: [] };
    items.forEach((item, k) => judge(item, answers[k]!, result));
    return result;
  }
  const interpreter = cpythonInterpreter()!;
  const shares: Array<Array<{ id: string; source: string }>> = Array.from({ length: processes }, () => []);
  items.forEach((item, k) => shares[k % processes]!.push(item));
  const answers = await Promise.all(shares.map((share) => runOracle(interpreter.command, share.map((s) => s.source))));
  const result: Agreement = { total: items.length, agreedAccepted: 0, agreedRejected: 0, disagreements: [] };
  shares.forEach((share, p) => share.forEach((item, k) => judge(item, answers[p]![k]!, result)));
  result.disagreements.sort((a, b) => a.id.localeCompare(b.id));
  return result;
}

function runOracle(command: string, sources: string[]): Promise<CPythonParse[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [AST_TO_JSON_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ast_to_json.py failed (${code}): ${Buffer.concat(err).toString()}`));
      const lines = Buffer.concat(out).toString('utf8').split('\n').filter((l) => l.length > 0);
      if (lines.length !== sources.length) return reject(new Error(`ast_to_json.py answered ${lines.length} of ${sources.length}`));
      resolve(lines.map((line, i) => {
        const r = JSON.parse(line) as { id: number; module?: Module; error?: { message: string; kind: string; start: number; end: number }; oracleFailure?: string };
        if (r.id !== i) throw new Error(`out of order: ${r.id} for ${i}`);
        if (r.oracleFailure) throw new Error(`ast_to_json.py could not convert source ${i}: ${r.oracleFailure}`);
        return r.module ? { module: r.module } : { error: r.error! };
      }));
    });
    child.stdin.end(sources.map((source, id) => JSON.stringify({ id, source })).join('\n') + '\n');
  });
}
