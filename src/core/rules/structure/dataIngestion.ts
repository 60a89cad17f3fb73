import type { Call, Expr, FunctionDef, Keyword, Stmt } from '../../python/ast';
import { parseModule } from '../../python/parser';
import { memoizeByText } from '../../text/memo';
import { resolveCallee } from '../notebooks/moduleAliases';

/**
 * Where a function of a module reads tabular data (`pd.read_csv`, `pl.scan_parquet`, `json.load` of
 * a data file) and hands it to its caller unchecked. Read from the parse tree (python/parser.ts):
 * import aliases are resolved, and the data is followed through local variables and the simple
 * transformations that keep it what it was (`dropna`, `rename`, `df[cols]`, `pd.concat`, a tuple of
 * frames), statement by statement, branches merged. Anything that checks it stops the trail:
 * a schema's or model's validate call, a validating helper, a typed read (`dtype=`, `schema=`),
 * `astype`/`cast`, an assertion or `if ...: raise` on its columns, or being turned into something
 * else by a call we do not know (a model's prediction, a dataclass, the project's own `clean()`).
 * Unknown calls stop the trail on purpose: a finding must be a plain read handed back as read.
 */
export interface UnvalidatedRead {
  /** The reader call's span (UTF-16 offsets of the source). */
  start: number;
  end: number;
  /** The callee as written: `pd.read_csv`, `read_parquet`, `json.load`. */
  callee: string;
  /** What the callee resolves to through the imports: `pandas.read_csv`. */
  reader: string;
  kind: 'frame' | 'polars' | 'json' | 'csv' | 'spark';
  /** The function that returns the data (`Loader.load` for a method). */
  functionName: string;
}

export const unvalidatedReads = memoizeByText(findUnvalidatedReads, 500);

// ------------------------------------------------------------------------------------------------
// What reads data, what keeps it raw, what validates it
// ------------------------------------------------------------------------------------------------

/** Libraries whose `read_*` / `scan_*` functions return a data frame. */
const FRAME_MODULES = new Set(['pandas', 'polars', 'modin.pandas', 'dask.dataframe', 'cudf', 'pyspark.pandas', 'pyarrow.parquet', 'pyarrow.csv', 'pyarrow.json', 'pyarrow.feather', 'pyarrow.orc']);
const FRAME_READER = /^(read|scan)_(csv|tsv|table|parquet|json|ndjson|excel|feather|ipc|ipc_stream|orc|avro|delta|fwf|xml|hdf|sas|stata|spss|iceberg)$/;
/** Keyword arguments that give the read its column types: the file cannot bring others. */
const TYPED_READ_KEYWORDS = new Set(['dtype', 'dtypes', 'schema', 'schema_overrides', 'converters', 'convert_options', 'column_types']);
const JSON_LOADERS = new Set(['json.load', 'json.loads', 'orjson.loads', 'ujson.load', 'ujson.loads', 'simplejson.load', 'simplejson.loads']);
const SPARK_FORMATS = new Set(['csv', 'json', 'parquet', 'orc', 'avro', 'xml', 'load']);
/** What may stand between `spark.read` and the format: options, the format name, a schema. */
const SPARK_READER_SETTINGS = new Set(['option', 'options', 'format', 'schema']);
const CSV_READERS = new Set(['csv.reader', 'csv.DictReader']);
const IN_MEMORY_BUFFERS = new Set(['io.StringIO', 'io.BytesIO', 'StringIO.StringIO', 'cStringIO.StringIO']);
const DATA_JSON = /\.(json|jsonl|ndjson|geojson)$/i;
/** JSON files that configure or describe rather than hold records. */
const NOT_DATA_JSON = /(config|settings|params|hparams|hyperparam|schema|manifest|meta|vocab|tokenizer|credential|secret|label|mapping|version|package|tsconfig|launch|mlflow|wandb)/i;

