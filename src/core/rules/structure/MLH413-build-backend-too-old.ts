import type { Fix } from '../../diagnostics';
import { satisfies } from '../../python/pep440';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { LineIndex } from '../../text/lineIndex';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { isTable, table } from './packaging';

/** A build backend version the project's metadata needs, and the newest version that lacks it. */
interface Need {
  minimum: string;
  /** The last release before `minimum`: if the specifier admits it, the build can get a backend that fails. */
  lastBefore: string;
  why: string;
}

/**
 * Only requirements whose breaking point is certain: setuptools reads `[project]` from 61.0.0 on
 * (older releases ignore it and build `UNKNOWN-0.0.0`), and accepts a PEP 639 license expression
 * (`license = "MIT"`, `license-files`) from 77.0.0 on; poetry-core reads `[project]` from 2.0.0 on.
 */
function needOf(name: string, ctx: StructureContext): Need | undefined {
  const pyproject = ctx.pyproject!;
  if (!isTable(pyproject.toml.get(['project']))) return undefined;
  if (name === 'setuptools') {
    const pep639 = typeof pyproject.toml.get(['project', 'license']) === 'string' || pyproject.toml.get(['project', 'license-files']) !== undefined;
    return pep639
      ? { minimum: '77', lastBefore: '76.1.0', why: 'a PEP 639 license expression needs setuptools 77' }
      : { minimum: '61', lastBefore: '60.10.0', why: 'setuptools reads `[project]` only from 61 on; older releases build a package named UNKNOWN 0.0.0' };
  }
  if (name === 'flit-core') {
    // flit_core read only [tool.flit.metadata] before 3.2.
    if (table(pyproject, ['tool', 'flit', 'metadata'])) return undefined;
    return { minimum: '3.2', lastBefore: '3.1', why: 'flit_core reads `[project]` only from 3.2 on' };
  }
  if (name === 'poetry-core') {
    // With `[tool.poetry]` name and version, poetry-core 1.x builds from there; without them it needs 2.0.
    const poetry = table(pyproject, ['tool', 'poetry']);
    if (poetry && typeof poetry['name'] === 'string') return undefined;
    return { minimum: '2.0', lastBefore: '1.9.1', why: 'poetry-core reads `[project]` only from 2.0 on' };
  }
  return undefined;
}

export const buildBackendTooOld: RuleDefinition<StructureContext> = {
  code: 'MLH413',
  name: 'build-backend-too-old',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A `[build-system] requires` entry that admits a backend too old for the project\'s own metadata: `setuptools` without a lower bound of 61 while `[project]` holds the metadata (77 with a PEP 639 `license = "MIT"` string or `license-files`), `poetry-core` below 2.0 when the metadata is only in `[project]`, or `flit_core` below 3.2 (the first to read `[project]`). hatchling and pdm-backend have read `[project]` from their first releases. Reported on the requirement.',
    why: 'The build requirement is what a build installs when the environment is constrained (`--no-build-isolation`, an offline mirror, a pinned constraints file, an old base image). setuptools before 61 ignores `[project]` and silently builds `UNKNOWN-0.0.0` with no dependencies; the container then starts without its packages.',
    example: '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "churn"\nversion = "1.2.0"',
    exampleLanguage: 'toml',
    fix: '**Add a lower bound** turns a bare `setuptools` into `setuptools>=61` (or `>=77`, `poetry-core>=2.0`). A requirement that already has specifiers is left for you to edit.',
  },
  check(ctx, report) {
    const pyproject = ctx.pyproject;
    if (!pyproject?.toml.ast) return;
    const li = ctx.lineIndexOf(pyproject.path)!;
    for (const req of pyproject.requirements) {
      if (req.groupKind !== 'build' || !req.parsed.ok || req.parsed.requirement.url !== undefined) continue;
      const parsed = req.parsed.requirement;
      const need = needOf(parsed.normalizedName, ctx);
      if (!need) continue;
      const spec = parsed.specifiers.map((c) => `${c.operator}${c.version}`).join(',');
      if (spec && !satisfies(need.lastBefore, spec)) continue;
      report({
        path: pyproject.path,
        range: li.rangeOf(req.start, req.end),
        message: `\`${req.raw}\` admits ${parsed.name} older than ${need.minimum}, and ${need.why}: require \`${parsed.name}>=${need.minimum}\`.`,
        ...(spec ? {} : { fixes: [lowerBoundFix(req, li, parsed.name, need.minimum)] }),
      });
    }
  },
};

function lowerBoundFix(req: DeclaredRequirement, li: LineIndex, name: string, minimum: string): Fix {
  const at = li.positionAt(req.toFileOffset(req.parsed.ok ? req.parsed.requirement.insertSpecifierAt : req.raw.length));
  return {
    title: `Require ${name}>=${minimum}`,
    isPreferred: true,
    edit: { operations: [{ kind: 'edit', path: req.path, edits: [{ range: { start: at, end: at }, newText: `>=${minimum}` }] }] },
  };
}
