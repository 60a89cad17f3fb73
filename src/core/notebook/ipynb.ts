import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../text/lineIndex';
import { ipynbLayout, type CellLayout } from './ipynbLayout';
import { MAX_OUTPUT_TEXT, type NotebookCellInput, type NotebookCellKind, type NotebookInput, type NotebookOutput, type NotebookReadResult } from './model';

/**
 * Reads a `.ipynb` (nbformat 4, and nbformat 3's `worksheets`) into a `NotebookInput`. Never throws.
 *
 * Saved outputs can be tens of megabytes of base64 images: an output's size is the length of its JSON
 * text, and only human-readable text (stream, `text/plain`, tracebacks) is extracted, truncated.
 *
 * Two readers give the same result. The usual case, a valid nbformat 4 file, is read with the engine's
 * native `JSON.parse` plus one pass over the text that records only the offsets the model keeps (each
 * cell's source and source lines, each output's extent): a workspace scan reads hundreds of notebooks,
 * and building jsonc-parser's tree (a node with offsets for every value) cost several times more.
 * Everything else (invalid JSON, whose diagnostic needs jsonc-parser's error and position; nbformat 3;
 * anything the fast reader cannot answer exactly as the tree reader would) goes to the tree reader.
 */
export function parseIpynb(path: string, text: string): NotebookReadResult {
  let fast: NotebookReadResult | undefined;
  try {
    fast = parseIpynbFast(path, text);
  } catch (e) {
    return unreadable(e);
  }
  return fast ?? parseIpynbTree(path, text);
}

/** Both readers only read values they check as they go; this is a last line of defence for the server. */
function unreadable(e: unknown): NotebookReadResult {
  return { ok: false, message: `The notebook could not be read: ${(e as Error)?.message ?? String(e)}` };
}

// Keyed by printParseErrorCode's names: jsonc-parser's ParseErrorCode is a const enum, unusable under isolatedModules.
const ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name expected',
  ValueExpected: 'value expected',
  ColonExpected: 'colon expected',
  CommaExpected: 'comma expected',
  CloseBraceExpected: '`}` expected',
  CloseBracketExpected: '`]` expected',
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

/**
 * The tree reader (jsonc-parser): the reference behaviour, and the reader for every file the fast one
 * declines. Exported for the test that holds both readers to the same answers. Never throws.
 */
export function parseIpynbTree(path: string, text: string): NotebookReadResult {
  try {
    return readTree(path, text);
  } catch (e) {
    return unreadable(e); // e.g. the recursive parser out of stack on absurd nesting
  }
}

function readTree(path: string, text: string): NotebookReadResult {
  if (text.trim() === '') return { ok: false, message: 'The notebook file is empty.', offset: 0 };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const pos = new LineIndex(text).positionAt(first.offset);
    const words = ERROR_WORDS[printParseErrorCode(first.error)] ?? 'syntax error';
    return { ok: false, message: `The notebook is not valid JSON: ${words} at line ${pos.line + 1}, column ${pos.character + 1}.`, offset: first.offset };
  }
  if (!root || root.type !== 'object') return { ok: false, message: 'The notebook is not a JSON object; it is not a Jupyter notebook.', offset: root?.offset ?? 0 };

  const nbformatNode = prop(root, 'nbformat');
  const nbformat = typeof nbformatNode?.value === 'number' ? nbformatNode.value : undefined;
  const metadata = prop(root, 'metadata');
  let kernelLanguage = stringValue(prop(prop(metadata, 'kernelspec'), 'language')) ?? stringValue(prop(prop(metadata, 'language_info'), 'name'));

  const cells: NotebookCellInput[] = [];
  const cellsNode = prop(root, 'cells');
  const worksheets = prop(root, 'worksheets');
  if (cellsNode?.type === 'array') {
    for (const c of cellsNode.children ?? []) {
      const cell = readCell(c, 'source');
      if (cell) cells.push(cell);
    }
  } else if (worksheets?.type === 'array') {
    // nbformat 3: cells live in worksheets; code cells keep their text in `input` and record `language`.
    for (const ws of worksheets.children ?? []) {
      const wsCells = prop(ws, 'cells');
      for (const c of wsCells?.type === 'array' ? (wsCells.children ?? []) : []) {
        const cell = readCell(c, 'input');
        if (cell) cells.push(cell);
        if (!kernelLanguage && cell?.kind === 'code') kernelLanguage = stringValue(prop(c, 'language'));
      }
    }
  } else {
    return { ok: false, message: 'The JSON has no `cells` (nor nbformat 3 `worksheets`); it is not a Jupyter notebook.', offset: root.offset };
  }
  const notebook: NotebookInput = { path, cells };
  if (kernelLanguage !== undefined) notebook.kernelLanguage = kernelLanguage;
  if (nbformat !== undefined) notebook.nbformat = nbformat;
  return { ok: true, notebook };
}

