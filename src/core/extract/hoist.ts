/**
 * Hoisting: which top-level definitions of the extracted code can move to module level *unchanged*
 * (a `def`, a `class`, a literal constant), keeping their name, qualified name and repr, with the
 * notebook importing them back (`from pkg.mod import Model, helper`).
 *
 * A definition evaluates part of itself when it runs (at import time in the module): decorators,
 * default values, annotations, base classes and the whole class body. The rest (function and method
 * bodies) reads globals when called. In the module both kinds of reads see the module's globals, not the
 * notebook's, so a definition only moves when every name it reads is satisfiable inside the module:
 * a builtin no cell shadows, an import the module can repeat (the same object from `sys.modules`),
 * or another hoisted definition (for import-time reads: one defined above it). And it only moves when
 * nothing else in the notebook binds the same name, so the module's and the notebook's object stay
 * one and the same. Whatever cannot move stays with the rest of the code, where the ordinary
 * extraction rules (and their refusals) apply.
 * Pure: no file access.
 */
import { analyzeCell, isBuiltinName, type CellAnalysis } from '../analysis/cellAnalysis';
import type { Expr, Stmt } from '../python/ast';
import { evidentType, sameImport, withCellSyntax, type CellSyntax, type ImportBinding, type TopLevelStatement } from './pySyntax';

export interface HoistCell {
  codeIndex: number;
  source: string;
  analysis: CellAnalysis;
}

export interface HoistedDefinition {
  statement: TopLevelStatement;
  /** The names it binds (one for def/class, the targets of a constant). */
  names: string[];
  kind: 'function' | 'class' | 'constant';
  /** 0-based first and last line in the selection's source, leading comment lines included. */
  firstLine: number;
  lastLine: number;
  /** The text that moves: its leading comments and the statement, as written. */
  text: string;
}

export interface HoistResult {
  hoisted: HoistedDefinition[];
  /** Imports the hoisted code needs at module level. */
  imports: ImportBinding[];
  /** Why a top-level def/class stayed with the rest of the code (by name), for messages. */
  keptBack: Map<string, string>;
}

const NOTEBOOK_ONLY = new Set(['display', 'get_ipython', '__IPYTHON__', 'In', 'Out', '_', '__', '___', '_i', '_ii', '_iii', '_ih', '_oh', '_dh']);
const MODULE_DUNDERS = new Set(['__name__', '__file__', '__doc__', '__spec__', '__loader__', '__package__', '__builtins__', '__annotations__', '__dict__']);
/** Builtins that look at the global namespace they run in: in a module that is the module's. */
const GLOBAL_NAMESPACE_BUILTINS = new Set(['globals', 'eval', 'exec', 'breakpoint']);

/**
 * Every name a statement's code mentions (Name nodes anywhere in its tree, nested scopes included),
 * read from the syntax tree so strings and comments never count. An explicit stack: trees can nest
 * deeper than the call stack allows.
 */
function namesIn(statement: Stmt): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [statement];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if ((node as { type?: string }).type === 'Name') names.add((node as { id: string }).id);
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  return names;
}

/** Every expression of a constant is a literal, a container of literals, arithmetic on them, or an earlier hoisted constant. */
function isLiteralValue(expr: Expr, constants: Set<string>): boolean {
  switch (expr.type) {
    case 'Constant':
      return true;
    case 'List':
    case 'Tuple':
    case 'Set':
      return expr.elts.every((e) => isLiteralValue(e, constants));
    case 'Dict':
      return expr.keys.every((k) => k !== null && isLiteralValue(k, constants)) && expr.values.every((v) => isLiteralValue(v, constants));
    case 'UnaryOp':
      return isLiteralValue(expr.operand, constants);
    case 'BinOp':
      return isLiteralValue(expr.left, constants) && isLiteralValue(expr.right, constants);
    case 'Name':
      return constants.has(expr.id);
    default:
      return false;
  }
}

/** Immutable values are safe to share whatever the name; a mutable container only when its name says it is a constant. */
function isImmutableValue(expr: Expr): boolean {
  if (expr.type === 'Constant' || expr.type === 'Name') return true;
  if (expr.type === 'Tuple') return expr.elts.every(isImmutableValue);
  if (expr.type === 'UnaryOp') return isImmutableValue(expr.operand);
  if (expr.type === 'BinOp') return isImmutableValue(expr.left) && isImmutableValue(expr.right);
  return false;
}

