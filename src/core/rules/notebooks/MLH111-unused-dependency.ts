import { normalizeName } from '../../python/pep503';
import { LineIndex } from '../../text/lineIndex';
import type { RuleDefinition } from '../rule';
import type { ProjectImportsContext } from './projectImports';

/**
 * Runtime dependencies that are used without being imported by the project's code, so "never
 * imported" does not mean unused:
 * - servers and workers started from the command line: gunicorn, uvicorn, hypercorn, daphne, waitress, gevent, eventlet;
 * - database drivers that SQLAlchemy or pandas load from a URL: psycopg2(-binary), psycopg(-binary), pymysql, mysqlclient, asyncpg, oracledb, cx-oracle, pyodbc, aiosqlite;
 * - pandas I/O engines loaded by name: pyarrow, fastparquet, openpyxl, xlrd, xlsxwriter, odfpy, tables, lxml, html5lib, tabulate, sqlalchemy;
 * - tokenizer and model back-ends that transformers/torch load themselves: sentencepiece, protobuf, tiktoken, safetensors, accelerate, bitsandbytes, tensorboard;
 * - environment plumbing: setuptools, wheel, pip, certifi, tzdata, python-dotenv (often loaded by the CLI), ipykernel (kernels are started by Jupyter);
 * - DVC remotes and plugins (`dvc-s3`, ...), and NVIDIA runtime wheels (`nvidia-*`), used by their host package.
 */
export const USED_WITHOUT_IMPORT = new Set([
  'gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'waitress', 'gevent', 'eventlet',
  'psycopg2', 'psycopg2-binary', 'psycopg', 'psycopg-binary', 'pymysql', 'mysqlclient', 'asyncpg', 'oracledb', 'cx-oracle', 'pyodbc', 'aiosqlite',
  'pyarrow', 'fastparquet', 'openpyxl', 'xlrd', 'xlsxwriter', 'odfpy', 'tables', 'lxml', 'html5lib', 'tabulate', 'sqlalchemy',
  'sentencepiece', 'protobuf', 'tiktoken', 'safetensors', 'accelerate', 'bitsandbytes', 'tensorboard',
  'setuptools', 'wheel', 'pip', 'certifi', 'tzdata', 'python-dotenv', 'ipykernel',
]);

export function isUsedWithoutImport(normalizedName: string): boolean {
  return USED_WITHOUT_IMPORT.has(normalizedName) || normalizedName.startsWith('dvc-') || normalizedName.startsWith('nvidia-') || normalizedName.startsWith('types-');
}

export const unusedDependency: RuleDefinition<ProjectImportsContext> = {
  code: 'MLH111',
  name: 'unused-dependency',
  pillar: 'dependencies',
  defaultSeverity: 'information',
  docs: {
    detects:
      'A runtime dependency (`[project].dependencies` or a runtime requirements file) that no notebook or Python file of the project imports. Dev, optional and build groups are never reported, nor are packages used without an import: servers started from the command line (gunicorn, uvicorn), database drivers loaded from a URL (psycopg2-binary, pymysql), pandas engines (pyarrow, openpyxl, xlrd), model back-ends (sentencepiece, protobuf, safetensors), and environment plumbing (setuptools, certifi).',
    why: 'Every runtime dependency ships with the model image and widens the attack surface and the resolver\'s work; one nobody imports is usually left over from an experiment.',
    example: '[project]\ndependencies = [\n  "pandas==2.2.3",\n  "seaborn==0.13.2",   # MLH111 when nothing imports seaborn\n]',
    exampleLanguage: 'toml',
    fix: 'Remove it, or move it to a dependency group (`[dependency-groups]`) if only notebooks for exploration need it.',
  },
  check(ctx, report) {
    const { facts } = ctx;
    // Without any analysed import there is nothing to compare against: say nothing rather than everything.
    if (!ctx.importedModules.size) return;
    const projectName = facts.pyproject?.toml.get(['project', 'name']);
    const self = typeof projectName === 'string' ? normalizeName(projectName) : undefined;
    const lineIndexes = new Map<string, LineIndex>();
    const imported = [...ctx.importedModules];
    for (const req of facts.requirements) {
      if (req.groupKind !== 'runtime' || !req.parsed.ok) continue;
      const r = req.parsed.requirement;
      if (r.normalizedName === self || isUsedWithoutImport(r.normalizedName)) continue;
      const names = facts.resolver.importNamesOf(r.normalizedName);
      const used = names.some((n) => imported.some((m) => m === n || m.startsWith(`${n}.`)));
      if (used) continue;
      const text = facts.textOf(req.path);
      if (text === undefined) continue;
      let li = lineIndexes.get(req.path);
      if (!li) lineIndexes.set(req.path, (li = new LineIndex(text)));
      report({
        path: req.path,
        range: li.rangeOf(req.start, req.end),
        message: `\`${r.name}\` is a runtime dependency but no notebook or Python file of the project imports it (looked for ${names.map((n) => `\`${n}\``).join(', ')}).`,
      });
    }
  },
};