function readCell(node: Node, v3CodeSourceKey: 'source' | 'input'): NotebookCellInput | undefined {
  if (node.type !== 'object') return undefined;
  const type = stringValue(prop(node, 'cell_type'));
  // nbformat 3 `heading` cells are markdown headings; unknown types are kept as raw so indices stay true.
  const kind: NotebookCellKind = type === 'code' ? 'code' : type === 'markdown' || type === 'heading' ? 'markdown' : 'raw';
  const sourceNode = kind === 'code' ? (prop(node, v3CodeSourceKey) ?? prop(node, 'source')) : prop(node, 'source');
  const cell: NotebookCellInput = { kind, source: '' };
  if (sourceNode) {
    const { source, lineOffsets } = readMultiline(sourceNode);
    cell.source = source;
    cell.sourceStart = sourceNode.offset;
    cell.sourceLineOffsets = lineOffsets;
  }
  if (kind === 'code') {
    const countNode = prop(node, 'execution_count') ?? prop(node, 'prompt_number');
    cell.executionCount = typeof countNode?.value === 'number' ? countNode.value : null;
    const outputsNode = prop(node, 'outputs');
    cell.outputs = outputsNode?.type === 'array' ? (outputsNode.children ?? []).map(readOutput) : [];
  }
  return cell;
}

const OUTPUT_TYPES: Record<string, NotebookOutput['type']> = {
  error: 'error',
  pyerr: 'error', // nbformat 3
  stream: 'stream',
  display_data: 'display_data',
  execute_result: 'execute_result',
  pyout: 'execute_result', // nbformat 3
};

function readOutput(node: Node): NotebookOutput {
  const outputType = stringValue(prop(node, 'output_type')) ?? '';
  const type = OUTPUT_TYPES[outputType] ?? 'other';
  const out: NotebookOutput = { type, byteSize: node.length };
  if (type === 'error') {
    const ename = stringValue(prop(node, 'ename'));
    const evalue = stringValue(prop(node, 'evalue'));
    if (ename !== undefined) out.ename = ename;
    if (evalue !== undefined) out.evalue = evalue;
    const traceback = prop(node, 'traceback');
    if (traceback) out.text = stripAnsi(joinStrings(traceback, '\n'));
  } else if (type === 'stream') {
    const t = prop(node, 'text');
    if (t) out.text = joinStrings(t, '');
  } else if (type === 'execute_result' || type === 'display_data') {
    // nbformat 4 nests MIME bundles under `data`; nbformat 3 put `text` beside the output type.
    const plain = prop(prop(node, 'data'), 'text/plain') ?? prop(node, 'text');
    if (plain) out.text = joinStrings(plain, '');
  }
  return out;
}

/** A JSON string or list of strings (nbformat's "multiline string"), plus where each line starts in the file. */
function readMultiline(node: Node): { source: string; lineOffsets: number[] } {
  if (node.type === 'string') {
    const s = node.value as string;
    return { source: s, lineOffsets: new Array<number>(countLineBreaks(s) + 1).fill(node.offset) };
  }
  if (node.type !== 'array') return { source: '', lineOffsets: [node.offset] };
  const parts: string[] = [];
  const lineOffsets: number[] = [];
  let pendingLineStart = true; // the next character begins a new line
  let lastOffset = node.offset;
  for (const el of node.children ?? []) {
    if (el.type !== 'string') continue;
    const s = el.value as string;
    lastOffset = el.offset;
    if (s.length === 0) continue;
    if (pendingLineStart) lineOffsets.push(el.offset);
    pendingLineStart = false;
    forEachLineBreakEnd(s, (end) => {
      if (end < s.length) lineOffsets.push(el.offset);
      else pendingLineStart = true;
    });
    parts.push(s);
  }
  if (pendingLineStart) lineOffsets.push(lastOffset);
  return { source: parts.join(''), lineOffsets };
}