/** Methods that return the same data, reshaped or trimmed, but not checked. */
const KEEPS_DATA = new Set([
  // pandas
  'copy', 'dropna', 'fillna', 'ffill', 'bfill', 'rename', 'rename_axis', 'reset_index', 'set_index', 'drop', 'drop_duplicates',
  'sort_values', 'sort_index', 'head', 'tail', 'sample', 'query', 'filter', 'assign', 'merge', 'join', 'replace', 'reindex',
  'infer_objects', 'convert_dtypes', 'where', 'mask', 'round', 'to_dict', 'to_records', 'to_numpy', 'tolist', 'squeeze', 'explode',
  'melt', 'set_axis', 'add_prefix', 'add_suffix', 'iterrows', 'itertuples', 'transpose', 'interpolate', 'truncate', 'get_chunk',
  // polars
  'collect', 'lazy', 'select', 'with_columns', 'drop_nulls', 'fill_null', 'fill_nan', 'unique', 'sort', 'limit', 'to_pandas',
  'to_dicts', 'rows', 'iter_rows', 'to_arrow', 'to_pylist',
  // pyspark
  'withColumn', 'withColumns', 'withColumnRenamed', 'dropDuplicates', 'distinct', 'cache', 'persist', 'repartition', 'coalesce',
  'orderBy', 'alias', 'toPandas', 'unionByName', 'union',
  // dicts and lists from json.load
  'get', 'items', 'values',
]);
/** Methods that put a value into a list, set, deque or dict. */
const FILLS_CONTAINER = new Set(['append', 'extend', 'insert', 'add', 'update', 'appendleft', 'setdefault']);
/** Attributes that are the data itself (not a description of it, like `columns` or `shape`). */
const DATA_ATTRIBUTES = new Set(['loc', 'iloc', 'at', 'iat', 'values', 'T', 'array']);
/** Methods that give every column an explicit type: a value that does not fit raises. */
const TYPES_DATA = new Set(['astype', 'cast']);
/** Functions that combine frames into one frame of the same raw data. */
const COMBINES_FRAMES = /^(pandas|polars|modin\.pandas|dask\.dataframe|cudf)\.(concat|merge|DataFrame|LazyFrame|from_dict|from_dicts|from_records|from_pandas|json_normalize|DataFrame\.from_records|DataFrame\.from_dict)$|^(list|tuple|sorted|next|iter|itertools\.chain|itertools\.chain\.from_iterable)$/;
/** Validating calls by name: pydantic, pandera, jsonschema, TypeAdapter, and the project's own validators. */
const VALIDATOR_METHODS = new Set(['validate', 'validate_python', 'validate_json', 'validate_strings', 'model_validate', 'model_validate_json', 'parse_obj', 'parse_raw', 'parse_obj_as', 'parse_file', 'from_orm', 'model_construct']);
const VALIDATOR_NAME = /valid|^_*(check|verify|ensure|assert|enforce|coerce|conform)(_|$)|(^|_)schema(_|$)/i;
/** Decorators that validate a function's output: pandera's, and pydantic's `validate_call(validate_return=True)`. */
const VALIDATING_DECORATORS = new Set(['check_types', 'check_output', 'check_io']);
/** Attributes and methods whose use in an `assert` or an `if ...: raise` checks the data's shape or content. */
const CHECKED_ATTRIBUTES = new Set(['columns', 'dtypes', 'dtype', 'schema', 'shape', 'keys', 'isna', 'isnull', 'notna', 'notnull', 'duplicated', 'between', 'is_unique', 'null_count', 'is_duplicated']);

// ------------------------------------------------------------------------------------------------

type Taint = ReadonlySet<Call>;
const CLEAN: Taint = new Set();
type Env = Map<string, Taint>;

interface ModuleScope {
  /** Bound name → what it stands for: `pd` → `pandas`, `rc` → `pandas.read_csv`. */
  aliases: Map<string, string>;
  /** Module-level `NAME = expr`, to find the file name behind a path constant. */
  constants: Map<string, Expr>;
  /** Functions and methods by qualified name (`load`, `Loader._read`). */
  functions: Map<string, FunctionDef>;
  /** What each function's return carries raw, so a call of a helper of the module reads as the helper's read. */
  summaries: Map<string, ReadonlySet<Call>>;
  /** Every read call seen, with what it reads. */
  reads: Map<Call, ReturnedRead>;
  /** The module imports pyspark: `<session>.read.csv(...)` is a read. */
  usesSpark: boolean;
}

