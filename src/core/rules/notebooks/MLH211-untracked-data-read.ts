import { dirname, joinPath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { DvcTracking } from '../../dvc/trackedOutputs';
import type { Range } from '../../text/lineIndex';
import { cellFactsWithAliases, NONE } from './cellFacts';
import { pythonCells, spanRange, type NotebookContext } from './context';
import { resolveCallee } from './moduleAliases';

/** Reader functions by their last name segment, whatever the library (pandas, polars, dask, modin, cudf). */
const FRAME_READERS = new Set(['read_csv', 'read_parquet', 'read_excel', 'read_json', 'read_feather', 'read_pickle', 'read_table', 'read_hdf', 'read_orc', 'read_sas', 'read_stata', 'read_spss', 'read_fwf', 'read_xml', 'read_ipc', 'read_avro', 'read_ndjson', 'scan_csv', 'scan_parquet']);
/** Fully qualified readers whose first argument is a path. */
const QUALIFIED_READERS = new Set([
  'numpy.load', 'numpy.loadtxt', 'numpy.genfromtxt', 'numpy.fromfile', 'torch.load', 'joblib.load', 'scipy.io.loadmat', 'h5py.File',
  'PIL.Image.open', 'cv2.imread', 'pyarrow.parquet.read_table', 'pyarrow.feather.read_table', 'xarray.open_dataset', 'open',
]);
/** File types that hold data (not code or configuration): reading one is what DVC should track. */
const DATA_EXTENSION = /\.(csv|tsv|parquet|pq|json|jsonl|ndjson|xlsx|xls|feather|arrow|ipc|orc|avro|pkl|pickle|joblib|npy|npz|h5|hdf5|hdf|nc|mat|txt|dat|zip|gz|bz2|xz|tar|sqlite|db|pt|pth|ckpt|safetensors|png|jpe?g|tiff?|wav|mp3)$/i;

function isReader(qualified: string): boolean {
  if (QUALIFIED_READERS.has(qualified)) return true;
  return FRAME_READERS.has(qualified.slice(qualified.lastIndexOf('.') + 1)) && qualified.includes('.');
}

export const untrackedDataRead: RuleDefinition<NotebookContext> = {
  code: 'MLH211',
  name: 'untracked-data-read',
  pillar: 'data',
  defaultSeverity: 'information',
  docs: {
    detects: 'A read of a local data file given as a literal relative path (`pd.read_csv("data/train.csv")`, `np.load`, `torch.load`, `open`, ...) that no DVC stage output and no `.dvc` file tracks. The path is resolved from the notebook\'s folder (Jupyter\'s working directory) and from the project root. Absolute paths are MLH205\'s business and URLs are remote, so neither is reported here.',
    why: 'Results depend on the data as much as on the code. If the file is not versioned, nobody can tell which version produced the saved results, and a colleague or CI cannot get it at all.',
    example: 'df = pd.read_csv("data/raw/customers.csv")   # MLH211 when no .dvc file or stage tracks it',
    exampleLanguage: 'python',
    fix: 'Track the file with `dvc add data/raw/customers.csv` (and commit the `.dvc` file), or produce it with a `dvc.yaml` stage.',
  },
  check(ctx, report) {
    const tracked = ctx.project?.dvcTracked;
    const notebookDir = dirname(ctx.path);
    const root = ctx.project?.root;
    const isTracked = trackedFrom(tracked, notebookDir, root);
    for (const cell of pythonCells(ctx)) {
      for (const read of dataReadFacts(cell, ctx.aliases, ctx.aliasesKey)) {
        if (isTracked(read.path)) continue;
        report({
          path: ctx.path,
          cell: cell.codeIndex,
          range: read.range,
          message: `\`${read.path}\` is read here but no DVC stage or \`.dvc\` file tracks it: the data behind these results is not versioned.`,
        });
      }
    }
  },
};

/**
 * Does DVC track a path read from the notebook's folder (Jupyter's working directory) or from the
 * project root? DvcTracking answers with a set lookup per ancestor, and a notebook has a handful of
 * literal reads, so nothing is kept between checks.
 */
function trackedFrom(tracked: DvcTracking | undefined, notebookDir: string, root: string | undefined): (path: string) => boolean {
  if (!tracked) return () => false;
  return (path) => [joinPath(notebookDir, path), ...(root ? [joinPath(root, path)] : [])].some((c) => tracked.isTracked(c));
}

/**
 * One cell's reads of a local data file by a literal relative path, derived once per cell text and
 * set of notebook imports (see cellFacts.ts); whether DVC tracks the file is asked on each check.
 */
const dataReadFacts = cellFactsWithAliases('MLH211', (cell, aliases): ReadonlyArray<{ path: string; range: Range }> => {
  if (!cell.analysis.calls.length || !cell.analysis.strings.length) return NONE;
  // Built for the first reader call only: most cells call no reader at all.
  let literals: Map<string, string> | undefined;
  const literal = (span: { start: number; end: number }) => (literals ??= new Map(cell.analysis.strings.map((s) => [`${s.start}:${s.end}`, s.value]))).get(`${span.start}:${span.end}`);
  const reads: Array<{ path: string; range: Range }> = [];
  for (const call of cell.analysis.calls) {
    const q = resolveCallee(aliases, call.callee);
    if (!isReader(q)) continue;
    const first = call.args[0];
    if (!first) continue;
    const path = literal(first);
    if (path === undefined || path.includes('{}') || path.includes('://') || !DATA_EXTENSION.test(path)) continue;
    if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:[\\/]/.test(path)) continue;
    if (q === 'open') {
      // Writing a file is not reading data; a `mode=` keyword we cannot see is given the benefit of the doubt.
      const mode = call.args[1] ? literal(call.args[1]) : undefined;
      if ((mode !== undefined && /[wax]/.test(mode)) || call.keywordArgs.includes('mode')) continue;
    }
    reads.push({ path, range: spanRange(cell, first.start, first.end) });
  }
  return reads.length ? reads : NONE;
});
