import type { Finding } from '../diagnostics';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import type { Range } from '../text/lineIndex';
import { LineIndex } from '../text/lineIndex';
import { cellLineToFileLine, parseIpynb } from './ipynb';
import { codeCells } from './model';

/**
 * Maps cell-relative notebook findings to ranges in the `.ipynb` file itself, for formats that know
 * only files (SARIF, GitHub annotations). Lines map exactly (nbformat 4 stores one JSON string per
 * source line); the character is the JSON string's opening quote plus one plus the in-line offset,
 * exact for lines without escapes.
 */
export async function notebookRangeMapper(fs: FileSystem, findings: Finding[]): Promise<(f: Finding) => Range | undefined> {
  const files = new Map<string, { index: LineIndex; cells: ReturnType<typeof codeCells> } | undefined>();
  for (const path of new Set(findings.filter((f) => f.cell !== undefined).map((f) => f.path))) {
    const r = await readTextFile(fs, path, 256 * 1024 * 1024);
    const parsed = r.ok ? parseIpynb(path, r.text) : undefined;
    files.set(path, r.ok && parsed?.ok ? { index: new LineIndex(r.text), cells: codeCells(parsed.notebook) } : undefined);
  }
  return (f) => {
    const file = f.cell !== undefined ? files.get(f.path) : undefined;
    const cell = file?.cells[f.cell!]?.cell;
    if (!file || !cell) return undefined;
    const at = (line: number, character: number) => {
      const fileLine = cellLineToFileLine(file.index, cell, line);
      if (fileLine === undefined) return undefined;
      const offset = cell.sourceLineOffsets?.[Math.min(line, cell.sourceLineOffsets.length - 1)];
      const column = offset !== undefined ? file.index.positionAt(offset).character + 1 + character : 0;
      return { line: fileLine, character: column };
    };
    const start = at(f.range.start.line, f.range.start.character);
    const end = at(f.range.end.line, f.range.end.character);
    return start && end ? { start, end } : undefined;
  };
}
