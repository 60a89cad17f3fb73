import type { Finding, Pillar } from '../diagnostics';
import { formatShare } from '../rules/structure/annotationCoverage';
import type { Range } from '../text/lineIndex';

/** Measurements of the project's sources that a check scores by, beyond pass/fail (computed by the engine). */
export interface ProjectMeasures {
  /** MLH422's count over the package's public functions; undefined without a package. */
  annotationCoverage?: {
    annotated: number;
    total: number;
    /** The first function that lacks annotations, for "Open". */
    first?: { path: string; range: Range };
  };
}

/** What a check knows about the project beyond the findings (does it have notebooks, a package...). */
export interface ProjectFacts {
  hasCode: boolean;
  hasNotebooks: boolean;
  hasPackage: boolean;
  /** `py.typed` files inside the project's packages. */
  pyTypedFiles: string[];
  packageDirs: string[];
  /** `dvc.yaml` and `*.dvc` files of the project. */
  dvcFiles: string[];
  hasDvcPipeline: boolean;
  hasDataDirs: boolean;
  hasEnvFiles: boolean;
  /** Makefiles, shell scripts or production `.py` files: something that could run a notebook. */
  hasProductionEntryPoints: boolean;
  /** A pyproject.toml (where MLH108 asks for `requires-python`) or a `.python-version` file. */
  declaresPythonVersion: boolean;
  hasPyproject: boolean;
  /** A uv.lock, poetry.lock, pdm.lock or pylock.toml at the project root. */
  hasLockfile: boolean;
  hasDockerfile: boolean;
  /** False when MLH401 reported that no type checker is configured (known from the findings, not the layout). */
  typeCheckerConfigured?: boolean;
  /** Measured by the engine from the sources; absent when the caller did not measure. */
  measures?: ProjectMeasures;
}

export interface Outcome {
  passed: boolean;
  message: string;
  file?: string;
  range?: Range;
  /** 0-1: the part of the check's weight earned, for checks scored by a figure rather than pass/fail. */
  share?: number;
}

export interface CheckDefinition {
  id: string;
  pillar: Pillar;
  /** Relative weight inside its pillar. */
  weight: number;
  /** The rule codes whose findings fail the check; shown in reports and used for "open docs". */
  codes: string[];
  /** Does a finding count against this check? Defaults to "its code is one of `codes`". */
  counts?(finding: Finding): boolean;
  /** Undefined: applies. A string: why it does not apply to this project (it then does not count). */
  notApplicable?(facts: ProjectFacts): string | undefined;
  /** The message when no finding fails the check. */
  passMessage: string;
  /** A reason to fail even without findings: the evidence the check needs is missing. */
  missingEvidence?(facts: ProjectFacts): string | undefined;
  /** For checks decided by the project's layout rather than by findings. */
  evaluate?(facts: ProjectFacts): Outcome;
}

/** Pillar weights of the total score. Dependencies and structure carry most: they break production first. */
export const PILLAR_WEIGHTS: Record<Pillar, number> = { dependencies: 25, types: 15, structure: 25, data: 20, notebooks: 15 };
export const PILLAR_ORDER: Pillar[] = ['dependencies', 'types', 'structure', 'data', 'notebooks'];

const isBlocking = (f: Finding) => f.severity === 'error' || f.severity === 'warning';
const inHundred = (f: Finding, hundred: string) => f.code.startsWith(hundred) && f.code.length === 6;

const noCode = (facts: ProjectFacts) => (facts.hasCode || facts.hasNotebooks ? undefined : 'the project has no Python code or notebooks yet');
const noPipeline = (facts: ProjectFacts) => (facts.hasDvcPipeline ? undefined : 'the project has no dvc.yaml');
const noNotebooks = (facts: ProjectFacts) => (facts.hasNotebooks ? undefined : 'the project has no notebooks');

