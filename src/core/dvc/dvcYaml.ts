import { isMap, isScalar, isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { dirname, joinPath, normalizePath } from '../fs/paths';
import type { LineIndex, Range } from '../text/lineIndex';
import { LineIndex as LineIndexClass } from '../text/lineIndex';
import { interpolate } from './interpolation';
import { readParamsFile, type ParamsFileResult } from './paramsFile';
import { dvcToStr, isPyDict, type PyDict, type PyValue } from './pyValue';
import { nodeRange, parseYaml, toPy, YamlBudgetError } from './yamlSource';

/**
 * `dvc.yaml` → stages with exact ranges. Follows DVC 3's schema (dvc/schema.py) and its parsing of
 * `vars`, `foreach`/`do` and `matrix` (dvc/parsing): generated stages are named `name@key`, and
 * `params.yaml` next to dvc.yaml is loaded into the interpolation context by default.
 */
export const MAX_DVC_YAML_BYTES = 4 * 1024 * 1024;
export const DEFAULT_PARAMS_FILE = 'params.yaml';

export type OutputKind = 'outs' | 'metrics' | 'plots';

export interface DvcPathEntry {
  kind: 'deps' | OutputKind;
  /** As written (after interpolation), relative to the stage's wdir. */
  path: string;
  /** Absolute normalised path. */
  absPath: string;
  /** The list entry (for dict form the key and its options). */
  range: Range;
  cache: boolean;
  persist: boolean;
  push: boolean;
  remote?: string;
  desc?: string;
}

export interface DvcParamRef {
  /** The params file as written, relative to wdir (default `params.yaml`). */
  file: string;
  absFile: string;
  /** Dotted key, or null when the whole file is tracked (`- file.yaml:` with no keys). */
  key: string | null;
  range: Range;
}

export interface SourceProblem {
  message: string;
  range: Range;
}

/** Offsets of the parts of a stage definition that fixes edit. */
export interface StageLayout {
  defStart: number;
  defEnd: number;
  cmdKeyStart?: number;
  cmdValueEnd?: number;
  depsKeyStart?: number;
  depsValue?: { flow: boolean; start: number; end: number; items: [number, number][] } | null;
}

export interface DvcStage {
  name: string;
  baseName: string;
  /** For generated stages, the foreach/matrix key after '@'. */
  generatedKey?: string;
  nameRange: Range;
  range: Range;
  cmd?: string | string[];
  /** Source offsets of each cmd string node. */
  cmdNodes: [number, number][];
  cmdRange?: Range;
  /** wdir relative to the dvc.yaml directory ('.' by default) and absolute. */
  wdir: string;
  wdirAbs: string;
  deps: DvcPathEntry[];
  outs: DvcPathEntry[];
  params: DvcParamRef[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  layout: StageLayout;
}

export interface DvcYamlFile {
  path: string;
  dir: string;
  text: string;
  lineIndex: LineIndex;
  /** Parsed at all? false for YAML errors, non-mapping roots, oversized files. */
  parsed: boolean;
  stages: DvcStage[];
  /** Syntax and schema problems (MLH301). */
  problems: SourceProblem[];
  /** Interpolations and vars that do not resolve (MLH304). */
  undefinedReferences: SourceProblem[];
  /** The top-level interpolation context (params.yaml + vars). */
  context: PyDict;
}

export type ParamsLoader = (absPath: string) => Promise<ParamsFileResult>;

export function cachingParamsLoader(fs: FileSystem): ParamsLoader {
  const memo = new Map<string, Promise<ParamsFileResult>>();
  return (p) => {
    let r = memo.get(p);
    if (!r) memo.set(p, (r = readParamsFile(fs, p)));
    return r;
  };
}

export async function loadDvcYaml(fs: FileSystem, path: string, loader: ParamsLoader = cachingParamsLoader(fs)): Promise<DvcYamlFile> {
  const file = await readTextFile(fs, path, MAX_DVC_YAML_BYTES);
  if (!file.ok) {
    const text = '';
    const base = emptyFile(path, text);
    const why =
      file.reason === 'too-large'
        ? `dvc.yaml is ${(file.size / 1048576).toFixed(1)} MB; files over ${MAX_DVC_YAML_BYTES / 1048576} MB are not checked`
        : file.reason === 'binary'
          ? 'dvc.yaml is not a text file'
          : `dvc.yaml could not be read (${file.reason})`;
    base.problems.push({ message: why, range: base.lineIndex.rangeOf(0, 0) });
    return base;
  }
  return parseDvcYaml(path, file.text, loader);
}

function emptyFile(path: string, text: string): DvcYamlFile {
  return { path: normalizePath(path), dir: dirname(path), text, lineIndex: new LineIndexClass(text), parsed: false, stages: [], problems: [], undefinedReferences: [], context: {} };
}

export async function parseDvcYaml(path: string, text: string, loader: ParamsLoader): Promise<DvcYamlFile> {
  const file = emptyFile(path, text);
  const y = parseYaml(text);
  file.lineIndex = y.lineIndex;
  file.problems.push(...y.problems);
  if (!y.doc) return file;
  const root = y.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    file.parsed = true;
    return file;
  }
  if (!isMap(root)) {
    file.problems.push({ message: 'dvc.yaml must be a mapping with a `stages` key', range: nodeRange(y.lineIndex, root as Node) });
    return file;
  }
  try {
    await new DvcYamlReader(file, y.doc, loader).read(root);
    file.parsed = true;
  } catch (e) {
    if (!(e instanceof YamlBudgetError)) throw e;
    file.problems.push({ message: e.message, range: e.rangeIn(file.lineIndex, file.lineIndex.rangeOf(0, 0)) });
    file.stages = [];
  }
  return file;
}

// Exported for scripts/gen-schemas.ts: schemas/dvc.schema.json lists exactly these keys.
export const TOP_LEVEL_KEYS = new Set(['vars', 'stages', 'plots', 'params', 'metrics', 'artifacts', 'datasets']);
export const STAGE_KEYS = new Set(['cmd', 'wdir', 'deps', 'params', 'outs', 'metrics', 'plots', 'frozen', 'always_changed', 'desc', 'meta', 'vars']);
export const OUT_OPTION_KEYS = new Set(['cache', 'persist', 'checkpoint', 'remote', 'push', 'desc', 'type', 'labels', 'meta']);
export const PLOT_PROP_KEYS = new Set(['template', 'x', 'y', 'x_label', 'y_label', 'title', 'header']);
export const TOP_PLOT_KEYS = new Set(['template', 'x', 'y', 'x_label', 'y_label', 'title']);
export const ARTIFACT_KEYS = new Set(['path', 'type', 'desc', 'labels', 'meta']);
/** DVC 3 stage names: letters, digits, `_` and `-` (no `@`, `:`, `/` which address stages). */
export const STAGE_NAME_RE = /^[\p{L}\p{N}_-]+$/u;

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value !== null && typeof pair.key.value !== 'object' ? String(pair.key.value) : undefined;
}

