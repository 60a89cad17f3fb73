/**
 * A schema for dvc.yaml with the keys our reader (src/core/dvc/dvcYaml.ts) understands, generated
 * from its key sets so the two list the same keys. Like the reader it follows DVC 3: top-level
 * `datasets` is accepted and the old mapping form of top-level `plots` is not. Values that DVC
 * interpolates (`${...}`) are strings, as in the file; the schema checks the shape, the reader
 * the resolved values.
 */
import { ARTIFACT_KEYS, OUT_OPTION_KEYS, PLOT_PROP_KEYS, STAGE_KEYS, TOP_LEVEL_KEYS, TOP_PLOT_KEYS } from '../dvc/dvcYaml';
import { SCHEMA_BASE_URL, type JsonSchema } from './toolSchema';

const STRING = { type: 'string' };
const BOOLEAN = { type: 'boolean' };
const STRING_LIST = { type: 'array', items: STRING };
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

/** Types of every key the reader knows; a key missing here fails generation (see `pick`). */
const OUT_OPTION_TYPES: Record<string, JsonSchema> = {
  cache: { ...BOOLEAN, description: 'Store the output in the DVC cache (default true; false for metrics kept in Git).' },
  persist: { ...BOOLEAN, description: 'Keep the output when the stage is reproduced instead of deleting it first.' },
  checkpoint: { ...BOOLEAN, description: 'Deprecated in DVC 3 (experiments checkpoints).' },
  remote: { ...STRING, description: 'Name of the remote this output is pushed to.' },
  push: { ...BOOLEAN, description: 'Whether `dvc push` uploads this output (default true).' },
  desc: STRING,
  type: STRING,
  labels: STRING_LIST,
  meta: {},
};
const PLOT_PROP_TYPES: Record<string, JsonSchema> = {
  template: { ...STRING, description: 'Vega-Lite template, e.g. `linear`, `confusion`, `scatter`.' },
  x: { anyOf: [STRING, { type: 'object' }] },
  y: { anyOf: [STRING, { type: 'object' }, { type: 'array' }] },
  x_label: STRING,
  y_label: STRING,
  title: STRING,
  header: { ...BOOLEAN, description: 'Whether a CSV/TSV plot file has a header row.' },
};
const ARTIFACT_TYPES: Record<string, JsonSchema> = { path: STRING, type: STRING, desc: STRING, labels: STRING_LIST, meta: {} };
const STAGE_TYPES: Record<string, JsonSchema> = {
  cmd: { anyOf: [STRING, STRING_LIST], description: 'The command the stage runs, or a list run in order.' },
  wdir: { ...STRING, description: 'Working directory of the command, relative to dvc.yaml.' },
  deps: { type: ['array', 'null'], items: STRING, description: 'Files and folders the stage reads: a change marks the stage changed.' },
  params: {
    type: ['array', 'null'],
    items: { anyOf: [STRING, { type: 'object', additionalProperties: { type: ['array', 'null'], items: STRING } }] },
    description: 'Parameter keys from params.yaml, or `{file: [keys]}` for another file.',
  },
  outs: { type: ['array', 'null'], items: ref('out'), description: 'Files and folders the stage writes, cached by DVC.' },
  metrics: { type: ['array', 'null'], items: ref('out'), description: 'Metrics files the stage writes.' },
  plots: { type: ['array', 'null'], items: ref('plotOut'), description: 'Plot files the stage writes.' },
  frozen: { ...BOOLEAN, description: 'A frozen stage is never reproduced.' },
  always_changed: { ...BOOLEAN, description: 'Reproduce the stage every time.' },
  desc: STRING,
  meta: {},
  vars: ref('vars'),
};

/** The entries of `types` for exactly the keys of `keys`: generation fails when the reader knows a key this file does not type. */
function pick(keys: Set<string>, types: Record<string, JsonSchema>, what: string): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const key of keys) {
    const t = types[key];
    if (!t) throw new Error(`dvc.schema: no type for ${what} key '${key}' (add it to src/core/schemas/dvcSchema.ts)`);
    out[key] = t;
  }
  return out;
}

/** An entry of outs/metrics: a path, or `{path: {options}}` with one path. */
function outEntry(options: Record<string, JsonSchema>): JsonSchema {
  return {
    anyOf: [STRING, { type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: { type: 'object', properties: options, additionalProperties: false } }],
  };
}

export function buildDvcSchema(): JsonSchema {
  const outOptions = pick(OUT_OPTION_KEYS, OUT_OPTION_TYPES, 'output option');
  const plotOptions = { ...outOptions, ...pick(PLOT_PROP_KEYS, PLOT_PROP_TYPES, 'plot property') };
  const stageProperties = pick(STAGE_KEYS, STAGE_TYPES, 'stage');
  const topPlotProps = pick(TOP_PLOT_KEYS, PLOT_PROP_TYPES, 'top-level plot');
  const top: Record<string, JsonSchema> = {
    vars: ref('vars'),
    stages: {
      type: ['object', 'null'],
      description: 'The pipeline: stage name → definition.',
      propertyNames: { pattern: '^[\\p{L}\\p{N}_-]+$' },
      additionalProperties: ref('stageEntry'),
    },
    plots: {
      type: ['array', 'null'],
      description: 'Top-level plots (DVC 3: a list of paths or `{id: properties}`).',
      items: { anyOf: [STRING, { type: 'object', additionalProperties: { type: ['object', 'null'], properties: topPlotProps, additionalProperties: false } }] },
    },
    params: { type: ['array', 'null'], items: STRING, description: 'Parameter files outside any stage.' },
    metrics: { type: ['array', 'null'], items: STRING, description: 'Metrics files outside any stage.' },
    artifacts: {
      type: ['object', 'null'],
      additionalProperties: { type: 'object', properties: pick(ARTIFACT_KEYS, ARTIFACT_TYPES, 'artifact'), required: ['path'], additionalProperties: false },
    },
    datasets: { type: ['array', 'null'], items: { type: 'object', properties: { name: STRING }, required: ['name'] }, description: 'Datasets the project uses (DVC 3.x), each with a `name`.' },
  };
  const stage = { type: 'object', properties: stageProperties, required: ['cmd'], additionalProperties: false };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE_URL}/dvc.schema.json`,
    title: 'dvc.yaml (ML Hygiene)',
    description: 'DVC 3 pipeline file, with the keys ML Hygiene checks. Generated by scripts/gen-schemas.ts from src/core/dvc/dvcYaml.ts.',
    type: 'object',
    definitions: {
      out: outEntry(outOptions),
      plotOut: outEntry(plotOptions),
      vars: { type: 'array', items: { anyOf: [STRING, { type: 'object' }] }, description: 'Files (`params.yaml`, `file.yaml:key`) and mappings whose values `${...}` may use.' },
      stage,
      stageEntry: {
        anyOf: [
          stage,
          {
            type: 'object',
            description: 'A stage repeated over `foreach` items, its definition in `do`.',
            properties: { foreach: { anyOf: [STRING, { type: 'array' }, { type: 'object' }] }, do: ref('stage') },
            required: ['foreach', 'do'],
            additionalProperties: false,
          },
          {
            type: 'object',
            description: 'A stage repeated over every combination of `matrix` values.',
            properties: { ...stageProperties, matrix: { type: 'object', additionalProperties: { anyOf: [STRING, { type: 'array' }] } } },
            required: ['cmd', 'matrix'],
            additionalProperties: false,
          },
        ],
      },
    },
    properties: pick(TOP_LEVEL_KEYS, top, 'top-level'),
    additionalProperties: false,
  };
}
