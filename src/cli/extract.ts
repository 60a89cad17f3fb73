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
import { locateCells } from '../core/extract/ipynbText';
import { planCellsExtraction } from '../core/extract/rangePlan';
import { suggestFunctionName } from '../core/extract/naming';

/** What cli.ts's `parseArgs` produces; only the fields extract reads. */
export interface ExtractArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export const EXTRACT_USAGE = 'ml-hygiene extract NOTEBOOK (--cell N | --cells A-B) --module PATH [--function NAME]  (0-based code-cell indices, range inclusive)';

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
  const cellsArg = args.flags.get('--cells');
  const moduleArg = args.flags.get('--module');
  const functionArg = args.flags.get('--function');
  if (!notebookArg || args.positionals.length > 1) return usage('give exactly one notebook');
  let first: number;
  let last: number;
  if (typeof cellsArg === 'string' && cellArg === undefined) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(cellsArg);
    if (!range) return usage('--cells needs a range of 0-based code-cell indices like 2-5');
    first = Number(range[1]);
    last = Number(range[2] ?? range[1]);
    if (last < first) return usage('--cells needs the first cell before the last, like 2-5');
  } else if (typeof cellArg === 'string' && /^\d+$/.test(cellArg) && cellsArg === undefined) {
    first = last = Number(cellArg);
  } else return usage('give --cell N (a 0-based code-cell index) or --cells A-B');
  if (typeof moduleArg !== 'string' || !moduleArg.endsWith('.py')) return usage('--module needs the path of a .py file');
  if (functionArg !== undefined && (typeof functionArg !== 'string' || !functionArg)) return usage('--function needs a name');
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

  const functionName = typeof functionArg === 'string' ? functionArg : defaultFunctionName(notebookText, first, last);
  const plan = await planCellsExtraction(new DiskFileSystem(), {
    notebookPath,
    notebookText,
    codeCellIndex: first,
    lastCodeCellIndex: last,
    modulePath,
    functionName,
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

  const what: string[] = [];
  if (plan.hoisted.length) what.push(`${plan.hoisted.join(', ')} (moved unchanged)`);
  if (plan.functionName) what.push(`${plan.functionName}(${plan.parameters.join(', ')})` + (plan.returns.length ? ` -> ${plan.returns.join(', ')}` : ''));
  const cellsLabel = first === last ? `code cell ${first}` : `code cells ${first}-${last}`;
  out(`${relativePath(cwd, notebookPath)}: ${cellsLabel} extracted to ${relativePath(cwd, modulePath)} as ${what.join(' and ')}`);
  for (const k of plan.keptBack) out(`  ${k.name} stays with the rest of the code: ${k.reason}.`);
  for (const c of plan.importCells ?? []) {
    out(`  Code cell ${c.codeIndex} (imports) ${c.emptied ? 'is emptied' : c.removed ? 'is trimmed' : 'stays'}: ${c.reason}.`);
  }
  out(`The ${first === last ? 'cell' : 'first cell (the others are emptied)'} is now:\n${plan.cellText.replace(/^/gm, '    ')}`);
  out(plan.importPathNote);
  return 0;
}

/** The name the editor would suggest, from the selected code and the markdown cell above it. */
function defaultFunctionName(notebookText: string, first: number, last: number): string {
  const located = locateCells(notebookText);
  if (!located.ok) return 'extracted_step';
  const codeCells = located.cells.filter((c) => c.kind === 'code');
  const before = located.cells[(codeCells[first]?.cellIndex ?? 0) - 1];
  const source = codeCells.slice(first, last + 1).map((c) => c.source).join('\n');
  return suggestFunctionName(source, before?.kind === 'markdown' ? before.source : undefined, first);
}
