import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
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

/** Why aliases could not be expanded, and where: the alias or node at which expansion stopped. */
export class YamlBudgetError extends Error {
  constructor(
    message: string,
    readonly at?: [start: number, end: number],
  ) {
    super(message);
  }

  /** The offending node's range, or `fallback` when the error has no position. */
  rangeIn(li: LineIndex, fallback: Range): Range {
    return this.at ? li.rangeOf(this.at[0], this.at[1]) : fallback;
  }
}

export interface Budget {
  nodes: number;
}

const MAX_DEPTH = 1000;

/**
 * Anchors by name with their offsets, built once per document: `Alias.resolve()` re-walks the whole
 * document on every call, which an alias-heavy file turns into quadratic work.
 */
const anchorIndex = new WeakMap<Document, Map<string, Node[]>>();

function anchorsOf(doc: Document): Map<string, Node[]> {
  let index = anchorIndex.get(doc);
  if (index) return index;
  index = new Map();
  const found = index;
  visit(doc, {
    Node(_key, node) {
      const anchor = (node as Node & { anchor?: string }).anchor;
      if (anchor) found.set(anchor, [...(found.get(anchor) ?? []), node as Node]);
    },
  });
  anchorIndex.set(doc, index);
  return index;
}

/** Plain data of a node, aliases expanded, integral floats kept as PyFloat. Throws YamlBudgetError. */
export function toPy(node: unknown, doc: Document, budget: Budget = { nodes: 0 }): PyValue {
  const active = new Set<unknown>();
  const convert = (n: unknown, depth: number): PyValue => {
    if (++budget.nodes > MAX_YAML_NODES) throw new YamlBudgetError(`the YAML expands to more than ${MAX_YAML_NODES} nodes through aliases (an alias bomb?)`, spanOf(n));
    if (depth > MAX_DEPTH) throw new YamlBudgetError(`the YAML nests deeper than ${MAX_DEPTH} levels`, spanOf(n));
    if (n === null || n === undefined) return null;
    if (isAlias(n)) {
      // The most recent anchor of that name defined before the alias.
      const aliasStart = n.range?.[0] ?? Infinity;
      const target = (anchorsOf(doc).get(n.source) ?? []).filter((t) => (t.range?.[0] ?? 0) < aliasStart).pop();
      if (!target) throw new YamlBudgetError(`alias *${n.source} has no anchor before it`, spanOf(n));
      if (active.has(target)) throw new YamlBudgetError(`alias *${n.source} refers to a node that contains it`, spanOf(n));
      return convert(target, depth + 1);
    }
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'number') {
        const src = n.source ?? '';
        return Number.isInteger(v) && /[.eE]|inf|nan/i.test(src) ? new PyFloat(v) : v;
      }
      if (typeof v === 'bigint') return Number(v);
      if (v === null || v === undefined) return null;
      if (typeof v === 'boolean' || typeof v === 'string') return v;
      return String(v);
    }
    active.add(n);
    try {
      if (isSeq(n)) return n.items.map((x) => convert(x, depth + 1));
      if (isMap(n)) {
        const out: PyDict = {};
        for (const pair of n.items) {
          const key = convert(pair.key, depth + 1);
          out[typeof key === 'string' ? key : keyString(key)] = convert(pair.value, depth + 1);
        }
        return out;
      }
      return null;
    } finally {
      active.delete(n);
    }
  };
  return convert(node, 0);
}

function spanOf(n: unknown): [number, number] | undefined {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
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

