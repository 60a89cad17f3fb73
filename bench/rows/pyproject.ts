import path from 'node:path';
import { Engine } from '../../src/core/engine';
import { DiskFileSystem } from '../../src/core/fs/diskFileSystem';
import { parseLockText } from '../../src/core/lockfiles/index';
import { pyproject300 } from '../lib/generate';
import { collectGarbage, median, note, sample, type BenchRow } from '../lib/measure';

const RUNS = 9;

/**
 * pyproject-300: a first check (fresh engine, from disk, as the CLI does) of a 300-dependency
 * pyproject.toml whose project has a 1.2 MB uv.lock, vs parsing that lock alone.
 */
export async function pyprojectRow(): Promise<BenchRow> {
  const input = pyproject300();
  const root = input.dir;
  const check = async (): Promise<number> => {
    const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: root, trusted: false });
    return (await engine.checkWorkspace()).length;
  };
  const findings = await check();
  const codes = new Map<string, number>();
  for (const f of (await new Engine({ fs: new DiskFileSystem(), workspaceRoot: root, trusted: false }).checkWorkspace())) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
  note(`pyproject-300: ${findings} findings (${[...codes].map(([c, n]) => `${c}×${n}`).join(', ')}); uv.lock ${(input.uvLockText.length / 1024 / 1024).toFixed(2)} MB`);
  collectGarbage();
  const checks = await sample(RUNS, check);
  collectGarbage();
  const parses = await sample(RUNS, () => {
    const r = parseLockText('uv', input.uvLockText, path.join(root, 'uv.lock'));
    if (!r.ok) throw new Error('generated uv.lock does not parse');
  });
  return { name: 'pyproject-300', value: median(checks), unit: 'ms', baseline: median(parses) };
}
