import { basename, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { codeFiles, segmentsBelow, type StructureContext } from './context';
import { pythonFacts, type PythonFacts } from './pythonSource';

/** Keyword arguments that are hyperparameters in scikit-learn, XGBoost, LightGBM, CatBoost, PyTorch, Keras and HF. */
export const HYPERPARAMETER_KEYWORDS = new Set([
  'lr', 'learning_rate', 'eta', 'n_estimators', 'num_boost_round', 'num_iterations', 'iterations', 'max_depth', 'depth',
  'num_leaves', 'min_child_weight', 'min_child_samples', 'subsample', 'colsample_bytree', 'reg_alpha', 'reg_lambda',
  'l2_leaf_reg', 'min_samples_split', 'min_samples_leaf', 'max_features', 'max_leaf_nodes', 'alpha', 'l1_ratio', 'C',
  'gamma', 'epochs', 'num_epochs', 'max_epochs', 'num_train_epochs', 'batch_size', 'per_device_train_batch_size',
  'weight_decay', 'momentum', 'dropout', 'hidden_size', 'hidden_dim', 'num_layers', 'n_layers', 'max_iter', 'warmup_steps',
  'patience', 'n_neighbors', 'n_clusters',
]);

/** Config files a training script is expected to read its hyperparameters from. */
const CONFIG_FILE = /^(params|config|configs?|hparams|hyperparams|settings)\.(ya?ml|json|toml)$/;
const CONFIG_DIR = new Set(['configs', 'config', 'conf']);
/** Ways of reading configuration that name no file: DVC's API, Hydra, OmegaConf, argparse-free CLIs. */
const CONFIG_READERS = /(^|\.)(params_show|OmegaConf|hydra|compose|load_config|read_config)$/;
const CONFIG_MODULES = /^(hydra|omegaconf|dvc\.api|gin|ml_collections|pydantic_settings|simple_parsing|jsonargparse)(\.|$)/;

export function isConfigFile(root: string, path: string): boolean {
  const segs = segmentsBelow(root, path);
  if (CONFIG_FILE.test(basename(path))) return true;
  return segs.length >= 2 && CONFIG_DIR.has(segs[0]!) && /\.(ya?ml|json|toml)$/.test(path);
}

/** Training code: it fits, trains or steps an optimizer, or it is named for training. */
function isTrainingCode(path: string, facts: PythonFacts): boolean {
  if (/train|fit|tune/i.test(basename(path))) return true;
  return facts.calls.some((c) => /(^|\.)(fit|train|step)$/.test(c.callee));
}

function readsConfig(facts: PythonFacts, configNames: string[]): boolean {
  if (facts.imports.some((i) => CONFIG_MODULES.test(i.module))) return true;
  if (facts.calls.some((c) => CONFIG_READERS.test(c.callee))) return true;
  return facts.strings.some((s) => configNames.some((name) => s.value.includes(name)));
}

export const hardcodedConfig: RuleDefinition<StructureContext> = {
  code: 'MLH408',
  name: 'hardcoded-config',
  pillar: 'structure',
  defaultSeverity: 'information',
  docs: {
    detects:
      'Training code (a `.py` file that calls `fit`/`train`/`step`, or whose name says train, fit or tune) passing numeric literals as hyperparameters (`learning_rate=0.01`, `n_estimators=500`, `batch_size=32`, ...) while no `.py` file of the project reads a config file (`params.yaml`, `config.yml`, `configs/*.yaml`, ...) or uses a config library (Hydra, OmegaConf, `dvc.api.params_show`).',
    why: 'Hyperparameters buried in code cannot be swept, compared or tracked: every experiment is a code change, DVC cannot tell which parameter changed, and the values behind a deployed model are whatever the file said at the time.',
    example: 'from xgboost import XGBClassifier\n\nmodel = XGBClassifier(n_estimators=500, learning_rate=0.05, max_depth=6)\nmodel.fit(X_train, y_train)',
    exampleLanguage: 'python',
    fix: 'Move the values to `params.yaml` and read them (`yaml.safe_load(open("params.yaml"))["train"]`, or `dvc.api.params_show()`); list them under `params:` of the DVC stage so a change re-runs training.',
  },
  async check(ctx, report) {
    const code = codeFiles(ctx.project.root, ctx.files);
    if (!code.length) return;
    const configFiles = ctx.files.filter((f) => isConfigFile(ctx.project.root, f));
    // A script names its config by file name ("params.yaml") or by folder ("configs/").
    const configNames = new Set<string>();
    for (const f of configFiles) {
      configNames.add(basename(f));
      const top = segmentsBelow(ctx.project.root, f)[0]!;
      if (CONFIG_DIR.has(top)) configNames.add(top + '/');
    }
    const parsed: Array<{ file: string; facts: PythonFacts }> = [];
    for (const file of code) {
      const text = await ctx.readText(file);
      if (text !== undefined) parsed.push({ file, facts: pythonFacts(text) });
    }
    if (configFiles.length && parsed.some((p) => readsConfig(p.facts, [...configNames]))) return;
    if (!configFiles.length && parsed.some((p) => p.facts.imports.some((i) => CONFIG_MODULES.test(i.module)))) return;
    for (const { file, facts } of parsed) {
      if (!isTrainingCode(file, facts)) continue;
      const li = ctx.lineIndexOf(file)!;
      for (const call of facts.calls) {
        const literals = call.keywords.filter((k) => HYPERPARAMETER_KEYWORDS.has(k.name) && k.value.kind === 'number');
        if (!literals.length) continue;
        const shown = literals.map((k) => `${k.name}=${k.value.kind === 'number' ? k.value.text : ''}`).join(', ');
        report({
          path: file,
          range: li.rangeOf(literals[0]!.start, literals[literals.length - 1]!.end),
          message: `Hyperparameters are hard-coded in \`${relativePath(ctx.project.root, file)}\` (${shown})${configFiles.length ? '' : ' and no config file exists'}: move them to params.yaml and read them from there.`,
        });
      }
    }
  },
};