function isNullNode(n: unknown): boolean {
  return n === null || n === undefined || (isScalar(n) && n.value === null);
}

function isStringNode(n: unknown): n is Scalar<string> {
  return isScalar(n) && typeof n.value === 'string';
}

class DvcYamlReader {
  private readonly li: LineIndex;
  private readonly seenRefs = new Set<string>();

  constructor(
    private readonly file: DvcYamlFile,
    private readonly doc: Document.Parsed,
    private readonly loader: ParamsLoader,
  ) {
    this.li = file.lineIndex;
  }

  private range(n: unknown): Range {
    return nodeRange(this.li, n as Node);
  }

  private problem(message: string, n: unknown): void {
    this.file.problems.push({ message, range: this.range(n) });
  }

  private undefinedRef(message: string, range: Range): void {
    const key = `${range.start.line}:${range.start.character}:${message}`;
    if (this.seenRefs.has(key)) return;
    this.seenRefs.add(key);
    this.file.undefinedReferences.push({ message, range });
  }

  async read(root: YAMLMap): Promise<void> {
    let stagesNode: unknown;
    let varsNode: unknown;
    for (const pair of root.items) {
      const key = keyText(pair);
      if (key === undefined || !TOP_LEVEL_KEYS.has(key)) {
        this.problem(`unknown top-level key '${key ?? '?'}' (allowed: ${[...TOP_LEVEL_KEYS].join(', ')})`, pair.key);
        continue;
      }
      if (key === 'stages') stagesNode = pair.value;
      else if (key === 'vars') varsNode = pair.value;
      else if (key === 'plots') this.checkTopPlots(pair.value);
      else if (key === 'params' || key === 'metrics') this.checkStringList(pair.value, key);
      else if (key === 'artifacts') this.checkArtifacts(pair.value);
      else if (key === 'datasets') this.checkDatasets(pair.value);
    }
    const ctx: PyDict = {};
    const defaultParams = await this.loader(joinPath(this.file.dir, DEFAULT_PARAMS_FILE));
    if (defaultParams.ok) Object.assign(ctx, defaultParams.data);
    if (varsNode !== undefined) await this.loadVars(varsNode, this.file.dir, ctx);
    this.file.context = ctx;
    if (stagesNode === undefined || isNullNode(stagesNode)) return;
    if (!isMap(stagesNode)) {
      this.problem('`stages` must be a mapping of stage name to definition', stagesNode);
      return;
    }
    for (const pair of stagesNode.items) await this.readStageEntry(pair, ctx);
  }

