import type { Fix } from '../../diagnostics';
import type { RuleDefinition } from '../rule';
import { measureAnnotationCoverage, type IncompleteFunction } from './annotationCoverage';
import type { StructureContext } from './context';

const quote = (names: string[]) => names.map((n) => `\`${n}\``);

function listed(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function messageOf(f: IncompleteFunction): string {
  const params = f.signature.unannotatedParameters;
  const shown = params.length > 6 ? [...quote(params.slice(0, 5)), `${params.length - 5} more parameters`] : quote(params);
  const what = !params.length
    ? 'a return annotation'
    : f.signature.missingReturn
      ? `annotations on ${listed([...shown, 'its return type'])}`
      : `${params.length === 1 ? 'an annotation' : 'annotations'} on ${listed(shown)}`;
  const hint = f.signature.noneReturnAt !== undefined ? ' It returns nothing: `-> None`.' : '';
  return `\`${f.qualifiedName}\` lacks ${what}, so type checkers cannot fully check it or its callers.${hint}`;
}

function noneReturnFix(ctx: StructureContext, f: IncompleteFunction): Fix | undefined {
  const at = f.signature.noneReturnAt;
  const lines = ctx.lineIndexOf(f.path);
  if (at === undefined || !lines) return undefined;
  const pos = lines.positionAt(at);
  const name = f.qualifiedName.slice(f.qualifiedName.lastIndexOf('.') + 1);
  return {
    title: `Annotate \`${name}\` with \`-> None\``,
    // The parameters still need annotations by hand; the return type alone is not the whole fix.
    isPreferred: f.signature.unannotatedParameters.length === 0,
    edit: { operations: [{ kind: 'edit', path: f.path, edits: [{ range: { start: pos, end: pos }, newText: ' -> None' }] }] },
  };
}

export const missingAnnotations: RuleDefinition<StructureContext> = {
  code: 'MLH422',
  name: 'missing-annotations',
  pillar: 'types',
  defaultSeverity: 'hint',
  docs: {
    detects:
      'A public function or method of the project\'s package (`src/<pkg>/` or `<pkg>/`) with a parameter or its return type unannotated. One hint per `def`, on its name. Public means no part of the dotted name starts with `_` (dunder methods such as `__init__` and `__call__` are public); functions nested inside functions, lambdas, tests, `conftest.py`, `__main__.py`, private modules and notebooks are not counted. `self` and `cls` need no annotation (a `@staticmethod` has neither); `__init__` may omit `-> None` once another parameter is annotated, as mypy and Pyright infer it. For `@overload`ed functions the overloads are checked and the implementation is not; a property\'s getter, setter and deleter count as one function, as do conditional redefinitions of a name. The readiness score\'s type-safety pillar counts the share of fully annotated public functions, the completeness score of Pyright\'s `--verifytypes`. A `# ml-hygiene: ignore[MLH422]` comment hides a hint but does not change that share; `[tool.ml-hygiene] exclude` removes files from both.',
    why: 'A type checker checks only what is annotated: a call to an unannotated function is accepted whatever it passes, and its result is `Any`, so a DataFrame where a path was expected, or a `None` from a failed load, travels on unchecked into training. Annotating the package\'s public functions is what makes `mypy`/`pyright` in CI mean something, and it documents the interface for the people calling it.',
    example: '# src/churn/features.py\ndef encode(df, columns):\n    ...\n\ndef log_metrics(metrics: dict[str, float]):\n    for name, value in metrics.items():\n        print(name, value)',
    exampleLanguage: 'python',
    fix: 'Annotate the parameters and the return type. When the function evidently returns nothing (no `return` with a value, no `yield`, not a stub, not abstract, not ending in `raise`), **Annotate with `-> None`** inserts the return annotation after the parameter list; other annotations need a person who knows the types.',
  },
  async check(ctx, report) {
    const coverage = await measureAnnotationCoverage(ctx);
    if (!coverage) return;
    for (const f of coverage.incomplete) {
      const fix = noneReturnFix(ctx, f);
      report({ path: f.path, range: f.range, message: messageOf(f), ...(fix ? { fixes: [fix] } : {}) });
    }
  },
};
