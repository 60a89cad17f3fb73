import { relativePath } from '../../fs/paths';
import type { Range } from '../../text/lineIndex';
import { packageDirs, packageModules, type StructureContext } from './context';
import type { FunctionSignature } from './functionSignatures';
import { pythonFacts } from './pythonSource';

/** A public function (or method) of the package that lacks annotations. */
export interface IncompleteFunction {
  path: string;
  /** `churn.features.encode`, `churn.model.Model.fit`. */
  qualifiedName: string;
  /** The `def` name. */
  range: Range;
  signature: FunctionSignature;
}

/**
 * How much of the package's public interface is annotated, counted as Pyright's `--verifytypes`
 * counts its completeness score: public symbols, fully annotated ones over all of them.
 */
export interface AnnotationCoverage {
  /** Public functions and methods. The defs of one name in one scope (overloads, a property's getter and setter, a conditional redefinition) are one function. */
  total: number;
  /** Those whose every def annotates every parameter (but `self`/`cls`) and its return. */
  annotated: number;
  /** Each def that lacks an annotation, in file order. */
  incomplete: IncompleteFunction[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isDunder = (name: string) => name.length > 4 && name.startsWith('__') && name.endsWith('__');
/** `_helper`, `_internal`: private by convention. Dunder names (`__init__`, `__call__`) are public. */
const isPrivate = (name: string) => name.startsWith('_') && !isDunder(name);

/**
 * The dotted module of a file under a package's folder, or undefined when it is not public API:
 * a private module or subpackage (`_impl.py`, `_internal/`), `__main__.py` (a program run with
 * `python -m`, not imported), or a folder whose name is not importable.
 */
function publicModule(packageDir: string, path: string): string | undefined {
  const parent = packageDir.slice(0, packageDir.lastIndexOf('/'));
  const parts = relativePath(parent, path).replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.some((p) => !IDENTIFIER.test(p) || isPrivate(p) || p === '__main__')) return undefined;
  return parts.join('.');
}

/**
 * Reads the package's modules (tests, conftest, private modules excluded) and counts their public
 * functions. Undefined when the project has no package. `isExcluded` drops files the configuration
 * excludes, as the engine drops their findings. Linear in the package's source: each file is parsed
 * once (memoized, shared with the other structure rules).
 */
export async function measureAnnotationCoverage(ctx: StructureContext, isExcluded: (path: string) => boolean = () => false): Promise<AnnotationCoverage | undefined> {
  const root = ctx.project.root;
  const packages = packageDirs(root, ctx.files);
  if (!packages.length) return undefined;
  const code = packageModules(root, ctx.files);
  const coverage: AnnotationCoverage = { total: 0, annotated: 0, incomplete: [] };
  for (const packageDir of packages) {
    for (const path of code) {
      if (!path.startsWith(packageDir + '/') || isExcluded(path)) continue;
      const module = publicModule(packageDir, path);
      if (module === undefined) continue;
      const text = await ctx.readText(path);
      if (text === undefined) continue;
      const functions = pythonFacts(text).functions.filter((f) => !f.qualname.split('.').some(isPrivate));
      if (!functions.length) continue;
      const lines = ctx.lineIndexOf(path)!;
      const complete = new Map<string, boolean>();
      for (const f of functions) {
        const ok = !f.missingReturn && !f.unannotatedParameters.length;
        complete.set(f.qualname, (complete.get(f.qualname) ?? true) && ok);
        if (!ok) coverage.incomplete.push({ path, qualifiedName: `${module}.${f.qualname}`, range: lines.rangeOf(f.nameStart, f.nameEnd), signature: f });
      }
      coverage.total += complete.size;
      for (const ok of complete.values()) if (ok) coverage.annotated++;
    }
  }
  return coverage;
}

/** "72%" or "99.5%": floored, so a package is at 100% only when every function is annotated. */
export function formatShare(annotated: number, total: number): string {
  const tenths = Math.floor((1000 * annotated) / total);
  return `${tenths % 10 ? (tenths / 10).toFixed(1) : tenths / 10}%`;
}
