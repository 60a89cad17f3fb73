import type { RuleDefinition } from '../rule';
import { cellFactsWithAliases, NONE, type CellFinding } from './cellFacts';
import { pythonCells, spanRange, type NotebookContext } from './context';
import { resolveCallee } from './moduleAliases';

type Family = 'numpy' | 'random' | 'torch' | 'tensorflow';

const FAMILY_LABEL: Record<Family, string> = { numpy: 'NumPy', random: '`random`', torch: 'PyTorch', tensorflow: 'TensorFlow' };
const FAMILY_SEED: Record<Family, string> = { numpy: 'np.random.seed(...)', random: 'random.seed(...)', torch: 'torch.manual_seed(...)', tensorflow: 'tf.random.set_seed(...)' };

/** Seeding calls (fully qualified) and the global generators they seed. */
const SEEDS: Record<string, Family[]> = {
  'numpy.random.seed': ['numpy'],
  'random.seed': ['random'],
  'torch.manual_seed': ['torch'],
  'torch.random.manual_seed': ['torch'],
  'torch.cuda.manual_seed': ['torch'],
  'torch.cuda.manual_seed_all': ['torch'],
  'tensorflow.random.set_seed': ['tensorflow'],
  'tensorflow.set_random_seed': ['tensorflow'],
  'tensorflow.compat.v1.set_random_seed': ['tensorflow'],
  // Helpers that seed every generator at once.
  'keras.utils.set_random_seed': ['numpy', 'random', 'tensorflow'],
  'tensorflow.keras.utils.set_random_seed': ['numpy', 'random', 'tensorflow'],
  'transformers.set_seed': ['numpy', 'random', 'torch', 'tensorflow'],
  'transformers.trainer_utils.set_seed': ['numpy', 'random', 'torch', 'tensorflow'],
  'accelerate.utils.set_seed': ['numpy', 'random', 'torch'],
  'lightning.seed_everything': ['numpy', 'random', 'torch'],
  'lightning.pytorch.seed_everything': ['numpy', 'random', 'torch'],
  'pytorch_lightning.seed_everything': ['numpy', 'random', 'torch'],
};

const NUMPY_DRAWS = new Set(['rand', 'randn', 'randint', 'random', 'random_sample', 'ranf', 'sample', 'choice', 'shuffle', 'permutation', 'normal', 'uniform', 'binomial', 'poisson', 'beta', 'gamma', 'exponential', 'multivariate_normal', 'standard_normal', 'lognormal', 'multinomial', 'dirichlet', 'laplace']);
const RANDOM_DRAWS = new Set(['random', 'randint', 'randrange', 'choice', 'choices', 'shuffle', 'sample', 'uniform', 'gauss', 'normalvariate', 'lognormvariate', 'betavariate', 'triangular', 'expovariate', 'getrandbits']);
const TORCH_DRAWS = new Set(['torch.rand', 'torch.randn', 'torch.randint', 'torch.randperm', 'torch.rand_like', 'torch.randn_like', 'torch.randint_like', 'torch.normal', 'torch.bernoulli', 'torch.multinomial', 'torch.poisson', 'torch.utils.data.random_split']);
/** Generator constructors: unseeded when called without arguments. */
const GENERATORS = new Set(['numpy.random.default_rng', 'numpy.random.RandomState', 'numpy.random.Generator', 'random.Random']);
/** scikit-learn callables that take `random_state` and are random when it is left out (None → NumPy's global generator). */
const SKLEARN_RANDOM = new Set([
  'train_test_split', 'ShuffleSplit', 'StratifiedShuffleSplit', 'GroupShuffleSplit', 'RandomForestClassifier', 'RandomForestRegressor',
  'ExtraTreesClassifier', 'ExtraTreesRegressor', 'GradientBoostingClassifier', 'GradientBoostingRegressor', 'HistGradientBoostingClassifier',
  'HistGradientBoostingRegressor', 'DecisionTreeClassifier', 'DecisionTreeRegressor', 'KMeans', 'MiniBatchKMeans', 'MLPClassifier', 'MLPRegressor',
  'SGDClassifier', 'SGDRegressor', 'IsolationForest', 'BaggingClassifier', 'BaggingRegressor', 'AdaBoostClassifier', 'AdaBoostRegressor',
  'GaussianMixture', 'TSNE', 'RandomizedSearchCV', 'make_classification', 'make_regression', 'make_blobs', 'make_moons', 'make_circles', 'resample',
]);

function familyOfDraw(qualified: string): Family | undefined {
  if (qualified.startsWith('numpy.random.') && NUMPY_DRAWS.has(qualified.slice('numpy.random.'.length))) return 'numpy';
  if (qualified.startsWith('random.') && RANDOM_DRAWS.has(qualified.slice('random.'.length))) return 'random';
  if (TORCH_DRAWS.has(qualified)) return 'torch';
  if (qualified.startsWith('tensorflow.random.') && qualified !== 'tensorflow.random.set_seed') return 'tensorflow';
  return undefined;
}

