import { basename, relativePath } from '../../fs/paths';
import type { Report, RuleDefinition } from '../rule';
import { codeFiles, isTestFile, type StructureContext } from './context';
import { pythonFacts } from './pythonSource';

/** Modules whose only purpose is importing or running notebooks. */
const NOTEBOOK_IMPORTERS = [/^import_ipynb$/, /^nbimporter$/, /^ipynb(\.|$)/, /^papermill(\.|$)/, /^nbclient(\.|$)/, /^testbook(\.|$)/];
/** Calls that execute a notebook. `ExecutePreprocessor` is nbconvert's engine, `NotebookClient` nbclient's. */
const EXECUTING_CALLS = /(^|\.)(execute_notebook|ExecutePreprocessor|NotebookClient|run_notebook)$/;
/** A shell command line (in a string, a Makefile or a shell script) that executes a notebook. */
const SHELL_EXECUTION = /\b(papermill\s+\S+\.ipynb|jupyter\s+(nbconvert\b[^\n]*--execute|execute\b)[^\n]*\.ipynb|ipython\s+(-c\s+)?\S*\.ipynb|runipy\s+\S+\.ipynb|jupytext\b[^\n]*--execute)/;

const SHELL_FILES = /^(Makefile|makefile|GNUmakefile|Justfile|justfile|.*\.sh)$/;

export const notebookInProduction: RuleDefinition<StructureContext> = {
  code: 'MLH404',
  name: 'notebook-in-production',
  pillar: 'structure',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'Production code or a build script that imports or executes a notebook: `import import_ipynb`, `from ipynb.fs.full.x import ...`, `papermill.execute_notebook(...)`, nbconvert\'s `ExecutePreprocessor`, or a `papermill`/`jupyter nbconvert --execute` command in a Python string, a `Makefile` or a shell script. Tests (testbook) are exempt. DVC stages that run notebooks are MLH307.',
    why: 'A notebook carries hidden state, saved outputs and cell order that nothing checks. Running it as part of production makes every cell a deployment artifact that is not reviewed, typed or tested like code, and a kernel crash halfway leaves partial outputs behind.',
    example: 'import papermill as pm\n\npm.execute_notebook("notebooks/train.ipynb", "out/train.ipynb", parameters={"lr": 0.01})',
    exampleLanguage: 'python',
    fix: 'Move the notebook\'s code into a module of the package (**Extract cell to module**) and call that function; keep the notebook for exploration and reporting.',
  },
  async check(ctx, report) {
    const production = codeFiles(ctx.project.root, ctx.files);
    for (const file of production) {
      const text = await ctx.readText(file);
      if (text === undefined || !/ipynb|papermill|nbconvert|nbclient|ExecutePreprocessor|execute_notebook/.test(text)) continue;
      checkPythonFile(ctx, file, text, report);
    }
    for (const file of ctx.files) {
      if (!SHELL_FILES.test(basename(file)) || isTestFile(ctx.project.root, file)) continue;
      const text = await ctx.readText(file);
      if (text === undefined) continue;
      const li = ctx.lineIndexOf(file)!;
      for (let line = 0; line < li.lineCount; line++) {
        const lineText = li.lineText(line);
        if (/^\s*#/.test(lineText)) continue;
        const m = SHELL_EXECUTION.exec(lineText);
        if (!m) continue;
        const start = li.lineStart(line) + m.index;
        report({ path: file, range: li.rangeOf(start, start + m[0].length), message: `\`${relativePath(ctx.project.root, file)}\` executes a notebook (\`${m[0].trim()}\`): move its code into the package and run that instead.` });
      }
    }
  },
};

function checkPythonFile(ctx: StructureContext, file: string, text: string, report: Report): void {
  const facts = pythonFacts(text);
  const li = ctx.lineIndexOf(file)!;
  const reported = new Set<number>();
  const say = (start: number, end: number, message: string) => {
    if (reported.has(start)) return;
    reported.add(start);
    report({ path: file, range: li.rangeOf(start, end), message });
  };
  for (const imp of facts.imports) {
    if (imp.module === 'testbook') continue; // testing a notebook is not running it in production
    if (NOTEBOOK_IMPORTERS.some((re) => re.test(imp.module))) say(imp.start, imp.end, `Production code imports \`${imp.module}\`, which imports or runs notebooks: move the notebook's code into the package.`);
  }
  for (const call of facts.calls) {
    if (EXECUTING_CALLS.test(call.callee)) {
      say(call.start, call.end, `\`${call.callee}(...)\` executes a notebook from production code: move the notebook's code into the package and call it.`);
      continue;
    }
    // subprocess.run(["papermill", "a.ipynb", ...]) or os.system("jupyter nbconvert --execute a.ipynb")
    const strings = call.positional.flatMap((a) => (a.kind === 'string' ? [a.value] : []));
    const listed = facts.strings.filter((s) => s.start >= call.start && s.end <= call.end).map((s) => s.value);
    const command = (strings.length ? strings : listed).join(' ');
    if (/(^|\.)(run|call|check_call|check_output|Popen|system|popen)$/.test(call.callee) && SHELL_EXECUTION.test(command)) {
      say(call.start, call.end, `\`${call.callee}(...)\` runs a notebook (\`${SHELL_EXECUTION.exec(command)![0]}\`): move the notebook's code into the package and call it.`);
    }
  }
}