  // ---- top-level sections -------------------------------------------------------------------------

  private checkStringList(n: unknown, what: string): void {
    if (isNullNode(n)) return;
    if (!isSeq(n)) return this.problem(`\`${what}\` must be a list of paths`, n);
    for (const item of n.items) if (!isStringNode(item)) this.problem(`\`${what}\` entries must be strings`, item);
  }

  private checkTopPlots(n: unknown): void {
    if (isNullNode(n)) return;
    if (isMap(n)) return this.problem('top-level `plots` must be a list in DVC 3 (the mapping form is no longer accepted)', n);
    if (!isSeq(n)) return this.problem('top-level `plots` must be a list', n);
    for (const item of n.items) {
      if (isStringNode(item)) continue;
      if (!isMap(item)) {
        this.problem('a plot must be a path or a mapping of id to plot properties', item);
        continue;
      }
      for (const pair of item.items) {
        if (isNullNode(pair.value)) continue;
        if (!isMap(pair.value)) {
          this.problem('plot properties must be a mapping', pair.value);
          continue;
        }
        for (const prop of pair.value.items) {
          const k = keyText(prop);
          if (!k || !TOP_PLOT_KEYS.has(k)) this.problem(`unknown plot property '${k ?? '?'}' (allowed: ${[...TOP_PLOT_KEYS].join(', ')})`, prop.key);
          else if ((k === 'x' && !isStringNode(prop.value) && !isMap(prop.value)) || (k === 'y' && !isStringNode(prop.value) && !isMap(prop.value) && !isSeq(prop.value)))
            this.problem(`plot property '${k}' has the wrong type`, prop.value);
          else if (k !== 'x' && k !== 'y' && !isStringNode(prop.value)) this.problem(`plot property '${k}' must be a string`, prop.value);
        }
      }
    }
  }

