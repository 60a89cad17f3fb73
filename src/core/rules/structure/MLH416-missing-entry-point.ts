import type { Fix } from '../../diagnostics';
import { basename, joinPath, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { packageDirs, type StructureContext } from './context';
import { isTable, table } from './packaging';
import { pythonFacts } from './pythonSource';

/** Modules that production runs as a program: training, batch prediction, serving, evaluation, a CLI. */
const ENTRY_MODULE = /^(train|training|predict|prediction|batch_predict|serve|serving|infer|inference|evaluate|score|cli)\.py$/;

interface EntryModule {
  file: string;
  /** Dotted module path (`churn.train`). */
  module: string;
  main: { start: number; end: number };
}

/** Does anything already declare console scripts: PEP 621, Poetry, setup.cfg or setup.py? */
async function declaresScripts(ctx: StructureContext): Promise<boolean> {
  const pyproject = ctx.pyproject;
  if (pyproject) {
    for (const path of [['project', 'scripts'], ['project', 'gui-scripts'], ['tool', 'poetry', 'scripts'], ['project', 'entry-points']]) if (table(pyproject, path)) return true;
    const dynamic = pyproject.toml.get(['project', 'dynamic']);
    if (Array.isArray(dynamic) && dynamic.some((d) => d === 'scripts' || d === 'entry-points')) return true;
  }
  for (const name of ['setup.cfg', 'setup.py']) {
    const text = await ctx.readText(joinPath(ctx.project.root, name));
    if (text && /entry_points|console_scripts/.test(text)) return true;
  }
  return false;
}

function scriptName(project: string | undefined, module: EntryModule, all: EntryModule[]): string {
  const stem = basename(module.file).replace(/\.py$/, '');
  // A project name that is not a valid distribution name (MLH113's finding) does not make a command name.
  const named = project && /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(project) ? project : module.module.split('.')[0]!;
  const base = named.toLowerCase().replace(/[_.]+/g, '-');
  if (stem === 'cli') return all.filter((m) => basename(m.file) === 'cli.py').length > 1 ? `${base}-${module.module.split('.').slice(-2, -1)[0]}` : base;
  return `${base}-${stem.replace(/_/g, '-')}`;
}

export const missingEntryPoint: RuleDefinition<StructureContext> = {
  code: 'MLH416',
  name: 'missing-entry-point',
  pillar: 'structure',
  defaultSeverity: 'information',
  docs: {
    detects:
      'A package module that production runs as a program (`train.py`, `predict.py`, `batch_predict.py`, `serve.py`, `infer.py`, `inference.py`, `evaluate.py`, `score.py`, `cli.py`) defines a top-level `main`, but the project declares no console scripts (`[project.scripts]`, `[tool.poetry.scripts]`, or `entry_points` in `setup.cfg`/`setup.py`). Reported on the `main` definition.',
    why: 'Without an entry point, a container or a scheduler runs `python src/churn/train.py` or `python -m churn.train`, which depends on the working folder and on `PYTHONPATH`. A `[project.scripts]` entry gives the installed package a command (`churn-train`) that works from any folder, in any image, and that pip and uv put on the `PATH`.',
    example: '# src/churn/train.py\ndef main() -> None:\n    ...\n\nif __name__ == "__main__":\n    main()\n\n# pyproject.toml has no [project.scripts]',
    exampleLanguage: 'python',
    fix: '**Add [project.scripts]** writes a table after `[project]` with one command per such module, named after the project (`churn-train = "churn.train:main"`); rename the commands as you like.',
  },
  async check(ctx, report) {
    const packages = packageDirs(ctx.project.root, ctx.files);
    if (!packages.length || (await declaresScripts(ctx))) return;
    const candidates = ctx.files.filter((f) => ENTRY_MODULE.test(basename(f)) && packages.some((p) => f.startsWith(p + '/')));
    if (!candidates.length) return;
    const modules: EntryModule[] = [];
    for (const file of candidates.sort()) {
      const text = await ctx.readText(file);
      if (text === undefined) continue;
      const main = pythonFacts(text).topLevelFunctions.find((f) => f.name === 'main');
      if (!main) continue;
      const pkg = packages.find((p) => file.startsWith(p + '/'))!;
      const pkgParent = pkg.slice(0, pkg.lastIndexOf('/'));
      const module = relativePath(pkgParent, file).replace(/\.py$/, '').split('/').join('.');
      modules.push({ file, module, main: { start: main.start, end: main.end } });
    }
    if (!modules.length) return;
    const projectName = ctx.pyproject?.toml.get(['project', 'name']);
    const entries = modules.map((m) => `${scriptName(typeof projectName === 'string' ? projectName : undefined, m, modules)} = "${m.module}:main"`);
    const fix = scriptsFix(ctx, entries);
    for (const m of modules) {
      const li = ctx.lineIndexOf(m.file)!;
      report({
        path: m.file,
        range: li.rangeOf(m.main.start, m.main.end),
        message: `\`${m.module}\` has a \`main\` but the project declares no console scripts: add \`[project.scripts]\` (${entries.find((e) => e.includes(`"${m.module}:main"`))}) so containers and schedulers run a command, not a file path.`,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
};

/** One edit: `[project.scripts]` right after the `[project]` table's last line, in the file's line-break style. */
function scriptsFix(ctx: StructureContext, entries: string[]): Fix | undefined {
  const pyproject = ctx.pyproject;
  const header = pyproject?.toml.tableHeader(['project']);
  if (!pyproject || !header || !isTable(pyproject.toml.get(['project']))) return undefined;
  const li = ctx.lineIndexOf(pyproject.path)!;
  const text = pyproject.toml.text;
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  // The table's range ends with its last value; a comment after it stays on its line.
  const at = li.lineEnd(li.positionAt(header.range[1]).line);
  const atEnd = at >= text.length;
  const newText = `${nl}${nl}[project.scripts]${nl}${entries.join(nl)}${atEnd ? nl : ''}`;
  const pos = li.positionAt(at);
  return {
    title: `Add [project.scripts] (${entries.map((e) => e.split(' = ')[0]).join(', ')})`,
    isPreferred: true,
    edit: { operations: [{ kind: 'edit', path: pyproject.path, edits: [{ range: { start: pos, end: pos }, newText }] }] },
  };
}
