/**
 * Generates the JSON Schemas other extensions consume, from the tables our readers use:
 *   schemas/tool-ml-hygiene.schema.json   [tool.ml-hygiene]  (config.ts PROJECT_CONFIG_KEYS + rule registry)
 *   schemas/pyproject.schema.json         pyproject.toml, PEP 508 strings checked, the above embedded
 *   schemas/dvc.schema.json               dvc.yaml           (dvcYaml.ts key sets)
 *
 *   node --import tsx scripts/gen-schemas.ts          write them
 *   node --import tsx scripts/gen-schemas.ts --check  exit 1 when the committed files differ
 *
 * package.json contributes them (tomlValidation, yamlValidation); test/unit/schemas/schemas.test.ts
 * fails when the committed files are stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allRules } from '../src/core/rules/registry';
import { buildDvcSchema } from '../src/core/schemas/dvcSchema';
import { buildPyprojectSchema } from '../src/core/schemas/pyprojectSchema';
import { buildToolSchema } from '../src/core/schemas/toolSchema';

export const SCHEMAS_DIR = path.resolve(__dirname, '../schemas');

/** File name → content, as committed (two-space JSON and a final newline). */
export function renderSchemas(): Map<string, string> {
  const tool = buildToolSchema(allRules());
  const text = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
  return new Map([
    ['tool-ml-hygiene.schema.json', text(tool)],
    ['pyproject.schema.json', text(buildPyprojectSchema(tool))],
    ['dvc.schema.json', text(buildDvcSchema())],
  ]);
}

export function outdatedSchemas(dir = SCHEMAS_DIR, files = renderSchemas()): string[] {
  const problems: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    if (!existsSync(file)) problems.push(`${name} is missing`);
    else if (readFileSync(file, 'utf8') !== content) problems.push(`${name} is out of date`);
  }
  return problems;
}

function main(): void {
  const files = renderSchemas();
  if (process.argv.includes('--check')) {
    const problems = outdatedSchemas(SCHEMAS_DIR, files);
    for (const p of problems) console.error(`schemas/${p}`);
    if (problems.length) console.error('Run `node --import tsx scripts/gen-schemas.ts` and commit schemas/.');
    process.exitCode = problems.length ? 1 : 0;
    return;
  }
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [name, content] of files) writeFileSync(path.join(SCHEMAS_DIR, name), content);
  console.log(`schemas/: ${[...files.keys()].join(', ')}`);
}

if (require.main === module) main();
