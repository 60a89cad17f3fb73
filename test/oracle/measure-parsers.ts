/**
 * Measures tree-sitter-python (web-tree-sitter wasm) against @lezer/python on real notebooks:
 * per-cell parse time, the largest notebook, error cells before/after magic masking, modern syntax.
 * Run: npx tsx test/oracle/measure-parsers.ts [notebook-dir]   (default ../shared/corpus/notebooks)
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parser as lezer } from '@lezer/python';
import { initPythonParser, parsePython } from '../../src/core/analysis/parser';
import { maskMagics } from '../../src/core/analysis/magics';
import { analyzeCell } from '../../src/core/analysis/cellAnalysis';
import { codeCells } from '../unit/analysis/oracleHarness';

function lezerHasError(source: string): boolean {
  let error = false;
  lezer.parse(source).iterate({ enter: (n) => { if (n.type.isError) error = true; return !error; } });
  return error;
}

function treeSitterHasError(source: string): boolean {
  const tree = parsePython(source);
  const error = tree.rootNode.hasError;
  tree.delete();
  return error;
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
  await initPythonParser();
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', '..', 'shared', 'corpus', 'notebooks');
  const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).map((f) => ({ file: f, cells: codeCells(path.join(dir, f)) }));
  const cells = notebooks.flatMap((n) => n.cells);
  const masked = cells.map((c) => maskMagics(c).masked);
  for (const c of cells.slice(0, 200)) { treeSitterHasError(c); lezerHasError(c); } // warm-up
  const report: Record<string, unknown> = { notebooks: notebooks.length, codeCells: cells.length };
  report.perCellMicroseconds = {
    treeSitter: +(time(() => cells.forEach(treeSitterHasError), 5) * 1000 / cells.length).toFixed(1),
    lezer: +(time(() => cells.forEach(lezerHasError), 5) * 1000 / cells.length).toFixed(1),
  };
  report.analyzeCellMicroseconds = +(time(() => cells.forEach((c) => analyzeCell(c)), 5) * 1000 / cells.length).toFixed(1);
  const largest = notebooks.map((n) => ({ ...n, text: n.cells.join('\n') })).sort((a, b) => b.text.length - a.text.length)[0]!;
  report.largestNotebook = {
    file: largest.file,
    lines: largest.text.split('\n').length,
    treeSitterMs: +time(() => treeSitterHasError(largest.text), 20).toFixed(2),
    lezerMs: +time(() => lezerHasError(largest.text), 20).toFixed(2),
  };
  report.errorCells = {
    treeSitterRaw: cells.filter(treeSitterHasError).length,
    treeSitterMasked: masked.filter(treeSitterHasError).length,
    lezerRaw: cells.filter(lezerHasError).length,
    lezerMasked: masked.filter(lezerHasError).length,
  };
  report.modernSyntaxErrors = Object.fromEntries(Object.entries(MODERN).map(([k, src]) => [k, { treeSitter: treeSitterHasError(src), lezer: lezerHasError(src) }]));
  console.log(JSON.stringify(report, null, 2));
})();
