import { relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { packageModules, type StructureContext } from './context';
import { unvalidatedReads, type UnvalidatedRead } from './dataIngestion';

function whatToDo(read: UnvalidatedRead): string {
  switch (read.kind) {
    case 'json':
      return 'validate it with a Pydantic model (`Model.model_validate(data)`, or a `TypeAdapter` for a list of records)';
    case 'csv':
      return 'build a Pydantic model from each row (`Model.model_validate(row)`), which converts and checks every field';
    case 'spark':
      return 'give the reader a schema (`spark.read.schema(SCHEMA).csv(path)`) or validate it with pandera\'s pyspark schemas';
    case 'polars':
      return 'validate it with a pandera schema (`schema.validate(df)`) or pass `schema={...}` to the read';
    default:
      return 'validate it with a pandera schema (`schema.validate(df)`) or pass `dtype={...}` to the read';
  }
}

export const unvalidatedDataIngestion: RuleDefinition<StructureContext> = {
  code: 'MLH423',
  name: 'unvalidated-data-ingestion',
  pillar: 'types',
  defaultSeverity: 'warning',
  docs: {
    detects: [
      'A function of the project\'s package (`src/<pkg>/` or `<pkg>/`; tests, notebooks and loose scripts are not looked at) that reads tabular data and returns it, or yields it, without checking it. Reads are `read_*`/`scan_*` of pandas, polars, modin, dask, cuDF and pyarrow (`read_csv`, `read_parquet`, `read_json`, `read_excel`, `scan_csv`, ...), Spark\'s `<session>.read.csv/json/parquet/...` (options and `.format(...)` between them included) in a module that imports pyspark, and `json.load`/`json.loads` of a file whose name ends in `.json`/`.jsonl` and does not say config, settings, params, schema, vocab, labels or the like. Import aliases are resolved (`import pandas as pd`, `from pandas import read_csv as load`).',
      'The data is followed through local variables, tuples, loops over chunks, lists and dicts it is collected in (`frames.append(...)`, `tables[name] = ...`), and the transformations that keep it what it was: `dropna`, `rename`, `reset_index`, `df[cols]`, `df.loc[...]`, `pd.concat`, `pd.DataFrame(records)`, `to_dict`, polars\' `collect`/`select`/`with_columns`.',
      'It counts as validated, and is not reported, when: the read gives the types (`dtype=`, `dtypes=`, `schema=`, `schema_overrides=`, `converters=`, or `**options` that may carry them; `dtype=str` does not count, as it makes every column text and checks nothing); the data goes through `astype(...)`/`cast(...)` (again, not `astype(str)`); a validating call receives it (`schema.validate(df)`, `Model.model_validate(row)`, `TypeAdapter(...).validate_python(data)`, `parse_obj_as`, or a function of the project whose name says so: `validate_orders(df)`, `check_columns(df)`, `ensure_schema(df)`); an `assert`, or an `if ...: raise`, looks at its columns, dtypes, keys or missing values; the function is decorated with pandera\'s `@check_types`/`@check_output` or pydantic\'s `@validate_call(validate_return=True)`; or any other call turns it into something else (a dataclass or model built from each row, a prediction, the project\'s own `clean(df)`): a finding is a read handed back as read.',
      'A private helper that the module calls itself (`_read(path)`, `self._load()`) hands the data to its callers, and the finding goes to the function that hands it out unchecked; a public function, or a private one the module never names, hands it out itself. Validation in only one branch (`if strict: schema.validate(df)`) leaves the other path unvalidated and is reported. The range is the read call.',
      'Not counted: database reads (`read_sql`, `read_database`: the table\'s schema types the columns), pickles (an artifact the project wrote itself), and `read_csv(StringIO(text))` parsing text the code already holds. `csv.DictReader`/`csv.reader` over a file the function opened are counted: their rows are strings, whatever the file holds.',
      'Known misses, chosen to keep false alarms out: data wrapped in a container object (`Dataset(data=df)`, also a plain dataclass, which checks nothing at run time) or passed through a function the rule does not know is not followed further, and neither is a read at module level.',
      'Measured: the shared test corpus holds no package code (0 findings; its 57 notebooks read as package modules, 0). On real package code (12,894 modules of seaborn, scikit-learn, statsmodels, pandas, plotly, geopandas, xarray and dask): 3 findings, all true (statsmodels\' `webuse` and `parse_lutkepohl_data`, plotly\'s `data.gapminder` return what they read); no false alarm.',
    ].join('\n\n'),
    why: 'A data frame read from a file takes whatever columns and types the file has today. A renamed column, an amount exported as text, or a new category flows on into features and training, where it fails far from its cause or, worse, does not fail at all: the model is trained or scored on corrupted values and nobody notices. Checking the data where it enters the package turns that into one clear error at the boundary, which is what production ML guides ask for ("validated data at ingestion").',
    example: 'import pandas as pd\n\n\ndef load_orders(path: str) -> pd.DataFrame:\n    orders = pd.read_csv(path, parse_dates=["ordered_at"])\n    return orders.dropna(subset=["customer_id"])   # MLH423 on pd.read_csv(...)',
    exampleLanguage: 'python',
    fix: [
      'No automatic fix: the right schema is a decision about the data that only its owner can make. Declare it where the data enters, for example with pandera:',
      '```python\nimport pandera.pandas as pa\n\nORDERS = pa.DataFrameSchema({"customer_id": pa.Column(int), "amount": pa.Column(float, pa.Check.ge(0))})\n\n\ndef load_orders(path: str) -> pd.DataFrame:\n    return ORDERS.validate(pd.read_csv(path, parse_dates=["ordered_at"]))\n```',
      'or pass the column types to the read (`dtype={"customer_id": "int64", "amount": "float64"}`, polars `schema={...}`), or build Pydantic models from JSON records (`TypeAdapter(list[Order]).validate_python(json.load(f))`). If the function is meant to return raw data, suppress the line with `# ml-hygiene: ignore[MLH423]`.',
    ].join('\n\n'),
  },
  async check(ctx, report) {
    for (const file of packageModules(ctx.project.root, ctx.files)) {
      const text = await ctx.readText(file);
      if (text === undefined) continue;
      const reads = unvalidatedReads(text);
      if (!reads.length) continue;
      const li = ctx.lineIndexOf(file)!;
      for (const read of reads) {
        report({
          path: file,
          range: li.rangeOf(read.start, read.end),
          message: `\`${read.functionName}\` in \`${relativePath(ctx.project.root, file)}\` returns the data \`${read.callee}\` reads without validating it: ${whatToDo(read)}, so bad data fails here instead of reaching the model.`,
        });
      }
    }
  },
};