function findUnvalidatedReads(source: string): UnvalidatedRead[] {
  // Every reader is named in the file (its import at least): most modules can be passed over unparsed.
  if (!MENTIONS_READER.some((word) => source.includes(word))) return [];
  const module = parseModule(source);
  const scope: ModuleScope = { aliases: new Map(), constants: new Map(), functions: new Map(), summaries: new Map(), reads: new Map(), usesSpark: false };
  collectImports(module.body, scope.aliases);
  scope.usesSpark = [...scope.aliases.values()].some((m) => m === 'pyspark' || m.startsWith('pyspark.'));
  if (!scope.usesSpark && ![...scope.aliases.values()].some(mayRead)) return [];
  for (const stmt of module.body) {
    if (stmt.type === 'Assign' && stmt.targets.length === 1 && stmt.targets[0]!.type === 'Name') scope.constants.set(stmt.targets[0]!.id, stmt.value);
    if (stmt.type === 'AnnAssign' && stmt.value && stmt.target.type === 'Name') scope.constants.set(stmt.target.id, stmt.value);
  }
  forEachFunction(module.body, '', (fn, qualifiedName) => scope.functions.set(qualifiedName, fn));
  // A helper's raw return flows on into its callers: summaries until nothing changes (a chain of helpers
  // needs one round per link; a few rounds cover real modules, and a missing link only loses findings).
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (const [name, fn] of scope.functions) {
      const returned = new FunctionAnalysis(scope, fn, name).returnedReads();
      const before = scope.summaries.get(name);
      if (returned.size !== (before?.size ?? 0) || [...returned].some((call) => !before!.has(call))) changed = true;
      scope.summaries.set(name, returned);
    }
    if (!changed) break;
  }
  // Reported where the raw data leaves the module's hands: a function others may call. A private
  // helper the module calls itself (`_read_csv`) passes it to its callers, who may validate it.
  const internal = internalHelpers(module.body, scope.functions);
  const found = new Map<Call, UnvalidatedRead>();
  for (const [name, returned] of scope.summaries) {
    if (internal.has(name)) continue;
    for (const call of returned) {
      const read = scope.reads.get(call)!;
      const already = found.get(call);
      // The function that holds the read names it best; else the first function that hands it out.
      if (already && !(isInside(scope.functions.get(name)!, call) && !isInside(scope.functions.get(already.functionName)!, call))) continue;
      found.set(call, { start: call.start, end: call.end, callee: read.callee, reader: read.reader, kind: read.kind, functionName: name });
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start);
}

function isInside(fn: FunctionDef, call: Call): boolean {
  return fn.start <= call.start && call.end <= fn.end;
}

/**
 * Private functions (`_read`, not dunders) whose name the module uses elsewhere: helpers whose
 * callers decide what happens to the data. A private function nobody in the module names is handed
 * out some other way and counts as exposed.
 */
function internalHelpers(body: Stmt[], functions: Map<string, FunctionDef>): Set<string> {
  const used = new Set<string>();
  const stack: unknown[] = [body];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const typed = node as { type?: string };
    if (typed.type === 'Name') used.add((node as Extract<Expr, { type: 'Name' }>).id);
    else if (typed.type === 'Attribute') used.add((node as Extract<Expr, { type: 'Attribute' }>).attr.name);
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  const internal = new Set<string>();
  for (const [name, fn] of functions) {
    const short = fn.name.name;
    if (short.startsWith('_') && !(short.startsWith('__') && short.endsWith('__')) && used.has(short)) internal.add(name);
  }
  return internal;
}

const MENTIONS_READER = ['read_', 'scan_', 'json', 'csv', '.read'];

/** Does an imported name lead to a reader: a frame library, a reader imported by name, a json module? */
function mayRead(qualified: string): boolean {
  const dot = qualified.lastIndexOf('.');
  if (FRAME_MODULES.has(qualified) || (dot > 0 && FRAME_MODULES.has(qualified.slice(0, dot)))) return true;
  if ([...FRAME_MODULES].some((m) => m.startsWith(qualified + '.'))) return true; // `import pyarrow` then `pyarrow.csv.read_csv`
  return [...JSON_LOADERS, ...CSV_READERS].some((loader) => loader === qualified || loader.startsWith(qualified + '.'));
}

/** Every import statement anywhere in the module (a function-level `import pandas as pd` is common in packages). */
function collectImports(body: Stmt[], aliases: Map<string, string>): void {
  const stack: Stmt[][] = [body];
  while (stack.length) {
    for (const stmt of stack.pop()!) {
      if (stmt.type === 'Import') {
        for (const alias of stmt.names) {
          const name = alias.name.name;
          if (alias.asname) aliases.set(alias.asname.name, name);
          else aliases.set(name.split('.')[0]!, name.split('.')[0]!);
        }
      } else if (stmt.type === 'ImportFrom') {
        if (stmt.level > 0 || !stmt.module) continue;
        for (const alias of stmt.names) {
          if (alias.name.name === '*') continue;
          aliases.set((alias.asname ?? alias.name).name, `${stmt.module.name}.${alias.name.name}`);
        }
      } else if (stmt.type === 'FunctionDef' || stmt.type === 'ClassDef') stack.push(stmt.body);
      else stack.push(...blocksOf(stmt));
    }
  }
}

function forEachFunction(body: Stmt[], prefix: string, visit: (fn: FunctionDef, name: string) => void): void {
  const stack: Array<{ stmts: Stmt[]; prefix: string }> = [{ stmts: body, prefix }];
  while (stack.length) {
    const { stmts, prefix: at } = stack.pop()!;
    for (const stmt of stmts) {
      if (stmt.type === 'FunctionDef') {
        visit(stmt, at + stmt.name.name);
        stack.push({ stmts: stmt.body, prefix: `${at}${stmt.name.name}.` });
      } else if (stmt.type === 'ClassDef') stack.push({ stmts: stmt.body, prefix: `${at}${stmt.name.name}.` });
      else for (const block of blocksOf(stmt)) stack.push({ stmts: block, prefix: at });
    }
  }
}

