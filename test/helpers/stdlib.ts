/**
 * Every .py file of the standard library of the machine's `python3` (site-packages excluded): thousands
 * of real files for the oracle tests. Empty when there is no python3.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The standard library folder of the machine's `python3`, or null without python3. */
export function machineStdlib(): string | null {
  const run = spawnSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  return run.status === 0 && run.stdout.trim() ? run.stdout.trim() : null;
}

export function stdlibFiles(): string[] {
  const stdlib = machineStdlib();
  if (!stdlib) return [];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'site-packages' && name !== '__pycache__') walk(p);
      } else if (name.endsWith('.py')) files.push(p);
    }
  };
  walk(stdlib);
  return files;
}
