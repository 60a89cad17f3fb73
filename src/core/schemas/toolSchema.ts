/**
 * JSON Schemas that other extensions consume (Even Better TOML / taplo for pyproject.toml, Red Hat
 * YAML for dvc.yaml), built from the same tables the readers use: PROJECT_CONFIG_KEYS (config.ts),
 * the rule registry, and the key sets of dvcYaml.ts. scripts/gen-schemas.ts writes them to schemas/;
 * a unit test fails when the committed files differ from what these functions build.
 *
 * Draft-07: the newest draft both taplo and the YAML language server validate with.
 */
import { PROJECT_CONFIG_KEYS, SEVERITY_SETTINGS, type ProjectConfigKey } from '../config';
import type { RuleMeta } from '../rules/rule';
import { ruleDocsHref } from '../rules/rule';

export type JsonSchema = Record<string, unknown>;

export const SCHEMA_BASE_URL = 'https://raw.githubusercontent.com/ml-hygiene/ml-hygiene/main/schemas';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (m ? m[1]! : text.trim()).replace(/\s+/g, ' ');
}

/** What hover and completion show for a rule code: its name, first docs sentence and docs link. */
export function ruleSummary(rule: RuleMeta): string {
  return `${rule.code} (${rule.name}): ${firstSentence(rule.docs.detects)}`;
}

/** A selector in `select`/`ignore`: a full code, or `MLH1` / `MLH20` prefixes, as the reader accepts. */
function selectorSchema(rules: RuleMeta[]): JsonSchema {
  return {
    anyOf: [
      { type: 'string', enum: rules.map((r) => r.code), description: 'A rule code.' },
      { type: 'string', pattern: '^MLH[0-9]{1,2}$', description: 'A prefix: `MLH1` (an area) or `MLH20` (a decade of rules).' },
    ],
  };
}

function keySchema(key: ProjectConfigKey, rules: RuleMeta[]): JsonSchema {
  const common: JsonSchema = { description: key.description, markdownDescription: key.description };
  if (key.default !== undefined) common['default'] = key.default;
  switch (key.type) {
    case 'rule-selectors':
      return { type: 'array', items: selectorSchema(rules), uniqueItems: true, ...common };
    case 'severity-table':
      return {
        type: 'object',
        properties: Object.fromEntries(
          rules.map((r) => [
            r.code,
            { type: 'string', enum: [...SEVERITY_SETTINGS], description: `${ruleSummary(r)} Default: ${r.defaultSeverity}. Docs: ${ruleDocsHref(r.code)}` },
          ]),
        ),
        additionalProperties: false,
        ...common,
      };
    case 'kind':
      return { type: 'string', enum: ['application', 'library'], ...common };
    case 'globs':
      return { type: 'array', items: { type: 'string', minLength: 1 }, ...common };
    case 'positive-number':
      return { type: 'number', exclusiveMinimum: 0, ...common };
  }
}

/** `[tool.ml-hygiene]`: every key the reader accepts, nothing else. */
export function buildToolSchema(rules: RuleMeta[]): JsonSchema {
  const sorted = [...rules].sort((a, b) => (a.code < b.code ? -1 : 1));
  return {
    $schema: DRAFT_07,
    $id: `${SCHEMA_BASE_URL}/tool-ml-hygiene.schema.json`,
    title: '[tool.ml-hygiene]',
    description: 'ML Hygiene project settings in pyproject.toml. They win over the editor settings `mlHygiene.*`. Generated from the rule registry by scripts/gen-schemas.ts.',
    type: 'object',
    properties: Object.fromEntries(PROJECT_CONFIG_KEYS.map((k) => [k.key, keySchema(k, sorted)])),
    additionalProperties: false,
  };
}
