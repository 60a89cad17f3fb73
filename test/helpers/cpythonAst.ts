/**
 * CPython's parse of Python sources in the shape of src/core/python/ast.ts, through
 * test/oracle/ast_to_json.py (its header documents the offsets and the conventions for what CPython
 * leaves unpositioned). One interpreter process per call serves the whole batch.
 *
 * ast.ts mirrors the 3.13 grammar, so the helper looks for a CPython 3.13 first (PEP 695 type
 * parameters, PEP 701 f-strings, f-string parts with their own positions); `MLH_ORACLE_PYTHON`
 * names an interpreter explicitly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Module } from '../../src/core/python/ast';

export const AST_TO_JSON_SCRIPT = path.join(__dirname, '..', 'oracle', 'ast_to_json.py');

export interface CPythonSyntaxError {
  message: string;
  /** SyntaxError, IndentationError, TabError, or ValueError/UnicodeError/RecursionError for the rest. */
  kind: string;
  /** UTF-16 offsets of CPython's SyntaxError position (end = start when CPython gives no end). */
  start: number;
  end: number;
}

export type CPythonParse = { module: Module; error?: undefined } | { module?: undefined; error: CPythonSyntaxError };

export interface CPythonInterpreter {
  command: string;
  /** [major, minor] */
  version: [number, number];
}

let found: CPythonInterpreter | null | undefined;

function probe(command: string, env?: NodeJS.ProcessEnv): CPythonInterpreter | null {
  const run = spawnSync(command, ['-c', 'import sys; print(sys.version_info[0], sys.version_info[1])'], { encoding: 'utf8', env });
  if (run.status !== 0 || !run.stdout) return null;
  const [major, minor] = run.stdout.trim().split(' ').map(Number);
  return { command, version: [major, minor] };
}

/** The newest CPython (3.13 preferred) on this machine, or null when there is no python3 at all. */
export function cpythonInterpreter(): CPythonInterpreter | null {
  if (found !== undefined) return found;
  const candidates: string[] = [];
  if (process.env.MLH_ORACLE_PYTHON) candidates.push(process.env.MLH_ORACLE_PYTHON);
  const pyenvVersions = path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions');
  if (existsSync(pyenvVersions)) {
    const versions = readdirSync(pyenvVersions)
      .filter((v) => /^3\.1[3-9]\.\d+$/.test(v))
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    for (const v of versions) candidates.push(path.join(pyenvVersions, v, 'bin', 'python3'));
  }
  candidates.push('python3.13', 'python3');
  for (const c of candidates) {
    const interpreter = probe(c);
    if (interpreter) return (found = interpreter);
  }
  return (found = null);
}

/**
 * Parses every source with CPython's `ast.parse`. Keep batches to a few thousand sources or tens of
 * MB: the whole answer is held in one string.
 */
export function cpythonParse(sources: readonly string[]): CPythonParse[] {
  const interpreter = cpythonInterpreter();
  if (!interpreter) throw new Error('no python3 on this machine');
  const input = sources.map((source, id) => JSON.stringify({ id, source })).join('\n') + '\n';
  const run = spawnSync(interpreter.command, [AST_TO_JSON_SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`ast_to_json.py failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== sources.length) throw new Error(`ast_to_json.py answered ${lines.length} of ${sources.length} sources`);
  return lines.map((line, i) => {
    const result = JSON.parse(line) as { id: number; module?: Module; error?: CPythonSyntaxError; oracleFailure?: string };
    if (result.id !== i) throw new Error(`ast_to_json.py answered out of order: ${result.id} for ${i}`);
    if (result.oracleFailure) throw new Error(`ast_to_json.py could not convert source ${i}: ${result.oracleFailure}`);
    return result.module ? { module: result.module } : { error: result.error! };
  });
}

/** One source; throws on a syntax error. */
export function cpythonModule(source: string): Module {
  const [result] = cpythonParse([source]);
  if (result.error) throw new Error(`CPython rejects the source: ${result.error.message} at ${result.error.start}`);
  return result.module!;
}