/** The statement lists nested in a compound statement. */
function blocksOf(stmt: Stmt): Stmt[][] {
  switch (stmt.type) {
    case 'If':
    case 'For':
    case 'While':
      return [stmt.body, stmt.orelse];
    case 'With':
      return [stmt.body];
    case 'Try':
      return [stmt.body, ...stmt.handlers.map((h) => h.body), stmt.orelse, stmt.finalbody];
    case 'Match':
      return stmt.cases.map((c) => c.body);
    default:
      return [];
  }
}

/** The name of what a call calls, as written: `pd.read_csv`, `schema.validate`; "" for `f()()`. */
function dottedName(expr: Expr): string {
  return keyOf(expr) ?? '';
}

/** The last name of a callee, whatever it is called on: `validate` in `Schema(...).validate`. */
function lastName(expr: Expr): string {
  let at = expr;
  while (at.type === 'Call') at = at.func;
  if (at.type === 'Name') return at.id;
  if (at.type === 'Attribute') return at.attr.name;
  return '';
}

interface ReturnedRead {
  callee: string;
  reader: string;
  kind: UnvalidatedRead['kind'];
}

/** Thrown when a function nests deeper, or costs more, than a reviewer could follow: it gets no finding. */
class TooComplex extends Error {}
const MAX_DEPTH = 200;
const MAX_STEPS = 200_000;

class FunctionAnalysis {
  private depth = 0;
  private steps = 0;
  private loopDepth = 0;
  private readonly returned = new Set<Call>();
  /** `with open(path) as f` / `f = open(path)`: the path expression behind each file handle. */
  private readonly handles = new Map<string, Expr>();
  /** Local `name = expr`, flow-insensitive, to find the file name behind a path variable. */
  private readonly locals = new Map<string, Expr>();

  /** `Loader.` for a method of `Loader`: where `self._read()` is looked up. */
  private readonly classPrefix: string;

  constructor(
    private readonly scope: ModuleScope,
    private readonly fn: FunctionDef,
    qualifiedName: string,
  ) {
    this.classPrefix = qualifiedName.slice(0, qualifiedName.length - fn.name.name.length);
  }

  /** The read calls whose raw data this function returns or yields. */
  returnedReads(): ReadonlySet<Call> {
    if (this.fn.decorators.some((d) => this.validatesOutput(d))) return CLEAN;
    // A reader API of its own (pandas' `read_feather` over pyarrow's) hands back what it reads by contract.
    if (FRAME_READER.test(this.fn.name.name)) return CLEAN;
    try {
      this.block(this.fn.body, new Map());
    } catch (e) {
      // An `elif` chain thousands long or loops nested forty deep: no finding rather than a guess or a hang.
      if (e instanceof TooComplex) return CLEAN;
      throw e;
    }
    return this.returned;
  }

  /** What a call of one of the module's own functions returns raw: `_read(path)`, `self._load()`. */
  private helperSummary(func: Expr): ReadonlySet<Call> | undefined {
    if (func.type === 'Attribute' && func.value.type === 'Name' && (func.value.id === 'self' || func.value.id === 'cls') && this.classPrefix) {
      return this.scope.summaries.get(this.classPrefix + func.attr.name);
    }
    // A module-level function, unless an import rebinds the name.
    if (func.type === 'Name' && !this.scope.aliases.has(func.id)) return this.scope.summaries.get(func.id);
    return undefined;
  }

  private validatesOutput(decorator: Expr): boolean {
    const name = lastName(decorator);
    if (VALIDATING_DECORATORS.has(name)) return true;
    // `@validate_call(validate_return=True)`: pydantic checks the returned value against the annotation.
    return name === 'validate_call' && decorator.type === 'Call' && decorator.keywords.some((k) => k.arg?.name === 'validate_return' && k.value.type === 'Constant' && k.value.value === 'True');
  }


  // ---- statements: a block returns the variables' taint after it, or undefined when it cannot complete

  private block(stmts: Stmt[], env: Env): Env | undefined {
    let current: Env | undefined = env;
    for (const stmt of stmts) {
      current = this.statement(stmt, current);
      if (!current) return undefined;
    }
    return current;
  }

  private statement(stmt: Stmt, env: Env): Env | undefined {
    this.enter();
    try {
      return this.statementIn(stmt, env);
    } finally {
      this.depth--;
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH || ++this.steps > MAX_STEPS) throw new TooComplex();
  }

