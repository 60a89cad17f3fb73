/** test/extract/run_notebook.py, shared by the execution test and the runner's own test. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const RUNNER = path.resolve(__dirname, '../../extract/run_notebook.py');
export const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

/** What the runner prints: the captured stdout, the first uncaught error, and every global as canonical text. */
export interface RunResult {
  stdout: string;
  error: { cell: number; type: string } | null;
  globals: Record<string, string>;
}
