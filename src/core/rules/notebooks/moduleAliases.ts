import type { CellAnalysis, ImportRef } from '../../analysis/cellAnalysis';

/**
 * Which module each imported name stands for (`np` → `numpy`, `seed` → `numpy.random.seed`), so
 * `np.random.seed(0)` and `from numpy.random import seed; seed(0)` are recognised alike.
 *
 * Workaround: `ImportRef` does not carry the bound name (the `as` alias), and `writes` keeps only the
 * first binding of each name, so the alias is read from the import statement's own text between the
 * spans the parser gave us. This is lexical only (identifiers and the `as` keyword inside an import
 * statement already delimited by the parser). Asked of the analysis owner: an `ImportRef.bindings`
 * list of `{ name, asName, start, end }`.
 */
export type ModuleAliases = Map<string, string>;

const IDENTIFIER = /[\p{ID_Start}_][\p{ID_Continue}]*/gu;

export function addModuleAliases(aliases: ModuleAliases, source: string, analysis: CellAnalysis): void {
  const imports = analysis.imports;
  imports.forEach((ref, i) => {
    if (ref.level > 0 || ref.star || !ref.module) return;
    if (ref.names.length === 0) {
      // `import a.b.c [as x], d`: the alias (if any) sits between this module and the next one of the statement.
      const next = imports.slice(i + 1).find((o) => o.start === ref.start && o.moduleStart > ref.moduleStart);
      const tail = source.slice(ref.moduleEnd, next ? next.moduleStart : ref.end);
      const alias = /^\s*as\s+([\p{ID_Start}_][\p{ID_Continue}]*)/u.exec(tail)?.[1];
      if (alias) aliases.set(alias, ref.module);
      else aliases.set(ref.module.split('.')[0]!, ref.module.split('.')[0]!);
      return;
    }
    fromImportBindings(source, ref).forEach(([bound, original]) => aliases.set(bound, `${ref.module}.${original}`));
  });
}

/** `from m import a as b, c` → [[b, a], [c, c]], from the statement text after the module. */
function fromImportBindings(source: string, ref: ImportRef): Array<[string, string]> {
  const text = stripComments(source.slice(ref.moduleEnd, ref.end));
  const words = [...text.matchAll(IDENTIFIER)].map((m) => m[0]);
  const importAt = words.indexOf('import');
  if (importAt < 0) return ref.names.map((n) => [n, n]);
  const out: Array<[string, string]> = [];
  for (let i = importAt + 1; i < words.length; i++) {
    const original = words[i]!;
    if (words[i + 1] === 'as' && words[i + 2]) {
      out.push([words[i + 2]!, original]);
      i += 2;
    } else out.push([original, original]);
  }
  return out;
}

function stripComments(text: string): string {
  return text.replace(/#[^\n]*/g, '');
}

/** `np.random.seed` → `numpy.random.seed` when `np` is an imported module alias; unchanged otherwise. */
export function resolveCallee(aliases: ModuleAliases, callee: string): string {
  const dot = callee.indexOf('.');
  const head = dot < 0 ? callee : callee.slice(0, dot);
  const module = aliases.get(head);
  if (!module) return callee;
  return dot < 0 ? module : module + callee.slice(dot);
}