  private checkArtifacts(n: unknown): void {
    if (isNullNode(n)) return;
    if (!isMap(n)) return this.problem('`artifacts` must be a mapping of name to artifact', n);
    for (const pair of n.items) {
      if (!isMap(pair.value)) {
        this.problem('an artifact must be a mapping with at least `path`', pair.value ?? pair.key);
        continue;
      }
      let hasPath = false;
      for (const prop of pair.value.items) {
        const k = keyText(prop);
        if (!k || !ARTIFACT_KEYS.has(k)) this.problem(`unknown artifact key '${k ?? '?'}' (allowed: ${[...ARTIFACT_KEYS].join(', ')})`, prop.key);
        else if (k === 'path') {
          hasPath = true;
          if (!isStringNode(prop.value)) this.problem('artifact `path` must be a string', prop.value);
        }
        else if ((k === 'type' || k === 'desc') && !isStringNode(prop.value)) this.problem(`artifact \`${k}\` must be a string`, prop.value);
        else if (k === 'labels' && !isSeq(prop.value)) this.problem('artifact `labels` must be a list', prop.value);
      }
      if (!hasPath) this.problem('artifact is missing `path`', pair.key);
    }
  }

  private checkDatasets(n: unknown): void {
    if (isNullNode(n)) return;
    if (!isSeq(n)) return this.problem('`datasets` must be a list', n);
    for (const item of n.items) {
      if (!isMap(item)) this.problem('a dataset must be a mapping', item);
      else if (!item.items.some((p) => keyText(p) === 'name')) this.problem('a dataset needs a `name`', item);
    }
  }

  // ---- vars ---------------------------------------------------------------------------------------

  private async loadVars(n: unknown, baseDir: string, ctx: PyDict): Promise<void> {
    if (isNullNode(n)) return;
    if (!isSeq(n)) return this.problem('`vars` must be a list of files and mappings', n);
    for (const item of n.items) {
      if (isMap(item)) {
        const data = toPy(item, this.doc);
        if (isPyDict(data)) Object.assign(ctx, data);
      } else if (isStringNode(item)) {
        const [fileRaw, keysRaw] = splitVarsFile(item.value);
        const res = await this.loader(joinPath(baseDir, fileRaw));
        if (!res.ok) {
          this.undefinedRef(res.reason === 'missing' ? `vars file '${fileRaw}' does not exist` : res.message, this.range(item));
          continue;
        }
        if (keysRaw === undefined) Object.assign(ctx, res.data);
        else
          for (const k of keysRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
            if (Object.prototype.hasOwnProperty.call(res.data, k)) ctx[k] = res.data[k]!;
            else this.undefinedRef(`'${k}' is not defined in '${fileRaw}'`, this.range(item));
          }
      } else this.problem('a `vars` entry must be a file name or a mapping', item);
    }
  }

  // ---- stages -------------------------------------------------------------------------------------

  private async readStageEntry(pair: Pair, ctx: PyDict): Promise<void> {
    const name = keyText(pair);
    if (name === undefined) return this.problem('stage names must be strings', pair.key);
    if (!STAGE_NAME_RE.test(name)) this.problem(`invalid stage name '${name}': use only letters, digits, '_' and '-'`, pair.key);
    const def = pair.value;
    if (!isMap(def)) return this.problem(`stage '${name}' must be a mapping`, def ?? pair.key);
    const keys = new Map(def.items.map((p) => [keyText(p) ?? '', p] as const));
    const foreach = keys.get('foreach');
    const matrix = keys.get('matrix');
    if (foreach && matrix) {
      this.problem(`stage '${name}': \`foreach\` and \`matrix\` cannot be used together`, matrix.key);
      return;
    }
    if (foreach) {
      for (const p of def.items) {
        const k = keyText(p);
        if (k !== 'foreach' && k !== 'do') this.problem(`unknown key '${k ?? '?'}' in a foreach stage (allowed: foreach, do)`, p.key);
      }
      const doPair = keys.get('do');
      if (!doPair) return this.problem(`stage '${name}': \`foreach\` needs a \`do\` definition`, pair.key);
      if (!isMap(doPair.value)) return this.problem('`do` must be a stage definition mapping', doPair.value ?? doPair.key);
      this.checkStageDef(doPair.value, name, STAGE_KEYS);
      const iterable = this.resolveIterable(foreach.value, ctx, 'foreach');
      if (iterable === undefined) return;
      for (const [key, item] of foreachItems(iterable)) {
        const localCtx: PyDict = { ...ctx, item, ...(isPyDict(iterable) ? { key } : {}) };
        await this.buildStage(`${name}@${key}`, name, key, pair, doPair.value, localCtx);
      }
      return;
    }
    if (matrix) {
      const allowed = new Set([...STAGE_KEYS, 'matrix']);
      this.checkStageDef(def, name, allowed);
      if (!isMap(matrix.value)) return this.problem('`matrix` must be a mapping of name to a list of values', matrix.value ?? matrix.key);
      const dims: [string, PyValue[]][] = [];
      for (const dim of matrix.value.items) {
        const dimName = keyText(dim) ?? '';
        const values = this.resolveIterable(dim.value, ctx, `matrix '${dimName}'`);
        if (values === undefined) return;
        if (!Array.isArray(values)) return this.problem(`matrix '${dimName}' must be a list`, dim.value);
        dims.push([dimName, values]);
      }
      for (const [key, item] of matrixItems(dims)) await this.buildStage(`${name}@${key}`, name, key, pair, def, { ...ctx, item });
      return;
    }
    this.checkStageDef(def, name, STAGE_KEYS);
    await this.buildStage(name, name, undefined, pair, def, ctx);
  }