  private statementIn(stmt: Stmt, env: Env): Env | undefined {
    switch (stmt.type) {
      case 'Assign': {
        const taint = this.expr(stmt.value, env);
        for (const target of stmt.targets) this.bind(target, taint, stmt.value, env);
        return env;
      }
      case 'AnnAssign':
        if (stmt.value) this.bind(stmt.target, this.expr(stmt.value, env), stmt.value, env);
        return env;
      case 'AugAssign': {
        const taint = this.expr(stmt.value, env);
        const key = keyOf(stmt.target);
        if (key && taint.size) env.set(key, union(env.get(key) ?? CLEAN, taint));
        return env;
      }
      case 'ExprStmt':
        this.expr(stmt.value, env);
        return env;
      case 'Return':
        if (stmt.value) for (const call of this.expr(stmt.value, env)) this.returned.add(call);
        return undefined;
      case 'Raise':
        return undefined;
      case 'Assert':
        this.expr(stmt.test, env);
        this.clearChecked(stmt.test, env);
        return env;
      case 'Delete':
        for (const target of stmt.targets) {
          const key = keyOf(target);
          if (key) env.delete(key);
        }
        return env;
      case 'If': {
        this.expr(stmt.test, env);
        const body = this.block(stmt.body, new Map(env));
        const orelse = this.block(stmt.orelse, new Map(env));
        const after = merge(body, orelse);
        // `if "amount" not in df.columns: raise ...`: past the `if`, the data was checked.
        if (after && (!body || !orelse)) this.clearChecked(stmt.test, after);
        return after;
      }
      case 'For': {
        this.bind(stmt.target, this.expr(stmt.iter, env), undefined, env);
        return this.loop(stmt.body, stmt.orelse, env, () => this.bind(stmt.target, this.expr(stmt.iter, env), undefined, env));
      }
      case 'While':
        this.expr(stmt.test, env);
        return this.loop(stmt.body, stmt.orelse, env, () => undefined);
      case 'With':
        for (const item of stmt.items) {
          const taint = this.expr(item.contextExpr, env);
          if (item.optionalVars) {
            this.bind(item.optionalVars, taint, undefined, env);
            const path = this.openedPath(item.contextExpr);
            if (path && item.optionalVars.type === 'Name') this.handles.set(item.optionalVars.id, path);
          }
        }
        return this.block(stmt.body, env);
      case 'Try': {
        const body = this.block(stmt.body, new Map(env));
        const completed = body ? this.block(stmt.orelse, body) : undefined;
        // A handler may run after any statement of the body: start it from what held before and after.
        const handlers = stmt.handlers.map((h) => this.block(h.body, merge(new Map(env), body ? new Map(body) : undefined)!));
        const after = handlers.reduce<Env | undefined>((acc, h) => merge(acc, h), completed);
        if (!stmt.finalbody.length) return after;
        return after ? this.block(stmt.finalbody, after) : (this.block(stmt.finalbody, new Map(env)), undefined);
      }
      case 'Match': {
        this.expr(stmt.subject, env);
        let after: Env | undefined;
        for (const c of stmt.cases) after = merge(after, this.block(c.body, new Map(env)));
        // Without a catch-all case no case may match.
        return merge(after, env);
      }
      default:
        // Nested def/class are analysed on their own; imports, pass, global... change no data.
        return env;
    }
  }

  /** A loop body may run zero, one or more times: two passes reach what a variable can hold. */
  private loop(body: Stmt[], orelse: Stmt[], env: Env, rebind: () => void): Env | undefined {
    let after = new Map(env);
    // Two passes per nesting level would double the work at every level: inner loops get one.
    const passes = this.loopDepth < 3 ? 2 : 1;
    this.loopDepth++;
    for (let pass = 0; pass < passes; pass++) {
      const once = this.block(body, new Map(after));
      const merged = merge(after, once)!;
      after = merged;
      for (const [k, v] of after) env.set(k, v);
      rebind();
    }
    this.loopDepth--;
    return this.block(orelse, after) ?? after;
  }

  private bind(target: Expr, taint: Taint, value: Expr | undefined, env: Env): void {
    this.enter();
    try {
      this.bindIn(target, taint, value, env);
    } finally {
      this.depth--;
    }
  }

  private bindIn(target: Expr, taint: Taint, value: Expr | undefined, env: Env): void {
    if ((target.type === 'Tuple' || target.type === 'List') && value && (value.type === 'Tuple' || value.type === 'List') && value.elts.length === target.elts.length) {
      target.elts.forEach((t, i) => this.bind(t, this.expr(value.elts[i]!, new Map(env)), value.elts[i], env));
      return;
    }
    if (target.type === 'Tuple' || target.type === 'List') {
      for (const t of target.elts) this.bind(t, taint, undefined, env);
      return;
    }
    if (target.type === 'Starred') return this.bind(target.value, taint, undefined, env);
    if (target.type === 'Subscript') {
      // `frames[name] = pd.read_csv(path)`: the mapping now holds raw data too. Setting a column of
      // `df` from clean values does not make `df` checked.
      const container = keyOf(target.value);
      if (container && taint.size) env.set(container, union(env.get(container) ?? CLEAN, taint));
      return;
    }
    const key = keyOf(target);
    if (!key) return;
    env.set(key, taint);
    if (value && target.type === 'Name') {
      this.locals.set(target.id, value);
      const path = this.openedPath(value);
      if (path) this.handles.set(target.id, path);
    }
  }

