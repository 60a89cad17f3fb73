import type { Fix } from '../../diagnostics';
import { iniBoolean } from '../../text/iniFile';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { describeConfig, ownTypeCheckerConfigs, type TypeCheckerConfig, type TypeCheckerSetting } from './typeCheckers';

const isTrue = (s: TypeCheckerSetting) => s.value === true || (typeof s.value === 'string' && iniBoolean(s.value) === true);

/** Why a configuration checks nothing, and where: undefined when it has teeth. */
export function toothlessSetting(config: TypeCheckerConfig): { setting: TypeCheckerSetting; why: string } | undefined {
  if (config.tool === 'mypy') {
    const ignoreErrors = config.settings.find((s) => s.key === 'ignore_errors' && isTrue(s));
    if (ignoreErrors) return { setting: ignoreErrors, why: '`ignore_errors = true` makes mypy report nothing for every module' };
    // mypy's own options only; `[tool.mypy]` with nothing else would check with the defaults, which is fine.
    if (config.settings.length === 1 && config.settings[0]!.key === 'ignore_missing_imports' && isTrue(config.settings[0]!)) {
      return { setting: config.settings[0]!, why: '`ignore_missing_imports` is its only setting: mypy checks only annotated functions, and nothing asks for annotations' };
    }
  }
  if (config.tool === 'pyright' || config.tool === 'basedpyright') {
    const mode = config.settings.find((s) => s.key === 'typeCheckingMode' && s.value === 'off');
    if (mode) return { setting: mode, why: `\`typeCheckingMode = "off"\` turns off ${config.tool === 'pyright' ? 'Pyright' : 'basedpyright'}'s type errors` };
  }
  return undefined;
}

export const toothlessTypeChecker: RuleDefinition<StructureContext> = {
  code: 'MLH409',
  name: 'toothless-type-checker',
  pillar: 'types',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A type checker that is configured but checks nothing: mypy with `ignore_errors = true` in its global section (`[tool.mypy]`, `mypy.ini`, `[mypy]` in `setup.cfg`/`tox.ini`), mypy with `ignore_missing_imports` as its only setting, or Pyright/basedpyright with `typeCheckingMode = "off"` (`[tool.pyright]` or `pyrightconfig.json`). Per-module overrides (`[[tool.mypy.overrides]]`) are a deliberate, gradual adoption and are not reported.',
    why: 'A configuration that silences every error looks like type safety on a checklist and in the readiness score, while a renamed column or a `None` from a failed load still reaches training unchecked.',
    example: '[tool.mypy]\nignore_errors = true',
    exampleLanguage: 'toml',
    fix: 'Remove `ignore_errors` and fix or silence errors module by module with `[[tool.mypy.overrides]]`; give mypy real settings (`strict = true`, or at least `check_untyped_defs = true`). For Pyright, the fix sets `typeCheckingMode` to `"standard"`, its default.',
  },
  async check(ctx, report) {
    for (const config of await ownTypeCheckerConfigs(ctx)) {
      const found = toothlessSetting(config);
      if (!found) continue;
      const fixes: Fix[] = [];
      if (found.setting.key === 'typeCheckingMode') {
        const quote = found.setting.quoted ? '"' : '';
        fixes.push({ title: 'Set typeCheckingMode to "standard"', isPreferred: true, edit: { operations: [{ kind: 'edit', path: config.path, edits: [{ range: found.setting.valueRange, newText: `${quote}standard${quote}` }] }] } });
      }
      report({
        path: config.path,
        range: found.setting.range,
        message: `The type checker checks nothing: in ${describeConfig(config)}, ${found.why}.`,
        ...(fixes.length ? { fixes } : {}),
      });
    }
  },
};