/** Calls `onBreakEnd` with the index just after each line break, counting `\r\n`, `\r` and `\n` as LineIndex does. */
function forEachLineBreakEnd(s: string, onBreakEnd: (end: number) => void): void {
  if (!s.includes('\r')) {
    // The usual source line (`"x = 1\n"`): native searches instead of a loop over every character.
    for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) onBreakEnd(i + 1);
    return;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) onBreakEnd(i + 1);
    else if (c === 13) {
      if (s.charCodeAt(i + 1) === 10) i++;
      onBreakEnd(i + 1);
    }
  }
}

function countLineBreaks(s: string): number {
  let n = 0;
  forEachLineBreakEnd(s, () => n++);
  return n;
}

function joinStrings(node: Node, separator: string): string {
  if (node.type === 'string') return truncate(node.value as string);
  if (node.type !== 'array') return '';
  let out = '';
  for (const el of node.children ?? []) {
    if (el.type !== 'string') continue;
    out += (out ? separator : '') + (el.value as string);
    if (out.length >= MAX_OUTPUT_TEXT) break;
  }
  return truncate(out);
}

function truncate(s: string): string {
  return s.length > MAX_OUTPUT_TEXT ? s.slice(0, MAX_OUTPUT_TEXT) : s;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
function stripAnsi(s: string): string {
  return s.includes('\u001b') ? s.replace(ANSI, '') : s;
}

// --- The fast reader. It mirrors the tree reader above step by step, over `JSON.parse`'s values:
// `member` is `prop` (MISSING plays the absent node, so `null` values stay present), and offsets come
// from the layout pass.

const MISSING: unique symbol = Symbol('missing');
type Member = unknown; // a value, or MISSING

/** The layout pass and `JSON.parse` read the same text, so they agree; if they ever did not, the tree reader decides. */
class LayoutMismatch extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function member(v: Member, name: string): Member {
  return isObject(v) && Object.prototype.hasOwnProperty.call(v, name) ? v[name] : MISSING;
}

function stringOf(v: Member): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The nbformat 4 reading of a valid file, or undefined to have the tree reader decide. Exported for tests. */
export function parseIpynbFast(path: string, text: string): NotebookReadResult | undefined {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined; // the tree reader words the error and finds its position
  }
  if (!isObject(root)) return undefined;
  const cellValues = member(root, 'cells');
  if (!Array.isArray(cellValues)) return undefined; // nbformat 3, or not a notebook
  const layout = ipynbLayout(text);
  if (!layout || layout.cells.length !== cellValues.length) return undefined;

  const nbformatValue = member(root, 'nbformat');
  const nbformat = typeof nbformatValue === 'number' ? nbformatValue : undefined;
  const metadata = member(root, 'metadata');
  const kernelLanguage = stringOf(member(member(metadata, 'kernelspec'), 'language')) ?? stringOf(member(member(metadata, 'language_info'), 'name'));
  const cells: NotebookCellInput[] = [];
  try {
    for (let i = 0; i < cellValues.length; i++) {
      const cell = readCellValue(cellValues[i], layout.cells[i]);
      if (cell) cells.push(cell);
    }
  } catch (e) {
    if (e instanceof LayoutMismatch) return undefined;
    throw e;
  }
  const notebook: NotebookInput = { path, cells };
  if (kernelLanguage !== undefined) notebook.kernelLanguage = kernelLanguage;
  if (nbformat !== undefined) notebook.nbformat = nbformat;
  return { ok: true, notebook };
}

function readCellValue(value: unknown, layout: CellLayout | undefined): NotebookCellInput | undefined {
  if (!isObject(value)) return undefined;
  if (!layout) throw new LayoutMismatch();
  const type = stringOf(member(value, 'cell_type'));
  const kind: NotebookCellKind = type === 'code' ? 'code' : type === 'markdown' || type === 'heading' ? 'markdown' : 'raw';
  const sourceValue = member(value, 'source');
  const cell: NotebookCellInput = { kind, source: '' };
  if (sourceValue !== MISSING) {
    if (layout.sourceStart === undefined || (Array.isArray(sourceValue) && layout.sourceElements?.length !== sourceValue.length)) throw new LayoutMismatch();
    const { source, lineOffsets } = readMultilineValue(sourceValue, layout.sourceStart, layout.sourceElements);
    cell.source = source;
    cell.sourceStart = layout.sourceStart;
    cell.sourceLineOffsets = lineOffsets;
  }
  if (kind === 'code') {
    let count = member(value, 'execution_count');
    if (count === MISSING) count = member(value, 'prompt_number');
    cell.executionCount = typeof count === 'number' ? count : null;
    const outputs = member(value, 'outputs');
    const spans = layout.outputSpans;
    if (Array.isArray(outputs) && spans?.length !== 2 * outputs.length) throw new LayoutMismatch();
    cell.outputs = Array.isArray(outputs) ? outputs.map((o, i) => readOutputValue(o, spans![2 * i + 1]! - spans![2 * i]!)) : [];
  }
  return cell;
}