function isSklearnRandom(qualified: string): boolean {
  if (!qualified.startsWith('sklearn.')) return false;
  return SKLEARN_RANDOM.has(qualified.slice(qualified.lastIndexOf('.') + 1));
}

function isSortedByStart(calls: ReadonlyArray<{ start: number }>): boolean {
  for (let i = 1; i < calls.length; i++) if (calls[i - 1]!.start > calls[i]!.start) return false;
  return true;
}

export const unseededRandomness: RuleDefinition<NotebookContext> = {
  code: 'MLH209',
  name: 'unseeded-randomness',
  pillar: 'notebooks',
  defaultSeverity: 'information',
  docs: {
    detects:
      'Randomness used before any seed is set, in document order: NumPy (`np.random.*`, `default_rng()` without a seed), `random`, PyTorch (`torch.rand*`, `random_split`), TensorFlow (`tf.random.*`), and scikit-learn splitters, estimators and generators called without `random_state` while NumPy\'s global generator is unseeded. Seeds: `np.random.seed`, `random.seed`, `torch.manual_seed`, `tf.random.set_seed`, `np.random.default_rng(seed)`, `random_state=`, and helpers such as `transformers.set_seed` or `seed_everything`.',
    why: 'An unseeded split or model gives different metrics on every run: results cannot be reproduced, compared across experiments, or debugged.',
    example: 'X_train, X_test, y_train, y_test = train_test_split(X, y)   # MLH209: no random_state',
    exampleLanguage: 'python',
    fix: 'Set the seeds once at the top (`np.random.seed(42)`, `torch.manual_seed(42)`, ...), create generators with `np.random.default_rng(42)`, and pass `random_state=42` (ideally from `params.yaml`).',
  },
  check(ctx, report) {
    const seeded = new Set<Family>();
    const reportedFamilies = new Set<Family>();
    for (const cell of pythonCells(ctx)) {
      for (const event of randomnessFacts(cell, ctx.aliases, ctx.aliasesKey)) {
        switch (event.kind) {
          case 'seed':
            for (const f of event.families) seeded.add(f);
            break;
          case 'generator':
            report({ path: ctx.path, cell: cell.codeIndex, range: event.range, message: event.message });
            break;
          case 'sklearn':
            if (seeded.has('numpy')) break;
            report({ path: ctx.path, cell: cell.codeIndex, range: event.range, message: event.message });
            break;
          case 'draw':
            if (seeded.has(event.family) || reportedFamilies.has(event.family)) break;
            reportedFamilies.add(event.family);
            report({ path: ctx.path, cell: cell.codeIndex, range: event.range, message: event.message });
            break;
        }
      }
    }
  },
};

/**
 * The calls of one cell that seed or draw, in document order, with what the rule would say about
 * each: derived once per cell text and set of notebook imports (see cellFacts.ts); whether a draw is
 * reported then depends only on the seeds of the cells above.
 */
type RandomnessEvent =
  | { kind: 'seed'; families: readonly Family[] }
  /** A generator created without a seed: reported wherever it is. */
  | ({ kind: 'generator' } & CellFinding)
  /** A scikit-learn call without `random_state`: reported unless NumPy's global generator is seeded above. */
  | ({ kind: 'sklearn' } & CellFinding)
  /** A draw from a global generator: reported once per family, unless seeded above. */
  | ({ kind: 'draw'; family: Family } & CellFinding);

const randomnessFacts = cellFactsWithAliases('MLH209', (cell, aliases): readonly RandomnessEvent[] => {
  // Document order; the analysis usually lists calls in it already, and then needs no sorted copy.
  const calls = isSortedByStart(cell.analysis.calls) ? cell.analysis.calls : [...cell.analysis.calls].sort((a, b) => a.start - b.start);
  const events: RandomnessEvent[] = [];
  for (const call of calls) {
    const q = resolveCallee(aliases, call.callee);
    const seeds = Object.hasOwn(SEEDS, q) ? SEEDS[q] : undefined;
    if (seeds) {
      events.push({ kind: 'seed', families: seeds });
      continue;
    }
    // Only for a finding: nearly every call is neither a seed nor a draw.
    const range = () => spanRange(cell, call.start, call.start + call.callee.length);
    if (GENERATORS.has(q)) {
      if (call.args.length === 0 && !call.keywordArgs.includes('seed')) {
        events.push({ kind: 'generator', range: range(), message: `\`${call.callee}()\` creates a generator without a seed: pass one (e.g. \`${call.callee}(42)\`) to make results reproducible.` });
      }
      continue;
    }
    if (isSklearnRandom(q)) {
      if (call.keywordArgs.includes('random_state')) continue;
      events.push({ kind: 'sklearn', range: range(), message: `\`${call.callee}\` is called without \`random_state\` and NumPy's global generator is not seeded: every run gives different results.` });
      continue;
    }
    const family = familyOfDraw(q);
    if (!family) continue;
    events.push({ kind: 'draw', family, range: range(), message: `${FAMILY_LABEL[family]} randomness is used before any seed is set: call \`${FAMILY_SEED[family]}\` first to make results reproducible.` });
  }
  return events.length ? events : NONE;
});
