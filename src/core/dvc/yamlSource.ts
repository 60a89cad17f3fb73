import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { LineIndex, type Range } from '../text/lineIndex';
import { PyFloat, type PyDict, type PyValue } from './pyValue';

/**
 * YAML with source ranges, for dvc.yaml, dvc.lock and params files. The `yaml` package's Document API
 * keeps every node's offsets. Aliases are expanded by our own converter under a node budget, so an
 * alias bomb ("billion laughs") or a self-referencing anchor ends with a diagnostic instead of
 * exhausting memory.
 */
export const MAX_YAML_NODES = 200_000;

export interface YamlProblem {
  message: string;
  range: Range;
}

export interface ParsedYaml {
  text: string;
  lineIndex: LineIndex;
  doc?: Document.Parsed;
  problems: YamlProblem[];
}

export function parseYaml(text: string): ParsedYaml {
  const lineIndex = new LineIndex(text);
  const problems: YamlProblem[] = [];
  let doc: Document.Parsed | undefined;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    problems.push({ message: `YAML could not be parsed: ${String((e as Error)?.message ?? e)}`, range: lineIndex.rangeOf(0, 0) });
    return { text, lineIndex, problems };
  }
  for (const err of doc.errors) {
    const [start, end] = err.pos;
    problems.push({ message: `YAML syntax error: ${firstLine(err.message)}`, range: lineIndex.rangeOf(start, Math.max(end, start)) });
  }
  return { text, lineIndex, doc: problems.length ? undefined : doc, problems };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

export class YamlBudgetError extends Error {
  constructor() {
    super(`the YAML expands to more than ${MAX_YAML_NODES} nodes through aliases (an alias bomb?)`);
  }
}

export interface Budget {
  nodes: number;
}

/** Plain data of a node, aliases expanded, integral floats kept as PyFloat. Throws YamlBudgetError. */
export function toPy(node: unknown, doc: Document, budget: Budget = { nodes: 0 }): PyValue {
  if (++budget.nodes > MAX_YAML_NODES) throw new YamlBudgetError();
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toPy(node.resolve(doc), doc, budget);
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') {
      const src = node.source ?? '';
      return Number.isInteger(v) && /[.eE]|inf|nan/i.test(src) ? new PyFloat(v) : v;
    }
    if (typeof v === 'bigint') return Number(v);
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    return String(v);
  }
  if (isSeq(node)) return node.items.map((x) => toPy(x, doc, budget));
  if (isMap(node)) {
    const out: PyDict = {};
    for (const pair of node.items) {
      const key = toPy(pair.key, doc, budget);
      out[typeof key === 'string' ? key : keyString(key)] = toPy(pair.value, doc, budget);
    }
    return out;
  }
  return null;
}

function keyString(k: PyValue): string {
  if (k === null) return 'null';
  if (k instanceof PyFloat) return String(k.value);
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

export function nodeRange(li: LineIndex, node: Node | null | undefined, fallback?: Range): Range {
  const r = node?.range;
  if (!r) return fallback ?? li.rangeOf(0, 0);
  return li.rangeOf(r[0], r[1]);
}

export function nodeOffsets(node: Node | null | undefined): [number, number] | undefined {
  const r = node?.range;
  return r ? [r[0], r[1]] : undefined;
}
