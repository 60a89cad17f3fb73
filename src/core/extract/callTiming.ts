/**
 * When code runs, read from the syntax tree: facts that let extraction accept cells it would otherwise
 * refuse, without changing what they do.
 * - A lambda handed straight to an eager builtin (`sorted(xs, key=lambda ...)`,
 *   `list(filter(lambda ...))`) is called only while its statement runs and is unreachable afterwards:
 *   it reads its globals at the same moment a closure over the function's locals would, so a later
 *   cell rebinding them cannot tell the difference.
 * - A function that rebinds a notebook global (`global counter`) and is only ever called by name at a
 *   cell's top level runs only in the cells that call it: a cell that never names it cannot make it run.
 * Everything conservative: any other shape (a lambda stored, passed to an unknown function, returned; a
 * function passed as a value, called from another function, a generator or a decorator) is "cannot tell".
 * Pure: no file access.
 */
import { parseModule } from '../python/parser';
import { memoizeByText } from '../text/memo';

interface AnyNode {
  type?: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** Nodes whose contents run later than the statement around them, if at all. */
const DEFERRED = new Set(['FunctionDef', 'ClassDef', 'Lambda', 'GeneratorExp']);
/** Builtins that call a `key=` function only while they run. */
const KEY_CALLERS = new Set(['sorted', 'min', 'max']);
/** Builtins returning a lazy iterator that holds the function they were given. */
const LAZY_MAPPERS = new Set(['map', 'filter']);
/** Builtins that consume their first argument entirely (or drop it) before returning. */
const EAGER_CONSUMERS = new Set(['list', 'tuple', 'set', 'frozenset', 'dict', 'sorted', 'sum', 'min', 'max', 'any', 'all']);

interface Tree {
  nodes: AnyNode[];
  parent: Map<AnyNode, AnyNode>;
  ok: boolean;
}

/**
 * Every node of the module with its parent (arrays are looked through). An explicit stack: trees nest
 * deep. Memoized by text: a plan asks about the same cells once per name and per writer.
 */
const treeOf = memoizeByText(buildTree, 256);

function buildTree(source: string): Tree {
  const module = parseModule(source);
  const nodes: AnyNode[] = [];
  const parent = new Map<AnyNode, AnyNode>();
  const stack: AnyNode[] = [...(module.body as unknown as AnyNode[])];
  while (stack.length) {
    const node = stack.pop()!;
    nodes.push(node);
    for (const key in node) {
      const value = node[key];
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (typeof child !== 'object' || child === null || typeof (child as AnyNode).start !== 'number') continue;
        parent.set(child as AnyNode, node);
        stack.push(child as AnyNode);
      }
    }
  }
  return { nodes, parent, ok: module.errors.length === 0 };
}

function insideDeferred(tree: Tree, node: AnyNode): boolean {
  for (let p = tree.parent.get(node); p; p = tree.parent.get(p)) if (p.type && DEFERRED.has(p.type)) return true;
  return false;
}

function containsDeferred(tree: Tree, root: AnyNode): boolean {
  return tree.nodes.some((n) => n !== root && n.type !== undefined && DEFERRED.has(n.type) && n.start >= root.start && n.end <= root.end);
}

const calleeName = (call: AnyNode): string | undefined => {
  const func = call.func as AnyNode | undefined;
  return call.type === 'Call' && func?.type === 'Name' ? (func.id as string) : undefined;
};

/**
 * Start offsets of the lambdas in `source` that are called only while their statement runs (see the
 * file comment). `shadowed(name)` tells whether some cell rebinds a builtin, which then is not one.
 */
export function lambdasCalledOnlyWhileRunning(source: string, shadowed: (builtin: string) => boolean): Set<number> {
  const out = new Set<number>();
  const tree = treeOf(source);
  if (!tree.ok) return out;
  const builtin = (call: AnyNode | undefined, names: Set<string>): boolean => {
    const name = call ? calleeName(call) : undefined;
    return name !== undefined && names.has(name) && !shadowed(name);
  };
  for (const lambda of tree.nodes) {
    if (lambda.type !== 'Lambda' || insideDeferred(tree, lambda) || containsDeferred(tree, lambda)) continue;
    const parent = tree.parent.get(lambda);
    if (!parent) continue;
    // `sorted(xs, key=lambda ...)`: a keyword's node has no type of its own.
    if (parent.type === undefined && parent.value === lambda) {
      const call = tree.parent.get(parent);
      if ((parent.arg as { name?: string } | null)?.name === 'key' && builtin(call, KEY_CALLERS)) out.add(lambda.start);
      continue;
    }
    // `list(filter(lambda ...))`, `for x in map(lambda ...):`, `[y for y in map(lambda ...)]`.
    if (!builtin(parent, LAZY_MAPPERS) || (parent.args as AnyNode[])[0] !== lambda) continue;
    const consumer = tree.parent.get(parent);
    if (!consumer) continue;
    const consumed =
      (builtin(consumer, EAGER_CONSUMERS) && (consumer.args as AnyNode[])[0] === parent) ||
      (consumer.type === 'For' && consumer.iter === parent) ||
      (consumer.type === undefined && consumer.iter === parent && ['ListComp', 'SetComp', 'DictComp'].includes(tree.parent.get(consumer)?.type ?? ''));
    if (consumed) out.add(lambda.start);
  }
  return out;
}