const isConstantName = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name);

/** A plain `NAME = value` / `NAME: T = value` with literal value: the constant's name, or undefined. */
function constantTarget(node: Stmt): { name: string; value: Expr } | undefined {
  if (node.type === 'Assign' && node.targets.length === 1 && node.targets[0]!.type === 'Name') return { name: node.targets[0]!.id, value: node.value };
  if (node.type === 'AnnAssign' && node.simple && node.target.type === 'Name' && node.value) return { name: node.target.id, value: node.value };
  return undefined;
}

/**
 * The import statement(s) through which `source` binds `name`, when that is the only way it binds
 * it: top-level, absolute, not star. `undefined` when the cell binds it some other way too.
 */
export function importOnlyBindings(source: string, name: string): ImportBinding[] | undefined {
  return withCellSyntax(source, (syntax) => {
    const imports = syntax.statements.filter((s) => s.imports && !s.starImport && !s.futureImport);
    const bindings = imports.flatMap((s) => s.imports!).filter((b) => b.name === name);
    if (!bindings.length || bindings.some((b) => b.module.startsWith('.'))) return undefined;
    let masked = source;
    for (const s of imports) masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
    return analyzeCell(masked).writes.some((w) => w.name === name) ? undefined : bindings;
  });
}

/** The comment lines right above a statement (no blank line between) travel with it. */
function leadingCommentStart(lines: string[], line: number, floor: number): number {
  let first = line;
  while (first - 1 >= floor && lines[first - 1]!.trim().startsWith('#')) first--;
  return first;
}

/**
 * Decides what of `syntax` (the selected cells' code, as one source) can be hoisted. `others` are the
 * notebook's code cells outside the selection, `selectionIndex` the position the selection takes among
 * them (cells before it ran before it).
 */