  private resolveIterable(n: unknown, ctx: PyDict, what: string): PyValue | undefined {
    if (isStringNode(n)) {
      const r = interpolate(n.value, ctx);
      this.recordHits(n, r.hits);
      if (r.hits.some((h) => !h.ok)) return undefined;
      if (!r.hits.length) {
        this.problem(`\`${what}\` must be a list, a mapping or a \${...} expression`, n);
        return undefined;
      }
      if (!Array.isArray(r.value) && !isPyDict(r.value)) {
        this.problem(`\`${what}\` must resolve to a list or a mapping`, n);
        return undefined;
      }
      return r.value;
    }
    if (isSeq(n) || isMap(n)) return toPy(n, this.doc);
    this.problem(`\`${what}\` must be a list, a mapping or a \${...} expression`, n);
    return undefined;
  }

  /** Schema of one stage definition (checked once, not per generated stage). */
  private checkStageDef(def: YAMLMap, name: string, allowed: Set<string>): void {
    let hasCmd = false;
    for (const p of def.items) {
      const k = keyText(p);
      const v = p.value;
      if (!k || !allowed.has(k)) {
        this.problem(`unknown key '${k ?? '?'}' in stage '${name}' (allowed: ${[...allowed].join(', ')})`, p.key);
        continue;
      }
      switch (k) {
        case 'cmd':
          hasCmd = true;
          if (isSeq(v)) {
            for (const it of v.items) if (!isStringNode(it)) this.problem('`cmd` list entries must be strings', it);
          } else if (!isStringNode(v)) this.problem('`cmd` must be a string or a list of strings', v ?? p.key);
          break;
        case 'wdir':
        case 'desc':
          if (!isStringNode(v)) this.problem(`\`${k}\` must be a string`, v ?? p.key);
          break;
        case 'frozen':
        case 'always_changed':
          if (!(isScalar(v) && typeof v.value === 'boolean')) this.problem(`\`${k}\` must be true or false`, v ?? p.key);
          break;
        case 'deps':
          if (isNullNode(v)) break;
          if (!isSeq(v)) this.problem('`deps` must be a list of paths', v);
          else for (const it of v.items) if (!isStringNode(it)) this.problem('`deps` entries must be paths (strings)', it);
          break;
        case 'params':
          if (isNullNode(v)) break;
          if (!isSeq(v)) this.problem('`params` must be a list of keys or {file: [keys]}', v);
          else for (const it of v.items) this.checkParamItem(it);
          break;
        case 'outs':
        case 'metrics':
        case 'plots':
          if (isNullNode(v)) break;
          if (!isSeq(v)) this.problem(`\`${k}\` must be a list`, v);
          else for (const it of v.items) this.checkOutItem(it, k);
          break;
        case 'vars':
          if (!isSeq(v)) this.problem('`vars` must be a list of files and mappings', v ?? p.key);
          break;
        case 'matrix':
        case 'meta':
          break;
      }
    }
    if (!hasCmd) this.problem(`stage '${name}' has no \`cmd\``, def.items[0]?.key ?? def);
  }

