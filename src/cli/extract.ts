/**
 * `ml-hygiene extract NOTEBOOK --cell N --module PATH --function NAME`: the same plan as the editor's
 * "Extract cell to module", applied to disk. The module is created (never over an existing file) or
 * appended to; the `.ipynb` gets a byte-preserving text edit of that one cell's `source`.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DiskFileSystem } from '../core/fs/diskFileSystem';
import { dirname, normalizePath, relativePath } from '../core/fs/paths';
import { applyTextEdits } from '../core/fixes/applyEdits';
import { planExtraction } from '../core/extract/plan';

/** What cli.ts's `parseArgs` produces; only the fields extract reads. */
export interface ExtractArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export const EXTRACT_USAGE = 'ml-hygiene extract NOTEBOOK --cell N --module PATH --function NAME  (N: 0-based code-cell index)';

const PROJECT_MARKERS = ['pyproject.toml', 'setup.py', 'setup.cfg'];

/** The nearest folder above the notebook that holds a project marker; else the notebook's folder. */
function projectRootFor(notebookPath: string): string {
  let dir = dirname(notebookPath);
  for (;;) {
    if (PROJECT_MARKERS.some((m) => existsSync(path.join(dir, m)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(notebookPath);
    dir = parent;
  }
}

const UTF8_BOM = '\uFEFF';

export async function runExtract(args: ExtractArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const usage = (message: string): number => {
    err(`ml-hygiene extract: ${message}\nUsage: ${EXTRACT_USAGE}`);
    return 2;
  };
  const notebookArg = args.positionals[0];
  const cellArg = args.flags.get('--cell');
  const moduleArg = args.flags.get('--module');
  const functionArg = args.flags.get('--function');
  if (!notebookArg || args.positionals.length > 1) return usage('give exactly one notebook');
  if (typeof cellArg !== 'string' || !/^\d+$/.test(cellArg)) return usage('--cell needs a 0-based code-cell index');
  if (typeof moduleArg !== 'string' || !moduleArg.endsWith('.py')) return usage('--module needs the path of a .py file');
  if (typeof functionArg !== 'string' || !functionArg) return usage('--function needs a name');
  const notebookPath = normalizePath(path.resolve(notebookArg));
  if (!existsSync(notebookPath) || !statSync(notebookPath).isFile()) return usage(`no such notebook: ${notebookArg}`);
  const modulePath = normalizePath(path.resolve(moduleArg));
  const projectRoot = projectRootFor(notebookPath);

  // Keep a byte-order mark if the file has one: the plan works on the text, the file keeps its bytes.
  const raw = readFileSync(notebookPath, 'utf8');
  const bom = raw.startsWith(UTF8_BOM) ? UTF8_BOM : '';
  const notebookText = raw.slice(bom.length);
  // A folder (or anything but a file) at the module path: the plan refuses it; never read it as a module.
  const moduleExisted = existsSync(modulePath) && statSync(modulePath).isFile();
  const moduleBefore = moduleExisted ? readFileSync(modulePath, 'utf8') : undefined;

  const plan = await planExtraction(new DiskFileSystem(), {
    notebookPath,
    notebookText,
    codeCellIndex: Number(cellArg),
    modulePath,
    functionName: functionArg,
    projectRoot,
  });
  const cwd = normalizePath(process.cwd());
  if (!plan.ok) {
    err(`ml-hygiene extract: not extracted: ${plan.reason}`);
    return 1;
  }

  // Apply: module first, so a failure leaves the notebook untouched (it still runs as before).
  for (const op of plan.edit.operations) {
    if (op.kind === 'create') {
      if (existsSync(op.path)) {
        err(`ml-hygiene extract: not extracted: ${relativePath(cwd, op.path)} appeared meanwhile; it is not overwritten.`);
        return 1;
      }
      mkdirSync(dirname(op.path), { recursive: true });
      writeFileSync(op.path, op.content, { flag: 'wx' }); // 'wx' fails rather than overwrite
    } else if (op.kind === 'edit') {
      const current = readFileSync(op.path, 'utf8');
      if (!moduleExisted || current !== moduleBefore) {
        err(`ml-hygiene extract: not extracted: ${relativePath(cwd, op.path)} changed while planning; run again.`);
        return 1;
      }
      // The plan's offsets are in the text without a byte-order mark (the core strips it when reading):
      // apply them to that text and put the mark back.
      const moduleBom = current.startsWith(UTF8_BOM) ? UTF8_BOM : '';
      writeFileSync(op.path, moduleBom + applyTextEdits(current.slice(moduleBom.length), op.edits));
    }
  }
  writeFileSync(notebookPath, bom + applyTextEdits(notebookText, plan.ipynbEdit));

  const signature = `${functionArg}(${plan.parameters.join(', ')})` + (plan.returns.length ? ` -> ${plan.returns.join(', ')}` : '');
  out(`${relativePath(cwd, notebookPath)}: code cell ${cellArg} extracted to ${relativePath(cwd, modulePath)} as ${signature}`);
  out(`The cell is now:\n${plan.cellText.replace(/^/gm, '    ')}`);
  out(plan.importPathNote);
  return 0;
}