export function planHoisting(syntax: CellSyntax, others: HoistCell[], selectionIndex: number): HoistResult {
  const source = syntax.source;
  const lines = source.split('\n');
  const keptBack = new Map<string, string>();
  const before = others.filter((c) => c.codeIndex < selectionIndex);
  const statementAnalyses = syntax.statements.map((s) => analyzeCell(s.text));
  const selectionAnalysis = analyzeCell(source);

  // Names some code rebinds through `global`, and builtins some cell shadows: neither can be hoisted or relied upon.
  const globalDeclared = new Set([...others, { analysis: selectionAnalysis }].flatMap((c) => c.analysis.globalDecls.map((g) => g.name)));
  const shadowedBuiltins = new Set([...others.flatMap((c) => c.analysis.writes), ...selectionAnalysis.writes].map((w) => w.name).filter(isBuiltinName));
  const unknowable = others.some((c) => !c.analysis.parsed || c.analysis.imports.some((i) => i.star) || c.analysis.magics.some((m) => /^%\s*run\b/.test(m.text.trim())));
  if (unknowable || selectionAnalysis.imports.some((i) => i.star)) return { hoisted: [], imports: [], keptBack };

  // --- Imports the module can repeat: a name every binder in the notebook binds by the same import.
  const importFor = new Map<string, ImportBinding | null>();
  const moduleImport = (name: string): ImportBinding | undefined => {
    if (importFor.has(name)) return importFor.get(name) ?? undefined;
    let found: ImportBinding | undefined;
    let ok = true;
    const sources = [...others.filter((c) => c.analysis.writes.some((w) => w.name === name) || c.analysis.deletes.some((d) => d.name === name)).map((c) => c.source)];
    if (selectionAnalysis.writes.some((w) => w.name === name) || selectionAnalysis.deletes.some((d) => d.name === name)) sources.push(source);
    for (const s of sources) {
      const bindings = importOnlyBindings(s, name);
      if (!bindings) {
        ok = false;
        break;
      }
      for (const b of bindings) {
        if (found && !sameImport(found, b)) ok = false;
        found ??= b;
      }
    }
    // Bound by an import in a later cell only: the notebook would not have it when the selection runs.
    const bindsBefore = before.some((c) => c.analysis.writes.some((w) => w.name === name)) || selectionAnalysis.writes.some((w) => w.name === name);
    const result = ok && found && bindsBefore ? found : undefined;
    importFor.set(name, result ?? null);
    return result;
  };

  // --- Candidates: top-level def, class and literal constants on lines of their own, bound nowhere else.
  interface Candidate extends HoistedDefinition {
    importReads: string[];
    lateReads: string[];
    index: number;
  }
  const candidates: Candidate[] = [];
  const bindersOf = (name: string) =>
    others.filter((c) => c.analysis.writes.some((w) => w.name === name) || c.analysis.deletes.some((d) => d.name === name)).length +
    statementAnalyses.filter((a) => a.writes.some((w) => w.name === name) || a.deletes.some((d) => d.name === name)).length;
  const constants = new Set<string>();
  syntax.statements.forEach((s, index) => {
    const node = s.node;
    let names: string[];
    let kind: Candidate['kind'];
    if (node.type === 'FunctionDef') {
      names = [node.name.name];
      kind = 'function';
    } else if (node.type === 'ClassDef') {
      names = [node.name.name];
      kind = 'class';
    } else {
      const constant = constantTarget(node);
      if (!constant || !isLiteralValue(constant.value, constants)) return;
      if (!isImmutableValue(constant.value) && !isConstantName(constant.name)) return;
      names = [constant.name];
      kind = 'constant';
    }
    const label = names[0]!;
    // On lines of its own: moving whole lines keeps the rest of the cell intact.
    const lineStart = source.lastIndexOf('\n', s.start - 1) + 1;
    const lineEnd = source.indexOf('\n', s.end);
    const rest = source.slice(s.end, lineEnd < 0 ? undefined : lineEnd).trim();
    if (source.slice(lineStart, s.start).trim() || (rest && !rest.startsWith('#'))) return void keptBack.set(label, 'it shares a line with other code');
    const a = statementAnalyses[index]!;
    if (a.magics.length || a.syntaxErrors.length) return void keptBack.set(label, 'it uses IPython syntax');
    for (const name of names) {
      if (bindersOf(name) !== 1) return void keptBack.set(label, `\`${name}\` is bound elsewhere in the notebook too, so the module's and the notebook's \`${name}\` could differ`);
      if (globalDeclared.has(name)) return void keptBack.set(label, `a function rebinds \`${name}\` with \`global\``);
      if (isBuiltinName(name) || NOTEBOOK_ONLY.has(name)) return void keptBack.set(label, `\`${name}\` shadows a builtin`);
      // Read before it is defined: the original fails there; hoisted it would not.
      if (before.some((c) => c.analysis.reads.some((r) => r.name === name)) || statementAnalyses.slice(0, index).some((p) => p.reads.some((r) => r.name === name))) {
        return void keptBack.set(label, `\`${name}\` is read before this definition runs`);
      }
    }
    if (node.type === 'ClassDef') {
      // The class body runs at import time: only definitions in it, so nothing observable moves earlier.
      const runs = node.body.find((b, i) => !(b.type === 'FunctionDef' || b.type === 'Assign' || b.type === 'AnnAssign' || b.type === 'Pass' || (i === 0 && b.type === 'ExprStmt' && b.value.type === 'Constant')));
      if (runs) return void keptBack.set(label, 'its class body runs statements other than definitions');
    }
    if (a.globalDecls.length) return void keptBack.set(label, `it rebinds the notebook global \`${a.globalDecls[0]!.name}\``);
    const mentioned = namesIn(node);
    if ([...mentioned].some((n) => MODULE_DUNDERS.has(n))) return void keptBack.set(label, 'it reads a module attribute (`__name__`, ...) whose value differs in a module');
    if ([...mentioned].some((n) => GLOBAL_NAMESPACE_BUILTINS.has(n))) return void keptBack.set(label, 'it inspects the global namespace (`globals()`, `eval`, `exec`), which would be the module\'s');
    const shadowed = [...shadowedBuiltins].find((b) => mentioned.has(b));
    if (shadowed) return void keptBack.set(label, `it uses \`${shadowed}\`, which a cell rebinds`);
    const firstLine = leadingCommentStart(lines, s.line, 0);
    if (kind === 'constant') constants.add(names[0]!);
    candidates.push({
      statement: s,
      names,
      kind,
      firstLine,
      lastLine: s.endLine,
      text: lines.slice(firstLine, s.endLine + 1).join('\n'),
      importReads: [...a.reads, ...a.builtinReads].map((r) => r.name),
      lateReads: a.definedFunctions.flatMap((f) => f.readsGlobals),
      index,
    });
  });
  // A comment line belongs to the first statement below it only.
  for (let i = 1; i < candidates.length; i++) {
    const previous = syntax.statements[candidates[i]!.index - 1];
    if (previous && candidates[i]!.firstLine <= previous.endLine) candidates[i]!.firstLine = previous.endLine + 1;
  }

  // --- Fixpoint: drop candidates whose reads the module cannot satisfy, until nothing changes.
  let current = candidates;
  for (;;) {
    const hoistedNames = new Set(current.flatMap((c) => c.names));
    const next: Candidate[] = [];
    const definedAbove = new Set<string>();
    for (const c of current) {
      const unresolved = (name: string, importTime: boolean): boolean => {
        if (c.names.includes(name) && !importTime) return false; // recursion
        if (importTime ? definedAbove.has(name) : hoistedNames.has(name)) return false;
        if (NOTEBOOK_ONLY.has(name)) return true;
        if (isBuiltinName(name)) return shadowedBuiltins.has(name);
        return moduleImport(name) === undefined;
      };
      const badNow = c.importReads.find((n) => unresolved(n, true));
      const badLater = badNow ? undefined : c.lateReads.find((n) => unresolved(n, false));
      if (badNow || badLater) {
        const name = (badNow ?? badLater)!;
        keptBack.set(
          c.names[0]!,
          badNow
            ? `it reads \`${name}\` when it is defined (a decorator, default, annotation, base or class body), and the module cannot provide \`${name}\` without the notebook`
            : `its body reads the notebook global \`${name}\` when called, which the module cannot provide`,
        );
        continue;
      }
      next.push(c);
      for (const n of c.names) definedAbove.add(n);
    }
    if (next.length === current.length) break;
    current = next;
  }

  const hoistedNames = new Set(current.flatMap((c) => c.names));
  const imports: ImportBinding[] = [];
  for (const c of current) {
    for (const name of [...c.importReads, ...c.lateReads]) {
      if (hoistedNames.has(name) || isBuiltinName(name)) continue;
      const binding = moduleImport(name);
      if (binding && !imports.some((b) => sameImport(b, binding))) imports.push(binding);
    }
  }
  // A variable that merely looks like a constant (`total = 0`, then `total += x`) is not news: only
  // functions and classes that stayed back are worth a reason.
  for (const s of syntax.statements) {
    const node = s.node;
    if (node.type !== 'FunctionDef' && node.type !== 'ClassDef') {
      const constant = constantTarget(node);
      if (constant) keptBack.delete(constant.name);
    }
  }
  return {
    hoisted: current.map(({ statement, names, kind, firstLine, lastLine }) => ({
      statement,
      names,
      kind,
      firstLine,
      lastLine,
      text: lines.slice(firstLine, lastLine + 1).join('\n'),
    })),
    imports,
    keptBack,
  };
}