  private checkParamItem(it: unknown): void {
    if (isStringNode(it)) return;
    if (!isMap(it)) return this.problem('a params entry must be a key or {file: [keys]}', it);
    for (const p of it.items) {
      if (!isStringNode(p.key)) this.problem('params file names must be strings', p.key);
      if (isNullNode(p.value)) continue;
      if (!isSeq(p.value)) this.problem('params of a file must be a list of keys', p.value);
      else for (const k of p.value.items) if (!isStringNode(k)) this.problem('param keys must be strings', k);
    }
  }

  private checkOutItem(it: unknown, kind: string): void {
    if (isStringNode(it)) return;
    if (!isMap(it)) return this.problem(`an entry of \`${kind}\` must be a path or {path: options}`, it);
    const allowed = kind === 'plots' ? new Set([...OUT_OPTION_KEYS, ...PLOT_PROP_KEYS]) : OUT_OPTION_KEYS;
    for (const p of it.items) {
      if (!isStringNode(p.key)) this.problem('output paths must be strings', p.key);
      if (!isMap(p.value)) {
        this.problem(`options of '${keyText(p) ?? '?'}' must be a mapping`, p.value ?? p.key);
        continue;
      }
      for (const opt of p.value.items) {
        const k = keyText(opt);
        const v = opt.value;
        if (!k || !allowed.has(k)) this.problem(`unknown option '${k ?? '?'}' (allowed: ${[...allowed].join(', ')})`, opt.key);
        else if (['cache', 'persist', 'checkpoint', 'push', 'header'].includes(k) && !(isScalar(v) && typeof v.value === 'boolean')) this.problem(`\`${k}\` must be true or false`, v ?? opt.key);
        else if (['remote', 'desc', 'type', 'template', 'x', 'y', 'x_label', 'y_label', 'title'].includes(k) && !isStringNode(v)) this.problem(`\`${k}\` must be a string`, v ?? opt.key);
        else if (k === 'labels' && !isSeq(v)) this.problem('`labels` must be a list', v ?? opt.key);
      }
    }
  }

  // ---- building concrete stages -------------------------------------------------------------------

  /** Maps interpolation hits in a scalar to source ranges; failed ones become MLH304 findings. */
  private recordHits(node: Scalar, hits: { text: string; ok: boolean; error?: string }[]): void {
    const src = node.range ? this.file.text.slice(node.range[0], node.range[1]) : '';
    const seen = new Map<string, number>();
    for (const h of hits) {
      const nth = seen.get(h.text) ?? 0;
      seen.set(h.text, nth + 1);
      if (h.ok) continue;
      let at = -1;
      for (let i = 0; i <= nth; i++) at = src.indexOf(h.text, at + 1);
      const range = at >= 0 && node.range ? this.li.rangeOf(node.range[0] + at, node.range[0] + at + h.text.length) : this.range(node);
      this.undefinedRef(`${h.text}: ${h.error ?? 'cannot be resolved'}`, range);
    }
  }

  private str(n: unknown, ctx: PyDict, inCmd = false): string | undefined {
    if (!isScalar(n) || n.value === null || typeof n.value === 'object') return undefined;
    if (typeof n.value !== 'string') return String(n.value);
    const r = interpolate(n.value, ctx, { inCmd });
    this.recordHits(n as Scalar, r.hits);
    return typeof r.value === 'string' ? r.value : dvcToStr(r.value);
  }