  // ---- expressions: the reads whose raw data the value carries

  private expr(e: Expr, env: Env): Taint {
    this.enter();
    try {
      return this.exprIn(e, env);
    } finally {
      this.depth--;
    }
  }

  private exprIn(e: Expr, env: Env): Taint {
    switch (e.type) {
      case 'Call':
        return this.call(e, env);
      case 'Name':
        return env.get(e.id) ?? CLEAN;
      case 'Attribute': {
        const key = keyOf(e);
        if (key && env.has(key)) return env.get(key)!;
        const inner = this.expr(e.value, env);
        return DATA_ATTRIBUTES.has(e.attr.name) ? inner : CLEAN;
      }
      case 'Subscript': {
        const taint = this.expr(e.value, env);
        this.expr(e.slice, env);
        // `rows[0]`, `df["title"].iloc[0]`: one value picked out, not the data set.
        return isIntegerIndex(e.slice) ? CLEAN : taint;
      }
      case 'Tuple':
      case 'List':
      case 'Set':
        return unionAll(e.elts.map((x) => this.expr(x, env)));
      case 'Dict':
        for (const k of e.keys) if (k) this.expr(k, env);
        return unionAll(e.values.map((x) => this.expr(x, env)));
      case 'Starred':
      case 'Await':
        return this.expr(e.value, env);
      case 'IfExp':
        this.expr(e.test, env);
        return union(this.expr(e.body, env), this.expr(e.orelse, env));
      case 'BoolOp':
        return unionAll(e.values.map((x) => this.expr(x, env)));
      case 'NamedExpr': {
        const taint = this.expr(e.value, env);
        this.bind(e.target, taint, e.value, env);
        return taint;
      }
      case 'Yield':
      case 'YieldFrom':
        // A generator hands its caller what it yields.
        if (e.value) for (const call of this.expr(e.value, env)) this.returned.add(call);
        return CLEAN;
      case 'ListComp':
      case 'SetComp':
      case 'GeneratorExp':
      case 'DictComp': {
        const inner = new Map(env);
        for (const g of e.generators) {
          this.bind(g.target, this.expr(g.iter, inner), undefined, inner);
          for (const test of g.ifs) this.expr(test, inner);
        }
        return e.type === 'DictComp' ? this.expr(e.value, inner) : this.expr(e.elt, inner);
      }
      case 'Compare':
        this.expr(e.left, env);
        for (const c of e.comparators) this.expr(c, env);
        return CLEAN;
      case 'BinOp':
        this.expr(e.left, env);
        this.expr(e.right, env);
        return CLEAN;
      case 'UnaryOp':
        this.expr(e.operand, env);
        return CLEAN;
      default:
        return CLEAN;
    }
  }

  private call(call: Call, env: Env): Taint {
    const args = call.args.map((a) => this.expr(a, env));
    const keywordTaints = call.keywords.map((k) => this.expr(k.value, env));
    const written = dottedName(call.func);
    const resolved = written ? resolveCallee(this.scope.aliases, written) : '';
    const name = lastName(call.func);

    const read = this.readOf(call, written, resolved);
    if (read) {
      this.scope.reads.set(call, read);
      return new Set([call]);
    }
    const helper = this.helperSummary(call.func);
    if (helper?.size) return helper;
    if (VALIDATOR_METHODS.has(name) || VALIDATOR_NAME.test(name)) {
      // `schema.validate(df)` raises on bad data: from here on `df` itself has been checked.
      for (const arg of [...call.args, ...call.keywords.map((k) => k.value)]) {
        const key = keyOf(arg.type === 'Starred' ? arg.value : arg);
        if (key) env.set(key, CLEAN);
      }
      return CLEAN;
    }
    if (call.func.type === 'Attribute') {
      const receiver = this.expr(call.func.value, env);
      const added = unionAll([...args, ...keywordTaints]);
      const container = keyOf(call.func.value);
      if (FILLS_CONTAINER.has(name) && container && added.size) {
        // `frames.append(pd.read_csv(p))`: the list now holds raw data (pandas < 2's `df.append` returns it too).
        env.set(container, union(receiver, added));
        return union(receiver, added);
      }
      if (receiver.size) {
        // `astype(str)` makes every column text: nothing is checked, the data is as raw as before.
        if (TYPES_DATA.has(name)) return call.args[0] && isBlanketText(call.args[0]) ? receiver : CLEAN;
        if (KEEPS_DATA.has(name)) return unionAll([receiver, ...args, ...keywordTaints]);
        return CLEAN;
      }
    }
    if (resolved && COMBINES_FRAMES.test(resolved)) {
      if (call.keywords.some(givesTypes)) return CLEAN;
      return unionAll([...args, ...keywordTaints]);
    }
    // Anything else makes something new of the data: a model, a prediction, the project's own transform.
    return CLEAN;
  }

