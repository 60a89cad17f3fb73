import type { RuleDefinition } from '../rule';
import { cellFacts, NONE, type CellFinding } from './cellFacts';
import { pythonCells, spanRange, type NotebookContext } from './context';

/**
 * Paths that only exist on one machine: home folders (`/Users/..`, `/home/..`, `/root/..`, `~/..`),
 * Windows drives, mounted volumes, and hosted-notebook mounts (Colab's Google Drive, Kaggle's inputs).
 */
export const MACHINE_PATH = /^(?:\/(?:Users|home|root|mnt|media|Volumes)\/|\/content\/drive\/|\/kaggle\/|[A-Za-z]:[\\/](?![\\/])|~[\\/])/;

/** Can `MACHINE_PATH` match? It needs `/`, `~` or a drive letter and `:` first: most literals are neither. */
export function mayBeMachinePath(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c === 47 || c === 126) return true; // / ~
  return ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) && s.charCodeAt(1) === 58; // A-Z a-z, then :
}

function shown(path: string): string {
  return path.length > 60 ? `${path.slice(0, 57)}...` : path;
}

export const absolutePath: RuleDefinition<NotebookContext> = {
  code: 'MLH205',
  name: 'absolute-path',
  pillar: 'notebooks',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A string literal, or a path in a magic line (`%cd`, `!ls`), that is an absolute path into one machine: `/Users/..`, `/home/..`, `/root/..`, `~/..`, `C:\\..`, `/mnt/..`, `/Volumes/..`, Colab\'s `/content/drive/..` or Kaggle\'s `/kaggle/..`.',
    why: 'The path exists only on the author\'s machine: the notebook fails with FileNotFoundError in CI, on a colleague\'s laptop and in the serving container (12.6% of failing notebook re-runs in Pimentel et al.).',
    example: 'df = pd.read_csv("/Users/alice/Downloads/churn.csv")   # MLH205',
    exampleLanguage: 'python',
    fix: 'Use a path relative to the project (`Path(__file__).parent`, or the project root), read it from configuration (`params.yaml`), or an environment variable.',
  },
  check(ctx, report) {
    for (const cell of pythonCells(ctx)) for (const f of machinePathsOf(cell)) report({ path: ctx.path, cell: cell.codeIndex, ...f });
  },
};

/** One cell's machine-specific paths, in strings then in magics; once per cell text (see cellFacts.ts). */
const machinePathsOf = cellFacts('MLH205', (cell): readonly CellFinding[] => {
  const found: CellFinding[] = [];
  for (const s of cell.analysis.strings) {
    if (!mayBeMachinePath(s.value) || !MACHINE_PATH.test(s.value)) continue;
    found.push({ range: spanRange(cell, s.start, s.end), message: `Hard-coded path \`${shown(s.value)}\` exists only on one machine.` });
  }
  for (const magic of cell.analysis.magics) {
    if (magic.kind === 'help') continue;
    for (const m of magic.text.matchAll(/(['"]?)([^\s'"]+)\1/g)) {
      const path = m[2]!;
      if (!MACHINE_PATH.test(path)) continue;
      const start = magic.start + m.index! + m[1]!.length;
      found.push({ range: spanRange(cell, start, start + path.length), message: `Hard-coded path \`${shown(path)}\` exists only on one machine.` });
    }
  }
  return found.length ? found : NONE;
});
