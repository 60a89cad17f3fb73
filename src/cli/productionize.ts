/**
 * `ml-hygiene productionize NOTEBOOK [--python PATH] [--dry-run]`: the same plan as the editor's
 * "Turn notebook into project", applied to disk. Files are created only where absent ('wx': never over
 * a file), existing ones get edits, and the `.ipynb` gets byte-preserving edits of the rewritten cells.
 * Dependencies are pinned to the environment given by `--python` (an interpreter or environment
 * folder), else the project's `.venv`/`venv`; its files are read, Python is never run.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readEnvironment, type PythonEnvironment } from '../core/environment/installedDistributions';
import { applyTextEdits } from '../core/fixes/applyEdits';
import { DiskFileSystem } from '../core/fs/diskFileSystem';
import { dirname, joinPath, normalizePath, relativePath } from '../core/fs/paths';
import { planProductionize } from '../core/productionize/plan';

export interface ProductionizeArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export const PRODUCTIONIZE_USAGE = 'ml-hygiene productionize NOTEBOOK [--python PATH] [--dry-run]';
const UTF8_BOM = '\uFEFF';

/** The project the notebook belongs to: the nearest folder above it with a pyproject.toml, else its own folder. */
function projectRootFor(notebookPath: string): string {
  for (let dir = dirname(notebookPath); ; ) {
    if (existsSync(path.join(dir, 'pyproject.toml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(notebookPath);
    dir = parent;
  }
}

export async function runProductionize(args: ProductionizeArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const usage = (message: string): number => {
    err(`ml-hygiene productionize: ${message}\nUsage: ${PRODUCTIONIZE_USAGE}`);
    return 2;
  };
  const notebookArg = args.positionals[0];
  if (!notebookArg || args.positionals.length > 1) return usage('give exactly one notebook');
  const notebookPath = normalizePath(path.resolve(notebookArg));
  if (!notebookPath.endsWith('.ipynb') || !existsSync(notebookPath) || !statSync(notebookPath).isFile()) return usage(`no such notebook: ${notebookArg}`);
  const pythonArg = args.flags.get('--python');
  if (pythonArg === true) return usage('--python needs an interpreter or environment path');
  const projectRoot = projectRootFor(notebookPath);
  const fs = new DiskFileSystem();

  let environment: PythonEnvironment | undefined;
  const candidates = typeof pythonArg === 'string' ? [normalizePath(path.resolve(pythonArg))] : [joinPath(projectRoot, '.venv'), joinPath(projectRoot, 'venv')];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const env = await readEnvironment(fs, c).catch(() => undefined);
    if (env?.distributions.size) {
      environment = env;
      break;
    }
  }

  const raw = readFileSync(notebookPath, 'utf8');
  const bom = raw.startsWith(UTF8_BOM) ? UTF8_BOM : '';
  const notebookText = raw.slice(bom.length);
  const plan = await planProductionize(fs, { notebookPath, projectRoot, notebookText, ...(environment ? { environment } : {}) });
  const cwd = normalizePath(process.cwd());
  if (!plan.ok) {
    err(`ml-hygiene productionize: nothing changed: ${plan.reason}`);
    return 1;
  }
  for (const f of plan.files) out(`${f.action === 'create' ? 'create' : 'edit  '} ${relativePath(cwd, f.path)}  (${f.description})`);
  for (const s of plan.skipped) out(`keep   ${s}  (exists; not overwritten)`);
  for (const m of plan.modules) out(`${m.importName}: ${m.names.join(', ')}`);
  for (const k of plan.keptBack) out(`stays in the notebook: ${k.name}, because ${k.reason}`);
  for (const c of plan.importCells) out(c.emptied ? `imports cell ${c.codeIndex} emptied: ${c.reason}` : `imports cell ${c.codeIndex} stays: ${c.reason}`);
  if (args.flags.has('--dry-run')) return 0;

  for (const op of plan.edit.operations) {
    if (op.kind === 'create') {
      mkdirSync(dirname(op.path), { recursive: true });
      try {
        writeFileSync(op.path, op.content, { flag: 'wx' });
      } catch {
        err(`ml-hygiene productionize: ${relativePath(cwd, op.path)} appeared meanwhile; it is not overwritten.`);
        return 1;
      }
    } else if (op.kind === 'edit') {
      const current = readFileSync(op.path, 'utf8');
      const fileBom = current.startsWith(UTF8_BOM) ? UTF8_BOM : '';
      writeFileSync(op.path, fileBom + applyTextEdits(current.slice(fileBom.length), op.edits));
    }
  }
  if (plan.ipynbEdit.length) writeFileSync(notebookPath, bom + applyTextEdits(notebookText, plan.ipynbEdit));
  out(`Done: ${plan.modules.length} modules, ${plan.tests} tests, ${plan.params.length} params. Run the tests with \`python -m pytest\`; install the project with \`pip install -e .\` so the notebook imports ${plan.packageName}.`);
  return 0;
}