// Codes that a catch-all check must not claim because a specific check owns them.
const DEPENDENCY_CODES = new Set(['MLH101', 'MLH102', 'MLH112', 'MLH103', 'MLH104', 'MLH108', 'MLH109', 'MLH107', 'MLH110', 'MLH111']);
const DVC_CODES = new Set(['MLH303', 'MLH307', 'MLH308', 'MLH309', 'MLH310']);
const NOTEBOOK_CODES = new Set(['MLH201', 'MLH202', 'MLH203', 'MLH206', 'MLH207', 'MLH204', 'MLH205', 'MLH209', 'MLH211']);

export const CHECKS: CheckDefinition[] = [
  // ---- dependencies: pass/fail per group of MLH1xx rules
  { id: 'pinned-dependencies', pillar: 'dependencies', weight: 3, codes: ['MLH101', 'MLH102', 'MLH112'], passMessage: 'Every runtime dependency is pinned, or held by a fresh lockfile.' },
  { id: 'fresh-lockfile', pillar: 'dependencies', weight: 3, codes: ['MLH103', 'MLH104'], passMessage: 'A lockfile records the resolved versions and agrees with the manifest.' },
  {
    id: 'python-version',
    pillar: 'dependencies',
    weight: 1,
    codes: ['MLH108', 'MLH109'],
    passMessage: 'The Python version is declared (`requires-python`) and `.python-version` agrees with it.',
    // Without a pyproject.toml neither rule has anything to look at; silence is not a declared version.
    missingEvidence: (facts) => (facts.declaresPythonVersion ? undefined : 'Nothing declares the Python version: add a `.python-version` file (and `requires-python` in pyproject.toml).'),
  },
  {
    // A lockfile helps only where the builds install from it: CI and container images.
    id: 'installs-from-lockfile',
    pillar: 'dependencies',
    weight: 2,
    codes: ['MLH417', 'MLH420'],
    passMessage: 'CI and container builds install from the lockfile.',
    notApplicable: (facts) => (facts.hasLockfile ? undefined : 'the project has no uv.lock, poetry.lock, pdm.lock or pylock.toml'),
  },
  {
    id: 'pinned-base-image',
    pillar: 'dependencies',
    weight: 1,
    codes: ['MLH419'],
    // A tag without a digest is a hint, not a failure.
    counts: (f) => f.code === 'MLH419' && isBlocking(f),
    passMessage: 'Container base images name a version.',
    notApplicable: (facts) => (facts.hasDockerfile ? undefined : 'the project has no Dockerfile'),
  },
  {
    // PEP 517/518 packaging: a declared, recent-enough build backend and a version with a source.
    id: 'packaging',
    pillar: 'dependencies',
    weight: 1,
    codes: ['MLH412', 'MLH413', 'MLH414', 'MLH415'],
    passMessage: 'The package declares its build backend and takes its version from one source.',
    notApplicable: (facts) => (facts.hasPyproject ? undefined : 'the project has no pyproject.toml to build from'),
  },
  { id: 'runtime-dependencies', pillar: 'dependencies', weight: 1, codes: ['MLH107', 'MLH110'], passMessage: 'Runtime dependencies hold no dev tools and cover every import.' },
  {
    id: 'valid-declarations',
    pillar: 'dependencies',
    weight: 1,
    codes: ['MLH105', 'MLH106', 'MLH113', 'MLH114', 'MLH115'],
    counts: (f) => inHundred(f, 'MLH1') && !DEPENDENCY_CODES.has(f.code) && isBlocking(f),
    passMessage: 'Dependency declarations are valid, readable and free of duplicates.',
  },
  // ---- types
  { id: 'MLH401', pillar: 'types', weight: 2, codes: ['MLH401'], passMessage: 'A type checker (mypy or pyright) is configured.' },
  {
    // A config that silences every error, or that CI never runs, is type safety on paper only.
    id: 'type-checker-enforced',
    pillar: 'types',
    weight: 1,
    codes: ['MLH409', 'MLH410'],
    passMessage: 'The type checker has real settings and CI runs it.',
    notApplicable: (facts) => (facts.typeCheckerConfigured === false ? 'no type checker is configured (MLH401)' : undefined),
  },
  {
    id: 'typed-package',
    pillar: 'types',
    weight: 1,
    // Decided by the layout for every project; MLH411 reports it as a finding, with the fix, for libraries.
    codes: ['MLH411'],
    passMessage: 'The package ships a `py.typed` marker.',
    notApplicable: (facts) => (facts.hasPackage ? undefined : 'the project has no package to mark'),
    evaluate: (facts) => {
      const missing = facts.packageDirs.filter((dir) => !facts.pyTypedFiles.some((f) => f.startsWith(dir + '/')));
      if (!missing.length) return { passed: true, message: 'The package ships a `py.typed` marker (PEP 561).', file: facts.pyTypedFiles[0]! };
      return { passed: false, message: 'The package has no `py.typed` marker (PEP 561): type checkers ignore its annotations when it is installed.', file: missing[0]! };
    },
  },
  {
    // Scored by the figure, as Pyright's --verifytypes completeness score: 72% annotated earns 72% of the weight.
    // Weighted like the other checks beyond "a checker is configured": annotations are what the checker
    // works with, but a package moved out of notebooks starts unannotated and is otherwise ready.
    id: 'annotation-coverage',
    pillar: 'types',
    weight: 1,
    codes: ['MLH422'],
    passMessage: 'Every public function of the package is fully annotated.',
    notApplicable: (facts) => {
      const coverage = facts.measures?.annotationCoverage;
      if (!facts.hasPackage) return 'the project has no package';
      if (!coverage) return 'annotation coverage was not measured';
      return coverage.total ? undefined : 'the package has no public functions';
    },
    evaluate: (facts) => {
      const { annotated, total, first } = facts.measures!.annotationCoverage!;
      const figure = `${formatShare(annotated, total)} of ${total} public function${total === 1 ? '' : 's'} fully annotated (${annotated}/${total})`;
      if (annotated === total) return { passed: true, message: `${figure}.`, share: 1 };
      return {
        passed: false,
        message: `${figure}: annotate the parameters and return types MLH422 points at.`,
        share: annotated / total,
        ...(first ? { file: first.path, range: first.range } : {}),
      };
    },
  },
  { id: 'validated-ingestion', pillar: 'types', weight: 1, codes: ['MLH423'], passMessage: 'The package validates the data it reads before handing it on.', notApplicable: (facts) => (facts.hasPackage ? undefined : 'the project has no package') },
  // ---- structure: every MLH4xx rule is a check
  { id: 'MLH402', pillar: 'structure', weight: 2, codes: ['MLH402'], passMessage: 'The project has tests.', notApplicable: noCode },
  { id: 'MLH403', pillar: 'structure', weight: 2, codes: ['MLH403'], passMessage: 'Code lives in an importable package.', notApplicable: noCode },
  {
    id: 'MLH404',
    pillar: 'structure',
    weight: 1,
    codes: ['MLH404'],
    passMessage: 'No production code imports or executes a notebook.',
    notApplicable: (facts) => (facts.hasProductionEntryPoints ? undefined : 'the project has no production code'),
  },
  { id: 'MLH406', pillar: 'structure', weight: 2, codes: ['MLH406'], passMessage: 'Every `.env` file is gitignored.', notApplicable: (facts) => (facts.hasEnvFiles ? undefined : 'the project has no .env file') },
  { id: 'MLH407', pillar: 'structure', weight: 1, codes: ['MLH407'], passMessage: 'CI runs the tests.' },
  { id: 'MLH421', pillar: 'structure', weight: 1, codes: ['MLH421'], passMessage: 'No notebook is copied into a container image.', notApplicable: (facts) => (facts.hasDockerfile && facts.hasNotebooks ? undefined : 'the project has no Dockerfile and notebooks') },
  { id: 'MLH418', pillar: 'structure', weight: 1, codes: ['MLH418'], passMessage: 'CI tests the installed package, not the source tree.', notApplicable: (facts) => (facts.hasPackage ? undefined : 'the project has no package') },
  { id: 'MLH416', pillar: 'structure', weight: 1, codes: ['MLH416'], passMessage: 'Programs of the package (train, predict, serve) have console-script entry points.', notApplicable: (facts) => (facts.hasPackage ? undefined : 'the project has no package') },
  { id: 'MLH408', pillar: 'structure', weight: 1, codes: ['MLH408'], passMessage: 'Training code reads its hyperparameters from configuration.', notApplicable: (facts) => (facts.hasCode ? undefined : 'the project has no Python scripts') },
  // ---- data
  {
    id: 'data-versioned',
    pillar: 'data',
    weight: 2,
    codes: [],
    passMessage: 'DVC versions the data (a pipeline or `.dvc` files).',
    evaluate: (facts) =>
      facts.dvcFiles.length
        ? { passed: true, message: 'DVC versions the data (a pipeline or `.dvc` files).', file: facts.dvcFiles[0]! }
        : { passed: false, message: 'No `dvc.yaml` or `.dvc` file versions the data: results cannot be tied to the data they came from.' },
  },
  { id: 'MLH405', pillar: 'data', weight: 2, codes: ['MLH405'], passMessage: 'Data and model folders are tracked by DVC or gitignored.', notApplicable: (facts) => (facts.hasDataDirs ? undefined : 'the project has no data/ or models/ folder') },
  {
    id: 'dvc-pipeline-valid',
    pillar: 'data',
    weight: 2,
    codes: ['MLH301', 'MLH302', 'MLH304', 'MLH305', 'MLH306'],
    counts: (f) => inHundred(f, 'MLH3') && !DVC_CODES.has(f.code) && isBlocking(f),
    passMessage: 'The DVC pipeline has no errors.',
    notApplicable: noPipeline,
  },
  { id: 'dvc-stages-declared', pillar: 'data', weight: 1, codes: ['MLH303', 'MLH307', 'MLH308'], passMessage: 'Stages declare the scripts they run and take parameters from params.', notApplicable: noPipeline },
  { id: 'dvc-up-to-date', pillar: 'data', weight: 1, codes: ['MLH309', 'MLH310'], passMessage: 'Every stage has run and `dvc.lock` is up to date.', notApplicable: noPipeline },
  { id: 'notebook-data-tracked', pillar: 'data', weight: 1, codes: ['MLH211'], passMessage: 'Notebooks read only data that DVC tracks.', notApplicable: noNotebooks },
  // ---- notebooks
  { id: 'notebooks-run-in-order', pillar: 'notebooks', weight: 3, codes: ['MLH201', 'MLH202', 'MLH203'], passMessage: 'Notebooks ran top to bottom, with no hidden state.', notApplicable: noNotebooks },
  { id: 'notebooks-no-secrets', pillar: 'notebooks', weight: 3, codes: ['MLH206'], passMessage: 'No secrets in notebook sources or outputs.', notApplicable: noNotebooks },
  { id: 'notebooks-no-errors', pillar: 'notebooks', weight: 1, codes: ['MLH207'], passMessage: 'No error outputs saved in notebooks.', notApplicable: noNotebooks },
  { id: 'notebooks-portable', pillar: 'notebooks', weight: 1, codes: ['MLH204', 'MLH205'], passMessage: 'Notebooks install nothing themselves and use no absolute paths.', notApplicable: noNotebooks },
  { id: 'notebooks-seeded', pillar: 'notebooks', weight: 1, codes: ['MLH209'], passMessage: 'Randomness in notebooks is seeded.', notApplicable: noNotebooks },
  {
    id: 'notebooks-tidy',
    pillar: 'notebooks',
    weight: 1,
    codes: ['MLH208', 'MLH210', 'MLH212', 'MLH213'],
    counts: (f) => inHundred(f, 'MLH2') && !NOTEBOOK_CODES.has(f.code),
    passMessage: 'Notebooks are tidy: small outputs, short cells, clear names, no star imports.',
    notApplicable: noNotebooks,
  },
];