/**
 * True when every mention of `name` in `source` is a direct call `name(...)` at the cell's top level
 * (not inside a function, class, lambda or generator, not a decorator, not passed or stored as a value).
 */
export function onlyCalledDirectly(source: string, name: string): boolean {
  const tree = treeOf(source);
  if (!tree.ok) return false;
  for (const node of tree.nodes) {
    if (node.type !== 'Name' || node.id !== name) continue;
    const parent = tree.parent.get(node);
    if (!parent || parent.type !== 'Call' || parent.func !== node || insideDeferred(tree, parent)) return false;
  }
  return true;
}

/** True when `source` mentions `name` at all (as a Name node: strings and comments do not count). */
export function mentionsName(source: string, name: string): boolean {
  const tree = treeOf(source);
  return !tree.ok || tree.nodes.some((n) => n.type === 'Name' && n.id === name);
}

/**
 * The top-level functions of `source` whose own body declares `global name`, or undefined when some
 * `global name` sits anywhere else (a method, a nested function, the module level): then it cannot
 * be told which code rebinds the global.
 */
export function topLevelGlobalWriters(source: string, name: string): string[] | undefined {
  const tree = treeOf(source);
  if (!tree.ok) return undefined;
  const writers: string[] = [];
  for (const node of tree.nodes) {
    if (node.type !== 'Global' || !(node.names as Array<{ name: string }>).some((n) => n.name === name)) continue;
    let owner: AnyNode | undefined;
    for (let p = tree.parent.get(node); p; p = tree.parent.get(p)) {
      if (p.type && (DEFERRED.has(p.type))) {
        owner = p;
        break;
      }
    }
    if (!owner || owner.type !== 'FunctionDef' || tree.parent.has(owner)) return undefined;
    writers.push((owner.name as { name: string }).name);
  }
  return writers;
}

/**
 * Generator expressions whose value may outlive their statement (stored in a name, returned, handed to
 * a function that may keep it): their body runs when the generator is consumed, maybe in a later
 * cell, and reads the globals of that moment, exactly like a function body. Each comes with the names
 * its body reads (the first iterable is evaluated at once and is not among them; names its own `for`
 * clauses bind are not either). A generator consumed on the spot (`sum(x for x in xs)`,
 * `", ".join(...)`, `for v in (...)`, `functools.reduce(f, (...))`) runs with its statement and is not listed.
 */
export function generatorsOutlivingStatement(source: string, shadowed: (builtin: string) => boolean): Array<{ start: number; reads: string[] }> {
  const tree = treeOf(source);
  if (!tree.ok) return [];
  const out: Array<{ start: number; reads: string[] }> = [];
  const within = (outer: AnyNode, n: AnyNode) => n.start >= outer.start && n.end <= outer.end;
  for (const gen of tree.nodes) {
    if (gen.type !== 'GeneratorExp' || insideDeferred(tree, gen)) continue;
    const parent = tree.parent.get(gen);
    const func = parent?.type === 'Call' ? (parent.func as AnyNode) : undefined;
    const args = parent?.type === 'Call' ? (parent.args as AnyNode[]) : [];
    const consumed =
      (parent && builtinCall(parent, EAGER_CONSUMERS, shadowed) && args[0] === gen) ||
      (func?.type === 'Attribute' && (func.attr as { name: string }).name === 'join' && (func.value as AnyNode).type === 'Constant' && args[0] === gen) ||
      (func?.type === 'Attribute' && (func.attr as { name: string }).name === 'reduce' && (func.value as AnyNode).type === 'Name' && (func.value as AnyNode).id === 'functools' && args[1] === gen) ||
      (parent?.type === 'For' && parent.iter === gen) ||
      (parent?.type === undefined && parent?.iter === gen && ['ListComp', 'SetComp', 'DictComp'].includes(tree.parent.get(parent)?.type ?? ''));
    if (consumed) continue;
    const firstIter = (gen.generators as AnyNode[])[0]?.iter as AnyNode | undefined;
    const bound = new Set<string>();
    const reads = new Set<string>();
    for (const n of tree.nodes) {
      if (n.type !== 'Name' || !within(gen, n) || (firstIter && within(firstIter, n))) continue;
      if (n.ctx === 'Store') bound.add(n.id as string);
      else reads.add(n.id as string);
    }
    out.push({ start: gen.start, reads: [...reads].filter((r) => !bound.has(r)) });
  }
  return out;
}

function builtinCall(call: AnyNode, names: Set<string>, shadowed: (builtin: string) => boolean): boolean {
  const name = calleeName(call);
  return name !== undefined && names.has(name) && !shadowed(name);
}