  /** Is this call a read of tabular data whose types nobody gave? */
  private readOf(call: Call, written: string, resolved: string): ReturnedRead | undefined {
    const spark = this.sparkRead(call);
    if (spark) return spark;
    if (!resolved) return undefined;
    const dot = resolved.lastIndexOf('.');
    const module = resolved.slice(0, dot);
    const fnName = resolved.slice(dot + 1);
    if (dot > 0 && FRAME_MODULES.has(module) && FRAME_READER.test(fnName)) {
      // `**options` may carry `dtype=`: given the benefit of the doubt.
      if (call.keywords.some(givesTypes)) return undefined;
      // `read_csv(StringIO(text))` parses text the code already holds (a tool's output), not a data file.
      const source = call.args[0];
      if (source?.type === 'Call' && IN_MEMORY_BUFFERS.has(resolveCallee(this.scope.aliases, dottedName(source.func)))) return undefined;
      return { callee: written, reader: resolved, kind: module === 'polars' ? 'polars' : 'frame' };
    }
    if (JSON_LOADERS.has(resolved) && call.args[0] && this.readsDataFile(call.args[0], resolved.endsWith('loads'))) {
      return { callee: written, reader: resolved, kind: 'json' };
    }
    // `csv.DictReader(handle)` of a file it opened: rows of strings, whatever the file holds.
    if (CSV_READERS.has(resolved) && call.args[0]) {
      const source = call.args[0];
      const opened = source.type === 'Name' ? this.handles.has(source.id) : this.openedPath(source) !== undefined;
      if (opened) return { callee: written, reader: resolved, kind: 'csv' };
    }
    return undefined;
  }

  /**
   * `spark.read.csv(path)`, `spark.read.option("header", True).parquet(path)`, `.format("csv").load(path)`
   * in a module that imports pyspark; a `.schema(...)` in the chain, or `schema=`, types the read.
   */
  private sparkRead(call: Call): ReturnedRead | undefined {
    if (!this.scope.usesSpark || call.func.type !== 'Attribute' || !SPARK_FORMATS.has(call.func.attr.name)) return undefined;
    if (call.keywords.some(givesTypes)) return undefined;
    let at: Expr = call.func.value;
    while (at.type === 'Call' && at.func.type === 'Attribute' && SPARK_READER_SETTINGS.has(at.func.attr.name)) {
      if (at.func.attr.name === 'schema') return undefined;
      at = at.func.value;
    }
    if (at.type !== 'Attribute' || (at.attr.name !== 'read' && at.attr.name !== 'readStream')) return undefined;
    const reader = dottedName(at) || at.attr.name;
    return { callee: `${reader}.${call.func.attr.name}`, reader: `pyspark.sql.DataFrameReader.${call.func.attr.name}`, kind: 'spark' };
  }

  /** `json.load(f)` of a handle opened on `*.json`, or `json.loads(Path(...).read_text())` of one. */
  private readsDataFile(arg: Expr, fromText: boolean): boolean {
    let path: Expr | undefined;
    if (!fromText) {
      path = arg.type === 'Name' ? this.handles.get(arg.id) : this.openedPath(arg);
    } else if (arg.type === 'Call' && arg.func.type === 'Attribute') {
      const method = arg.func.attr.name;
      if (method === 'read_text' || method === 'read_bytes') path = arg.func.value;
      else if (method === 'read' && arg.func.value.type === 'Name') path = this.handles.get(arg.func.value.id);
    }
    if (!path) return false;
    const names = this.stringsOf(path, 3);
    return names.some((s) => {
      const base = s.slice(s.replace(/\\/g, '/').lastIndexOf('/') + 1);
      return DATA_JSON.test(base) && !NOT_DATA_JSON.test(base);
    });
  }

  /** The path behind `open(p)`, `p.open()`, `Path(p).open()`, `io.open(p)`; undefined for anything else. */
  private openedPath(e: Expr): Expr | undefined {
    if (e.type !== 'Call') return undefined;
    const written = dottedName(e.func);
    const resolved = written ? resolveCallee(this.scope.aliases, written) : '';
    if ((resolved === 'open' || resolved === 'io.open' || resolved === 'builtins.open' || resolved === 'gzip.open') && e.args[0]) return e.args[0];
    if (e.func.type === 'Attribute' && e.func.attr.name === 'open') return e.func.value;
    return undefined;
  }