/** The source with the hoisted definitions' lines removed (and runs of blank lines they leave squeezed). */
export function withoutHoisted(source: string, hoisted: HoistedDefinition[], linesInsideStrings: Set<number>): string {
  return withoutHoistedRows(source, hoisted, linesInsideStrings).text;
}

/** As `withoutHoisted`, with the source row each remaining line came from (for messages that cite lines). */
export function withoutHoistedRows(source: string, hoisted: HoistedDefinition[], linesInsideStrings: Set<number>): { text: string; rows: number[] } {
  const lines = source.split('\n');
  const drop = new Set<number>();
  for (const h of hoisted) for (let row = h.firstLine; row <= h.lastLine; row++) drop.add(row);
  const kept: Array<{ line: string; row: number }> = [];
  lines.forEach((line, row) => {
    if (drop.has(row)) return;
    if (!line.trim() && !linesInsideStrings.has(row) && kept.length && !kept[kept.length - 1]!.line.trim()) return;
    kept.push({ line, row });
  });
  while (kept.length && !kept[0]!.line.trim()) kept.shift();
  while (kept.length && !kept[kept.length - 1]!.line.trim()) kept.pop();
  return { text: kept.map((k) => k.line).join('\n'), rows: kept.map((k) => k.row) };
}

/** Annotation of a literal the value's type is plain from: `7` int, `0.5` float, `"x"` str, `True` bool. */
function literalType(value: Expr): string | undefined {
  // Only plain literals (a constant, or a signed number): evidentType's other cases (calls, containers)
  // would annotate what the hoisted constant's users may rebind to another shape.
  const literal = value.type === 'Constant' || (value.type === 'UnaryOp' && (value.op === '-' || value.op === '+'));
  return literal ? evidentType(value, () => undefined, () => true)?.annotation : undefined;
}

