import { parse as parseToml } from 'smol-toml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { fromPlain, PyFloat, type PyDict, type PyValue, isPyDict } from './pyValue';
import { parseYaml, toPy, YamlBudgetError } from './yamlSource';

/** Params and vars files larger than this are refused with a diagnostic rather than parsed. */
export const MAX_PARAMS_FILE_BYTES = 4 * 1024 * 1024;

export type ParamsFileResult = { ok: true; data: PyDict } | { ok: false; reason: 'missing' | 'unreadable' | 'invalid' | 'too-large'; message: string };

/**
 * Reads a params file the way DVC picks a loader: by extension (`.toml`, `.json`, `.py`), YAML
 * otherwise. Never throws.
 */
export async function readParamsFile(fs: FileSystem, path: string): Promise<ParamsFileResult> {
  const file = await readTextFile(fs, path, MAX_PARAMS_FILE_BYTES);
  if (!file.ok) {
    if (file.reason === 'missing') return { ok: false, reason: 'missing', message: `${path} does not exist` };
    if (file.reason === 'too-large') return { ok: false, reason: 'too-large', message: `${path} is ${(file.size / 1048576).toFixed(1)} MB; params files over ${MAX_PARAMS_FILE_BYTES / 1048576} MB are not read` };
    return { ok: false, reason: 'unreadable', message: `${path} could not be read (${file.reason})` };
  }
  return parseParamsText(path, file.text);
}

export function parseParamsText(path: string, text: string): ParamsFileResult {
  const lower = path.toLowerCase();
  try {
    let data: PyValue;
    if (lower.endsWith('.toml')) data = fromPlain(parseToml(text));
    else if (lower.endsWith('.json')) data = fromPlain(JSON.parse(text));
    else if (lower.endsWith('.py')) data = readPythonParams(text);
    else {
      const y = parseYaml(text);
      if (!y.doc) return { ok: false, reason: 'invalid', message: y.problems[0]?.message ?? 'invalid YAML' };
      data = toPy(y.doc.contents, y.doc);
      if (data === null) data = {};
    }
    if (!isPyDict(data)) return { ok: false, reason: 'invalid', message: `${path} does not contain a mapping at the top level` };
    return { ok: true, data };
  } catch (e) {
    const msg = e instanceof YamlBudgetError ? e.message : String((e as Error)?.message ?? e);
    return { ok: false, reason: 'invalid', message: `${path} could not be parsed: ${msg}` };
  }
}

/**
 * A minimal reader for Python params files. DVC loads them with Python's `ast`: module-level
 * assignments of literals, and class bodies as nested dicts (`class Train: lr = 0.1` → `Train.lr`).
 * We cannot run Python and a full parser is more than this needs, so this reads exactly that subset:
 * `NAME = literal` / `NAME: type = literal` at top level and one level inside `class X:` bodies, where
 * literal is a number, string, True/False/None, or a list/tuple/dict of those (possibly multi-line).
 * Anything else is skipped, so unknown code never causes a false "undefined param" on a known one.
 */
export function readPythonParams(text: string): PyDict {
  const out: PyDict = {};
  const lines = text.split(/\r?\n/);
  let currentClass: { name: string; indent: number; body: PyDict } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (currentClass && indent <= currentClass.indent) currentClass = undefined;
    const cls = /^class\s+([A-Za-z_]\w*)\s*(\([^)]*\))?\s*:\s*$/.exec(line.trimStart());
    if (cls && indent === 0) {
      const body: PyDict = {};
      out[cls[1]!] = body;
      currentClass = { name: cls[1]!, indent, body };
      continue;
    }
    const assign = /^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)\s*(.*)$/.exec(line.trimStart());
    const target = indent === 0 ? out : currentClass && indent > currentClass.indent ? currentClass.body : undefined;
    if (!assign || !target) continue;
    let source = assign[2]!;
    // Multi-line literals: keep reading while brackets are open.
    while (bracketDepth(source) > 0 && i + 1 < lines.length) source += '\n' + lines[++i]!;
    const value = parsePythonLiteral(source);
    if (value !== undefined) target[assign[1]!] = value;
  }
  return out;
}

function bracketDepth(s: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
  }
  return depth;
}

function parsePythonLiteral(src: string): PyValue | undefined {
  let pos = 0;
  const s = src;
  const ws = () => {
    for (;;) {
      while (pos < s.length && /\s/.test(s[pos]!)) pos++;
      if (s[pos] === '#') while (pos < s.length && s[pos] !== '\n') pos++;
      else return;
    }
  };
  const value = (): PyValue => {
    ws();
    const c = s[pos];
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      pos++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (s[pos] === close) {
          pos++;
          return items;
        }
        items.push(value());
        ws();
        if (s[pos] === ',') pos++;
        else if (s[pos] !== close) throw new Error('bad sequence');
      }
    }
    if (c === '{') {
      pos++;
      const d: PyDict = {};
      for (;;) {
        ws();
        if (s[pos] === '}') {
          pos++;
          return d;
        }
        const k = value();
        ws();
        if (s[pos++] !== ':') throw new Error('bad dict');
        d[String(k)] = value();
        ws();
        if (s[pos] === ',') pos++;
        else if (s[pos] !== '}') throw new Error('bad dict');
      }
    }
    if (c === '"' || c === "'") {
      const triple = s.startsWith(c.repeat(3), pos);
      const q = triple ? c.repeat(3) : c;
      pos += q.length;
      let str = '';
      while (pos < s.length && !s.startsWith(q, pos)) {
        if (s[pos] === '\\') {
          const n = s[pos + 1]!;
          str += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          pos += 2;
        } else str += s[pos++];
      }
      if (pos >= s.length) throw new Error('unterminated string');
      pos += q.length;
      return str;
    }
    const word = /^(True|False|None|[-+]?(?:\d[\d_]*\.?[\d_]*(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?))/.exec(s.slice(pos));
    if (!word) throw new Error('not a literal');
    pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    const n = Number(word[0].replace(/_/g, ''));
    return Number.isInteger(n) && /[.eE]/.test(word[0]) ? new PyFloat(n) : n;
  };
  try {
    const v = value();
    ws();
    return pos === s.length ? v : undefined;
  } catch {
    return undefined;
  }
}
