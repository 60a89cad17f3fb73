import type { DvcContext } from '../../dvc/context';
import type { RuleDefinition } from '../rule';
import { cmdSources, onceKey } from './shared';

/** papermill, `jupyter nbconvert --execute`, `jupyter execute`, `ipython x.ipynb`, runipy, nbclient. */
const NOTEBOOK_RUN_RE =
  /\bpapermill\b[^\n;&|]*|\bjupyter(?:-nbconvert)?\s+(?:nbconvert\b[^\n;&|]*--execute\b[^\n;&|]*|execute\b[^\n;&|]*)|\bipython\d?\s+[^\n;&|]*\.ipynb\b|\bpython\d?(?:\.\d+)?\s+-m\s+(?:papermill|nbclient|jupyter)\b[^\n;&|]*|\brunipy\b[^\n;&|]*/g;

export const MLH307: RuleDefinition<DvcContext> = {
  code: 'MLH307',
  name: 'notebook-stage',
  pillar: 'data',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A stage command that executes a notebook: papermill, `jupyter nbconvert --execute`, `jupyter execute`, `ipython notebook.ipynb`.',
    why: 'Notebooks carry hidden state and outputs, are hard to review and to test, and make a pipeline stage depend on a kernel setup rather than on code.',
    example: 'stages:\n  train:\n    cmd: papermill train.ipynb out.ipynb -p lr 0.1\n',
    exampleLanguage: 'yaml',
    fix: 'Move the code into a module (**Extract cell to module** on the notebook) and run it with `python -m`.',
  },
  check(ctx, report) {
    const seen = new Set<string>();
    for (const stage of ctx.file.stages)
      for (const src of cmdSources(ctx, stage))
        for (const m of src.text.matchAll(NOTEBOOK_RUN_RE)) {
          const text = m[0].trimEnd();
          const range = ctx.file.lineIndex.rangeOf(src.start + m.index!, src.start + m.index! + text.length);
          const message = `Stage '${stage.baseName}' executes a notebook; run a Python module instead.`;
          const key = onceKey(range, message);
          if (seen.has(key)) continue;
          seen.add(key);
          report({ path: ctx.dvcYamlPath, range, message });
        }
  },
};