  /** String constants a path expression is built from, following local and module-level names. */
  private stringsOf(e: Expr, depth: number): string[] {
    const out: string[] = [];
    const stack: unknown[] = [e];
    while (stack.length) {
      const node = stack.pop() as { type?: string } | null;
      if (typeof node !== 'object' || node === null) continue;
      if (node.type === 'Constant' && (node as Extract<Expr, { type: 'Constant' }>).kind === 'str') {
        out.push((node as Extract<Expr, { type: 'Constant' }>).value);
        continue;
      }
      if (node.type === 'Name' && depth > 0) {
        const id = (node as Extract<Expr, { type: 'Name' }>).id;
        const bound = this.locals.get(id) ?? this.scope.constants.get(id);
        if (bound) out.push(...this.stringsOf(bound, depth - 1));
        continue;
      }
      if (node.type === 'Lambda' || node.type === 'ListComp' || node.type === 'DictComp') continue;
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
        if (typeof value === 'object' && value !== null) stack.push(value);
      }
    }
    return out;
  }

  /**
   * An `assert` or the test of an `if ...: raise` that looks at the data's columns, types, keys or
   * missing values (`set(REQUIRED) <= set(df.columns)`, `"id" in record`, `df.isna().any()`) checked
   * it: the variables it looks at are clean from there on. `len(df)` or `df.empty` alone is not a check
   * of what the rows hold.
   */
  private clearChecked(test: Expr, env: Env): void {
    const checked = new Set<string>();
    const stack: Expr[] = [test];
    while (stack.length) {
      const node = stack.pop()!;
      if (node.type === 'Attribute' && CHECKED_ATTRIBUTES.has(node.attr.name)) {
        const key = keyOf(stripData(node.value));
        if (key && env.get(key)?.size) checked.add(key);
      }
      if (node.type === 'Compare' && node.ops.some((op) => op === 'in' || op === 'not in')) {
        for (const c of node.comparators) {
          const key = keyOf(stripData(c));
          if (key && env.get(key)?.size) checked.add(key);
        }
      }
      if (node.type === 'Call' && lastName(node.func) === 'isinstance' && node.args[0]) {
        const key = keyOf(node.args[0]);
        if (key && env.get(key)?.size) checked.add(key);
      }
      for (const key in node) {
        const value = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(value)) for (const v of value) if (isExpr(v)) stack.push(v);
        if (isExpr(value)) stack.push(value);
      }
    }
    for (const key of checked) env.set(key, CLEAN);
  }
}

/**
 * `dtype={...}`, `schema=SCHEMA`, or `**options` that may carry them. `dtype=str` (every column as
 * text) turns inference off but types nothing, so it does not count.
 */
function givesTypes(keyword: Keyword): boolean {
  if (!keyword.arg) return true;
  return TYPED_READ_KEYWORDS.has(keyword.arg.name) && !isBlanketText(keyword.value);
}

/** `str`, `object`, `"string"`: one text type for every column. */
function isBlanketText(e: Expr): boolean {
  if (e.type === 'Name') return e.id === 'str' || e.id === 'object';
  return e.type === 'Constant' && e.kind === 'str' && (e.value === 'str' || e.value === 'string' || e.value === 'object');
}

function isIntegerIndex(e: Expr): boolean {
  const value = e.type === 'UnaryOp' && e.op === '-' ? e.operand : e;
  return value.type === 'Constant' && value.kind === 'int';
}

function isExpr(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** `df["amount"]` and `df.loc[...]` are still `df` when asking what a check looked at. */
function stripData(e: Expr): Expr {
  let at = e;
  while (at.type === 'Subscript' || (at.type === 'Attribute' && DATA_ATTRIBUTES.has(at.attr.name))) at = at.value;
  return at;
}

/** A variable or an attribute path of one (`self.frame`) as a key; undefined for anything else. */
function keyOf(e: Expr): string | undefined {
  const attributes: string[] = [];
  let at = e;
  while (at.type === 'Attribute') {
    attributes.push(at.attr.name);
    at = at.value;
  }
  if (at.type !== 'Name') return undefined;
  return [at.id, ...attributes.reverse()].join('.');
}

function union(a: Taint, b: Taint): Taint {
  if (!a.size) return b;
  if (!b.size) return a;
  return new Set([...a, ...b]);
}

function unionAll(all: Taint[]): Taint {
  return all.reduce(union, CLEAN);
}

/** Where two paths join, a variable may hold what either gave it. */
function merge(a: Env | undefined, b: Env | undefined): Env | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, union(out.get(k) ?? CLEAN, v));
  return out;
}