function readOutputValue(value: unknown, byteSize: number): NotebookOutput {
  const outputType = stringOf(member(value, 'output_type')) ?? '';
  const type = OUTPUT_TYPES[outputType] ?? 'other';
  const out: NotebookOutput = { type, byteSize };
  if (type === 'error') {
    const ename = stringOf(member(value, 'ename'));
    const evalue = stringOf(member(value, 'evalue'));
    if (ename !== undefined) out.ename = ename;
    if (evalue !== undefined) out.evalue = evalue;
    const traceback = member(value, 'traceback');
    if (traceback !== MISSING) out.text = stripAnsi(joinStringValues(traceback, '\n'));
  } else if (type === 'stream') {
    const t = member(value, 'text');
    if (t !== MISSING) out.text = joinStringValues(t, '');
  } else if (type === 'execute_result' || type === 'display_data') {
    let plain = member(member(value, 'data'), 'text/plain');
    if (plain === MISSING) plain = member(value, 'text');
    if (plain !== MISSING) out.text = joinStringValues(plain, '');
  }
  return out;
}

/** `readMultiline` over a value: `start` is the value's offset, `elements` its array elements' offsets. */
function readMultilineValue(value: unknown, start: number, elements: number[] | undefined): { source: string; lineOffsets: number[] } {
  if (typeof value === 'string') return { source: value, lineOffsets: new Array<number>(countLineBreaks(value) + 1).fill(start) };
  if (!Array.isArray(value) || !elements) return { source: '', lineOffsets: [start] }; // elements: always there for an array
  const parts: string[] = [];
  const lineOffsets: number[] = [];
  let pendingLineStart = true;
  let lastOffset = start;
  for (let i = 0; i < value.length; i++) {
    const s = value[i];
    if (typeof s !== 'string') continue;
    const offset = elements[i]!;
    lastOffset = offset;
    if (s.length === 0) continue;
    if (pendingLineStart) lineOffsets.push(offset);
    pendingLineStart = false;
    forEachLineBreakEnd(s, (end) => {
      if (end < s.length) lineOffsets.push(offset);
      else pendingLineStart = true;
    });
    parts.push(s);
  }
  if (pendingLineStart) lineOffsets.push(lastOffset);
  return { source: parts.join(''), lineOffsets };
}

function joinStringValues(value: unknown, separator: string): string {
  if (typeof value === 'string') return truncate(value);
  if (!Array.isArray(value)) return '';
  let out = '';
  for (const el of value) {
    if (typeof el !== 'string') continue;
    out += (out ? separator : '') + el;
    if (out.length >= MAX_OUTPUT_TEXT) break;
  }
  return truncate(out);
}

/** The value node of an object's property, or undefined. */
export function prop(node: Node | undefined, name: string): Node | undefined {
  if (!node || node.type !== 'object') return undefined;
  for (const p of node.children ?? []) {
    const [key, value] = p.children ?? [];
    if (key?.value === name) return value;
  }
  return undefined;
}

function stringValue(node: Node | undefined): string | undefined {
  return node?.type === 'string' ? (node.value as string) : undefined;
}

/**
 * Maps a line of a cell's source (0-based) to the 0-based line of the `.ipynb` file holding it, for
 * SARIF regions. nbformat 4 writes each source line as its own JSON string, so this is exact there; a
 * source saved as one string maps every line to that string's line. Undefined when the cell did not
 * come from disk.
 */
export function cellLineToFileLine(file: LineIndex | string, cell: NotebookCellInput, cellLine: number): number | undefined {
  const offsets = cell.sourceLineOffsets;
  if (!offsets?.length) return undefined;
  const index = typeof file === 'string' ? new LineIndex(file) : file;
  const offset = offsets[Math.max(0, Math.min(cellLine, offsets.length - 1))]!;
  return index.positionAt(offset).line;
}
