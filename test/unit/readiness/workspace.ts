import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../../src/core/diagnostics';
import { Engine } from '../../../src/core/engine';
import type { FileSystem } from '../../../src/core/fs/fileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import type { WorkspaceScan } from '../../../src/core/project/discovery';
import type { ReadinessReport } from '../../../src/core/readiness';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FIXTURE_PROJECTS = path.join(REPO_ROOT, 'test/fixtures/projects');

/**
 * Copies a folder from disk into a MemoryFileSystem under `mountAt`. In memory, the checks see only
 * the fixture: not the ML Hygiene repository's own `.git`, `.gitignore` or CI around it.
 */
export function loadIntoMemory(dir: string, mountAt: string, fs = new MemoryFileSystem()): MemoryFileSystem {
  const walk = (from: string, to: string) => {
    for (const name of readdirSync(from)) {
      const src = path.join(from, name);
      const dst = `${to}/${name}`;
      if (statSync(src).isDirectory()) {
        fs.mkdirp(dst);
        walk(src, dst);
      } else fs.writeFile(dst, readFileSync(src));
    }
  };
  fs.mkdirp(mountAt);
  walk(dir, mountAt);
  return fs;
}

export interface CheckedWorkspace {
  engine: Engine;
  scan: WorkspaceScan;
  findings: Finding[];
  reports: ReadinessReport[];
}

/** Every finding the real Engine produces, and the readiness of each project, as the CLI computes them. */
export async function checkWorkspace(fs: FileSystem, workspaceRoot: string): Promise<CheckedWorkspace> {
  const engine = new Engine({ fs, workspaceRoot, trusted: false });
  const findings = await engine.checkWorkspace();
  const scan = await engine.scan();
  return { engine, scan, findings, reports: await engine.readiness() };
}

export async function checkFixture(name: string, fromDir = path.join(FIXTURE_PROJECTS, name)): Promise<CheckedWorkspace> {
  const root = `/ws/${name}`;
  return checkWorkspace(loadIntoMemory(fromDir, root), root);
}

/** "id: message" of every applicable failing check, for assertion messages. */
export function failing(report: ReadinessReport): string[] {
  return report.pillars.flatMap((p) => p.checks.filter((c) => c.applicable && !c.passed).map((c) => `${p.name}/${c.id}: ${c.message}`));
}
