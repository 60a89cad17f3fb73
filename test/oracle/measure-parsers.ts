/**
 * Measures the Python front end (src/core/python/parser.ts) against tree-sitter-python on web-tree-sitter
 * wasm, the parser the engine used before, on real notebooks: per-cell parse time, the largest
 * notebook, cells with syntax errors before/after magic masking, modern syntax.
 * Run: npx tsx test/oracle/measure-parsers.ts [notebook-dir]   (default ../shared/corpus/notebooks)
 *
 * tree-sitter stays a devDependency for this comparison only; no bundle ships it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
// A require-style import: web-tree-sitter's ESM build needs import.meta.url, which tsx's CommonJS lacks.
import TreeSitter = require('web-tree-sitter');
import { maskMagics } from '../../src/core/analysis/magics';
import { analyzeCell } from '../../src/core/analysis/cellAnalysis';
import { parseModule } from '../../src/core/python/parser';
import { codeCells } from '../unit/analysis/oracleHarness';

async function loadTreeSitter(): Promise<TreeSitter.Parser> {
  await TreeSitter.Parser.init({ locateFile: () => require.resolve('web-tree-sitter/web-tree-sitter.wasm') });
  const grammar = path.join(path.dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
  const parser = new TreeSitter.Parser();
  parser.setLanguage(await TreeSitter.Language.load(grammar));
  return parser;
}

function time(fn: () => void, repeat: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / repeat;
}

const MODERN = {
  match: 'match p:\n    case Point(x=0, y=yy) | [_, *rest] if yy: pass\n    case _: pass\n',
  walrus: 'if (n := len(a)) > 1: print([y := f(x) for x in a])\n',
  pep695: 'type Vec[T] = list[T]\ndef first[T](xs: list[T]) -> T: return xs[0]\nclass Box[T]: pass\n',
  pep701: 'print(f"{d["key"]} {f"{x!r:>{w}}"}")\n',
  exceptStar: 'try:\n    pass\nexcept* ValueError as eg:\n    pass\n',
};

(async () => {
  const treeSitter = await loadTreeSitter();
  const treeSitterHasError = (source: string): boolean => {
    const tree = treeSitter.parse(source)!;
    const error = tree.rootNode.hasError;
    tree.delete();
    return error;
  };
  const oursHasError = (source: string): boolean => parseModule(source).errors.length > 0;
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', '..', 'shared', 'corpus', 'notebooks');
  const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).map((f) => ({ file: f, cells: codeCells(path.join(dir, f)) }));
  const cells = notebooks.flatMap((n) => n.cells);
  const masked = cells.map((c) => maskMagics(c).masked);
  for (const c of cells.slice(0, 200)) { treeSitterHasError(c); oursHasError(c); } // warm-up
  const report: Record<string, unknown> = { notebooks: notebooks.length, codeCells: cells.length };
  report.perCellMicroseconds = {
    treeSitter: +(time(() => cells.forEach(treeSitterHasError), 5) * 1000 / cells.length).toFixed(1),
    ours: +(time(() => cells.forEach(oursHasError), 5) * 1000 / cells.length).toFixed(1),
  };
  report.analyzeCellMicroseconds = +(time(() => cells.forEach((c) => analyzeCell(c)), 5) * 1000 / cells.length).toFixed(1);
  const largest = notebooks.map((n) => ({ ...n, text: n.cells.join('\n') })).sort((a, b) => b.text.length - a.text.length)[0]!;
  report.largestNotebook = {
    file: largest.file,
    lines: largest.text.split('\n').length,
    treeSitterMs: +time(() => treeSitterHasError(largest.text), 20).toFixed(2),
    oursMs: +time(() => oursHasError(largest.text), 20).toFixed(2),
  };
  report.errorCells = {
    treeSitterRaw: cells.filter(treeSitterHasError).length,
    treeSitterMasked: masked.filter(treeSitterHasError).length,
    oursRaw: cells.filter(oursHasError).length,
    oursMasked: masked.filter(oursHasError).length,
  };
  report.modernSyntaxErrors = Object.fromEntries(Object.entries(MODERN).map(([k, src]) => [k, { treeSitter: treeSitterHasError(src), ours: oursHasError(src) }]));
  console.log(JSON.stringify(report, null, 2));
})();
