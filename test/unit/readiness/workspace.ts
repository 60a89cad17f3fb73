import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../../../src/core/diagnostics';
import { Engine } from '../../../src/core/engine';
import { readTextFile, type FileSystem } from '../../../src/core/fs/fileSystem';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import type { WorkspaceScan } from '../../../src/core/project/discovery';
import { parsePyproject, type PyprojectFile } from '../../../src/core/pyproject/pyprojectFile';
import { computeReadiness, type ReadinessReport } from '../../../src/core/readiness';
import { createStructureContext, structureRules } from '../../../src/core/rules/structure';

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

async function pyprojectOf(fs: FileSystem, path: string | undefined): Promise<PyprojectFile | undefined> {
  if (!path) return undefined;
  const r = await readTextFile(fs, path);
  return r.ok ? parsePyproject(path, r.text) : undefined;
}

/**
 * Every finding the real Engine produces, plus the structure rules, then the readiness of each
 * project. As other areas' rules are wired into the Engine they show up here by themselves; once the
 * structure rules are wired too, their findings are not counted twice.
 */
export async function checkWorkspace(fs: FileSystem, workspaceRoot: string): Promise<CheckedWorkspace> {
  const engine = new Engine({ fs, workspaceRoot, trusted: false });
  const findings = await engine.checkWorkspace();
  const scan = await engine.scan();
  const key = (f: Finding) => `${f.path}\0${f.cell ?? ''}\0${f.code}\0${f.range.start.line}:${f.range.start.character}\0${f.message}`;
  const seen = new Set(findings.map(key));
  for (const project of scan.projects) {
    const pyproject = await pyprojectOf(fs, project.pyprojectPath);
    const config = engine.configFor(pyproject);
    const ctx = createStructureContext({ fs, workspaceRoot, scan, project, config, ...(pyproject ? { pyproject } : {}) });
    for (const f of await engine.runRules(structureRules, ctx, config, ctx.textOf)) {
      if (!seen.has(key(f))) findings.push(f), seen.add(key(f));
    }
  }
  return { engine, scan, findings, reports: scan.projects.map((p) => computeReadiness(p, findings, scan)) };
}

export async function checkFixture(name: string, fromDir = path.join(FIXTURE_PROJECTS, name)): Promise<CheckedWorkspace> {
  const root = `/ws/${name}`;
  return checkWorkspace(loadIntoMemory(fromDir, root), root);
}

/** "id: message" of every applicable failing check, for assertion messages. */
export function failing(report: ReadinessReport): string[] {
  return report.pillars.flatMap((p) => p.checks.filter((c) => c.applicable && !c.passed).map((c) => `${p.name}/${c.id}: ${c.message}`));
}