  private async buildStage(name: string, baseName: string, generatedKey: string | undefined, pair: Pair, def: YAMLMap, outerCtx: PyDict): Promise<void> {
    const get = (k: string) => def.items.find((p) => keyText(p) === k);
    const ctx: PyDict = { ...outerCtx };
    const wdirRaw = get('wdir') ? this.str(get('wdir')!.value, ctx) : undefined;
    const wdir = wdirRaw ?? '.';
    const wdirAbs = joinPath(this.file.dir, wdir);
    const stageVars = get('vars');
    if (stageVars) await this.loadVars(stageVars.value, wdirAbs, ctx);

    const defRange = def.range ?? [0, 0, 0];
    const layout: StageLayout = { defStart: defRange[0], defEnd: defRange[1] };
    const stage: DvcStage = {
      name,
      baseName,
      ...(generatedKey !== undefined ? { generatedKey } : {}),
      nameRange: this.range(pair.key),
      range: this.li.rangeOf((pair.key as Node).range?.[0] ?? 0, defRange[1]),
      cmdNodes: [],
      wdir,
      wdirAbs,
      deps: [],
      outs: [],
      params: [],
      frozen: false,
      alwaysChanged: false,
      layout,
    };
    for (const p of def.items) {
      const k = keyText(p);
      const v = p.value;
      switch (k) {
        case 'cmd': {
          layout.cmdKeyStart = (p.key as Node).range?.[0];
          layout.cmdValueEnd = (v as Node | null)?.range?.[1];
          stage.cmdRange = this.range(v ?? p.key);
          if (isSeq(v)) {
            stage.cmd = v.items.map((it) => this.str(it, ctx, true) ?? '');
            for (const it of v.items) if ((it as Node).range) stage.cmdNodes.push([(it as Node).range![0], (it as Node).range![1]]);
          } else {
            const s = this.str(v, ctx, true);
            if (s !== undefined) stage.cmd = s;
            if ((v as Node | null)?.range) stage.cmdNodes.push([(v as Node).range![0], (v as Node).range![1]]);
          }
          break;
        }
        case 'deps':
          layout.depsKeyStart = (p.key as Node).range?.[0];
          if (isSeq(v)) {
            layout.depsValue = { flow: v.flow === true, start: v.range?.[0] ?? 0, end: v.range?.[1] ?? 0, items: v.items.map((it) => [(it as Node).range?.[0] ?? 0, (it as Node).range?.[1] ?? 0]) };
            for (const it of v.items) {
              const path = this.str(it, ctx);
              if (path !== undefined) stage.deps.push(this.pathEntry('deps', path, wdirAbs, this.range(it)));
            }
          } else layout.depsValue = null;
          break;
        case 'outs':
        case 'metrics':
        case 'plots':
          if (isSeq(v)) for (const it of v.items) this.readOut(stage, k, it, ctx, wdirAbs);
          break;
        case 'params':
          if (isSeq(v)) for (const it of v.items) this.readParam(stage, it, ctx, wdirAbs);
          break;
        case 'frozen':
          stage.frozen = isScalar(v) && v.value === true;
          break;
        case 'always_changed':
          stage.alwaysChanged = isScalar(v) && v.value === true;
          break;
        case 'desc': {
          const d = this.str(v, ctx);
          if (d !== undefined) stage.desc = d;
          break;
        }
      }
    }
    this.file.stages.push(stage);
  }

  private pathEntry(kind: DvcPathEntry['kind'], path: string, wdirAbs: string, range: Range): DvcPathEntry {
    return { kind, path, absPath: resolveStagePath(wdirAbs, path), range, cache: kind !== 'deps', persist: false, push: true };
  }

