import path from 'node:path';
import { DEFAULT_PROJECT_CONFIG, type ProjectConfig } from '../../../src/core/config';
import { DiskFileSystem } from '../../../src/core/fs/diskFileSystem';
import { normalizePath } from '../../../src/core/fs/paths';
import { scanWorkspace } from '../../../src/core/project/discovery';
import { buildDependencyContext } from '../../../src/core/rules/dependencies/context';
import {
  buildNotebookProjectFacts,
  createProjectImportsContext,
  notebookRules,
  projectImportRules,
  readNotebookContext,
  type NotebookContext,
  type NotebookProjectFacts,
} from '../../../src/core/rules/notebooks';
import type { FindingInput, RuleDefinition } from '../../../src/core/rules/rule';

export const FIXTURE_ROOT = normalizePath(path.resolve(__dirname, '../../fixtures/notebooks/churn-project'));
export const NOTEBOOKS = `${FIXTURE_ROOT}/notebooks`;

export interface CodedFinding extends FindingInput {
  code: string;
}

/** Runs rules directly (no engine): every report with the rule's code, so tests see exactly what rules say. */
export async function runRules<Ctx>(rules: RuleDefinition<Ctx>[], ctx: Ctx): Promise<CodedFinding[]> {
  const out: CodedFinding[] = [];
  for (const rule of rules) await rule.check(ctx, (f) => out.push({ ...f, code: rule.code }));
  return out;
}

export async function fixtureFacts(config: Partial<ProjectConfig> = {}): Promise<NotebookProjectFacts> {
  const fs = new DiskFileSystem();
  const scan = await scanWorkspace(fs, FIXTURE_ROOT);
  const project = scan.projects.find((p) => p.root === FIXTURE_ROOT)!;
  const deps = await buildDependencyContext({ fs, workspaceRoot: FIXTURE_ROOT, project, config: { ...DEFAULT_PROJECT_CONFIG, ...config } });
  return buildNotebookProjectFacts(deps, { workspaceFiles: scan.files });
}

export async function fixtureNotebook(name: string, config: Partial<ProjectConfig> = {}): Promise<{ ctx: NotebookContext; findings: CodedFinding[] }> {
  const facts = await fixtureFacts(config);
  const ctx = await readNotebookContext(new DiskFileSystem(), `${NOTEBOOKS}/${name}`, { project: facts });
  return { ctx, findings: await runRules(notebookRules, ctx) };
}

export async function fixtureProjectImports(): Promise<CodedFinding[]> {
  const facts = await fixtureFacts();
  const ctx = await createProjectImportsContext(facts, { fs: new DiskFileSystem() });
  return runRules(projectImportRules, ctx);
}

/** `code cell:line:start-end` — compact and exact. */
export function where(f: CodedFinding): string {
  const r = f.range;
  const span = r.start.line === r.end.line ? `${r.start.line}:${r.start.character}-${r.end.character}` : `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  return `${f.code} ${f.cell ?? '-'} ${span}`;
}