/** A function whose own body never returns a value nor yields (nested functions and classes aside). */
function returnsNothing(body: Stmt[]): boolean {
  const stack: unknown[] = [...body];
  while (stack.length) {
    const node = stack.pop() as { type?: string; value?: unknown } | null;
    if (typeof node !== 'object' || node === null) continue;
    if (node.type === 'FunctionDef' || node.type === 'ClassDef' || node.type === 'Lambda') continue;
    if (node.type === 'Yield' || node.type === 'YieldFrom') return false;
    if (node.type === 'Return') {
      const value = node.value as { type?: string; kind?: string } | null;
      if (value && !(value.type === 'Constant' && value.kind === 'None')) return false;
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null) stack.push(...(Array.isArray(value) ? value : [value]));
    }
  }
  return true;
}

/**
 * Where ` -> None` goes: right after the `)` that closes the parameter list (found by skipping what may
 * follow the last parameter: spaces, commas, `/`, comments), when a `:` follows. Undefined when unsure.
 */
function afterParameters(source: string, node: Extract<Stmt, { type: 'FunctionDef' }>): number | undefined {
  const a = node.args;
  const parts: Array<{ end: number }> = [...a.posonlyargs, ...a.args, ...a.kwonlyargs, ...a.defaults, ...a.kwDefaults.filter((d): d is Expr => d !== null)];
  if (a.vararg) parts.push(a.vararg);
  if (a.kwarg) parts.push(a.kwarg);
  for (const arg of [...a.posonlyargs, ...a.args, ...a.kwonlyargs, a.vararg, a.kwarg]) if (arg?.annotation) parts.push(arg.annotation);
  let i = parts.length ? Math.max(...parts.map((p) => p.end)) : source.indexOf('(', node.name.end);
  if (i < 0) return undefined;
  if (!parts.length) i++; // past `(`
  for (; i < node.end; i++) {
    const c = source[i]!;
    if (c === '#') {
      const eol = source.indexOf('\n', i);
      if (eol < 0) return undefined;
      i = eol;
    } else if (c === ')') break;
    else if (!/[\s,/\\*]/.test(c)) return undefined;
  }
  if (source[i] !== ')') return undefined;
  const colon = /^[ \t]*:/.exec(source.slice(i + 1));
  return colon ? i + 1 : undefined;
}

/**
 * The definition's text with annotations where they are evident, as the extract plan annotates:
 * a constant bound to a plain literal (`THRESHOLD: float = 0.5`), and ` -> None` on a plain function
 * that never returns a value nor yields. Nothing else changes (same name, same value); a definition
 * already annotated, decorated, async or generic is left as written.
 */
export function withEvidentAnnotations(h: HoistedDefinition, source: string): string {
  const node = h.statement.node;
  const inserts: Array<{ at: number; text: string }> = [];
  if (h.kind === 'constant' && node.type === 'Assign' && node.targets.length === 1 && node.targets[0]!.type === 'Name') {
    const type = literalType(node.value);
    if (type) inserts.push({ at: node.targets[0]!.end, text: `: ${type}` });
  } else if (node.type === 'FunctionDef' && !node.returns && !node.decorators.length && !node.isAsync && !node.typeParams.length && returnsNothing(node.body)) {
    const at = afterParameters(source, node);
    if (at !== undefined) inserts.push({ at, text: ' -> None' });
  }
  if (!inserts.length) return h.text;
  // Offsets are the source's; the text starts at the first leading comment line.
  const textStart = source.split('\n').slice(0, h.firstLine).reduce((n, line) => n + line.length + 1, 0);
  let text = h.text;
  for (const ins of inserts.sort((x, y) => y.at - x.at)) {
    const at = ins.at - textStart;
    if (at < 0 || at > text.length) return h.text;
    text = text.slice(0, at) + ins.text + text.slice(at);
  }
  return text;
}