  private readOut(stage: DvcStage, kind: OutputKind, it: unknown, ctx: PyDict, wdirAbs: string): void {
    if (isScalar(it)) {
      const path = this.str(it, ctx);
      if (path !== undefined) stage.outs.push(this.pathEntry(kind, path, wdirAbs, this.range(it)));
      return;
    }
    if (!isMap(it)) return;
    for (const p of it.items) {
      const path = this.str(p.key, ctx);
      if (path === undefined) continue;
      const start = (p.key as Node).range?.[0] ?? 0;
      const end = (p.value as Node | null)?.range?.[1] ?? (p.key as Node).range?.[1] ?? start;
      const entry = this.pathEntry(kind, path, wdirAbs, this.li.rangeOf(start, end));
      if (isMap(p.value)) {
        for (const opt of p.value.items) {
          const k = keyText(opt);
          const val = isScalar(opt.value) ? opt.value.value : undefined;
          if (k === 'cache' && typeof val === 'boolean') entry.cache = val;
          else if (k === 'persist' && typeof val === 'boolean') entry.persist = val;
          else if (k === 'push' && typeof val === 'boolean') entry.push = val;
          else if (k === 'remote' && typeof val === 'string') entry.remote = val;
          else if (k === 'desc' && typeof val === 'string') entry.desc = val;
        }
      }
      stage.outs.push(entry);
    }
  }

  private readParam(stage: DvcStage, it: unknown, ctx: PyDict, wdirAbs: string): void {
    if (isScalar(it)) {
      const key = this.str(it, ctx);
      if (key !== undefined) stage.params.push({ file: DEFAULT_PARAMS_FILE, absFile: joinPath(wdirAbs, DEFAULT_PARAMS_FILE), key, range: this.range(it) });
      return;
    }
    if (!isMap(it)) return;
    for (const p of it.items) {
      const file = this.str(p.key, ctx);
      if (file === undefined) continue;
      const absFile = resolveStagePath(wdirAbs, file);
      if (isSeq(p.value) && p.value.items.length) {
        for (const k of p.value.items) {
          const key = this.str(k, ctx);
          if (key !== undefined) stage.params.push({ file, absFile, key, range: this.range(k) });
        }
      } else stage.params.push({ file, absFile, key: null, range: this.range(p.key) });
    }
  }
}

/** `file.yaml:key1,key2` → ['file.yaml', 'key1,key2']; no colon → whole file. */
function splitVarsFile(s: string): [string, string | undefined] {
  const i = s.lastIndexOf(':');
  // A Windows drive letter ("C:\...") is not a key separator.
  if (i <= 1) return [s, undefined];
  return [s.slice(0, i), s.slice(i + 1)];
}

function isComposite(v: PyValue): boolean {
  return Array.isArray(v) || isPyDict(v);
}

/** dvc/parsing ForeachDefinition.normalized_iterable: dict keys; list values, or indexes when composite. */
/**
 * A stage path as DVC resolves it: relative to the stage's wdir, but an absolute path (`/mnt/data`,
 * `C:\\data`) stays absolute. Joining it to the wdir would put it inside the workspace, where it
 * would be hashed as a file the repository does not have, and MLH311 would never see it leave.
 */
function resolveStagePath(wdirAbs: string, path: string): string {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path) ? normalizePath(path) : joinPath(wdirAbs, path);
}

export function foreachItems(iterable: PyValue): [string, PyValue][] {
  // `${key}` is the key and `${item}` the value (dvc/parsing: KeyValue("key", "item")).
  if (isPyDict(iterable)) return Object.entries(iterable);
  if (!Array.isArray(iterable)) return [];
  if (iterable.some(isComposite)) return iterable.map((v, i) => [String(i), v]);
  return iterable.map((v) => [dvcToStr(v), v]);
}

/** dvc/parsing MatrixDefinition: the product of all dimensions, keys joined with '-'. */
export function matrixItems(dims: [string, PyValue[]][]): [string, PyDict][] {
  let combos: { fragments: string[]; item: PyDict }[] = [{ fragments: [], item: {} }];
  for (const [dim, values] of dims) {
    const next: typeof combos = [];
    for (const c of combos)
      values.forEach((v, i) => {
        next.push({ fragments: [...c.fragments, isComposite(v) ? `${dim}${i}` : dvcToStr(v)], item: { ...c.item, [dim]: v } });
      });
    combos = next;
  }
  return dims.length ? combos.map((c) => [c.fragments.join('-'), c.item]) : [];
}
