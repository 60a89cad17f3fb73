import type { EditOperation, TextEdit } from '../../diagnostics';
import { basename, dirname, joinPath } from '../../fs/paths';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { RuleDefinition } from '../rule';
import { isDevRequirementsFile, type DependencyContext } from './context';
import { parsedOf, spanRange } from './shared';

/** Tools for developing, testing and exploring, never needed to run the trained model or pipeline. */
const DEV_TOOLS = new Set([
  'pytest', 'pytest-cov', 'pytest-xdist', 'pytest-mock', 'pytest-asyncio', 'coverage', 'hypothesis', 'tox', 'nox',
  'ruff', 'black', 'flake8', 'pylint', 'isort', 'autopep8', 'yapf', 'pycodestyle', 'pydocstyle', 'bandit', 'codespell',
  'mypy', 'pyright', 'basedpyright', 'pytype', 'pre-commit', 'nbstripout', 'nbqa',
  'jupyter', 'jupyterlab', 'notebook', 'ipykernel', 'nbconvert', 'jupyter-client', 'jupyter-core', 'voila',
  'sphinx', 'mkdocs', 'mkdocs-material',
]);

export function isDevTool(normalizedName: string): boolean {
  return DEV_TOOLS.has(normalizedName) || normalizedName.startsWith('types-') || normalizedName.endsWith('-stubs') || normalizedName.startsWith('pytest-') || normalizedName.startsWith('flake8-');
}

/** Removes the element from `[project].dependencies` and appends it to `[dependency-groups].dev`, as one edit. */
function moveToDevGroupEdits(ctx: DependencyContext, req: DeclaredRequirement): TextEdit[] | undefined {
  const py = ctx.pyproject;
  const li = ctx.lineIndexOf(req.path);
  if (!py || !li) return undefined;
  const text = py.toml.text;
  const depsEntry = py.toml.find(['project', 'dependencies']);
  if (!depsEntry || depsEntry.value.type !== 'TOMLArray') return undefined;
  const elements = depsEntry.value.elements;
  const index = elements.findIndex((e) => e.range[0] < req.start && e.range[1] > req.end);
  const element = elements[index];
  if (!element) return undefined;
  const literal = text.slice(element.range[0], element.range[1]);

  // Delete the element: with its line when it stands alone there, else with one separator.
  let delStart = element.range[0];
  let delEnd = element.range[1];
  const afterComma = /^[ \t]*,[ \t]*/.exec(text.slice(delEnd));
  if (afterComma) delEnd += afterComma[0].length;
  else if (index > 0) delStart = elements[index - 1]!.range[1];
  const sLine = li.positionAt(delStart).line;
  const eLine = li.positionAt(delEnd).line;
  const edits: TextEdit[] = [];
  if (/^[ \t]*$/.test(text.slice(li.lineStart(sLine), delStart)) && /^[ \t]*(#.*)?$/.test(text.slice(delEnd, li.lineEnd(eLine)))) {
    edits.push({ range: { start: { line: sLine, character: 0 }, end: { line: eLine + 1, character: 0 } }, newText: '' });
  } else {
    edits.push({ range: li.rangeOf(delStart, delEnd), newText: '' });
  }

  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const devEntry = py.toml.find(['dependency-groups', 'dev']);
  if (devEntry && devEntry.value.type === 'TOMLArray') {
    const arr = devEntry.value;
    const last = arr.elements[arr.elements.length - 1];
    if (!last) {
      const at = arr.range[0] + 1;
      edits.push({ range: li.rangeOf(at, at), newText: literal });
    } else {
      let at = last.range[1];
      const trailing = /^[ \t]*,/.exec(text.slice(at));
      const multiline = li.positionAt(arr.range[1]).line > li.positionAt(last.range[1]).line;
      if (multiline) {
        const lastLine = li.positionAt(last.range[0]).line;
        const indent = /^[ \t]*/.exec(li.lineText(lastLine))![0];
        if (trailing) at += trailing[0].length;
        edits.push({ range: li.rangeOf(at, at), newText: `${trailing ? '' : ','}${nl}${indent}${literal}${trailing ? ',' : ''}` });
      } else {
        edits.push({ range: li.rangeOf(at, at), newText: `, ${literal}` });
      }
    }
  } else if (py.toml.tableHeader(['dependency-groups'])) {
    const table = py.toml.tableHeader(['dependency-groups'])!;
    const at = li.lineEnd(li.positionAt(table.range[1]).line);
    edits.push({ range: li.rangeOf(at, at), newText: `${nl}dev = [${literal}]` });
  } else {
    const at = text.length;
    const lead = text.endsWith('\n') ? '' : nl;
    edits.push({ range: li.rangeOf(at, at), newText: `${lead}${nl}[dependency-groups]${nl}dev = [${literal}]${nl}` });
  }
  return edits;
}

/**
 * Whether the requirements files are where the project declares what it runs with: no static
 * `[project].dependencies` and no Poetry dependencies. When a pyproject lists the runtime
 * dependencies, a requirements.txt next to it is often a full development environment.
 */
function requirementsAreTheRuntimeManifest(ctx: DependencyContext): boolean {
  const data = ctx.pyproject?.toml.data;
  if (!data) return true;
  const project = data['project'] as Record<string, unknown> | undefined;
  if (project && typeof project === 'object' && Array.isArray(project['dependencies'])) return false;
  return !ctx.allRequirements.some((r) => r.group === 'tool.poetry.dependencies');
}

/**
 * Moves a requirements line to the dev requirements file beside it (requirements-dev.txt, or the
 * first dev file there), or to a new requirements-dev.txt that includes the runtime file. Offered
 * only for a requirement alone on one line (a hashed, continued line is pip-compile output).
 */
function moveToDevRequirementsOperations(ctx: DependencyContext, req: DeclaredRequirement): EditOperation[] | undefined {
  const text = ctx.textOf(req.path);
  const li = ctx.lineIndexOf(req.path);
  if (text === undefined || !li) return undefined;
  const line = li.positionAt(req.start).line;
  if (li.positionAt(req.end).line !== line) return undefined;
  const lineText = li.lineText(line);
  if (/\\\s*$/.test(lineText) || !/^[ \t]*$/.test(text.slice(li.lineStart(line), req.start))) return undefined;
  const moved = lineText.trim();
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const deletion: TextEdit = line + 1 < li.lineCount
    ? { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' }
    : { range: li.rangeOf(line > 0 ? li.lineEnd(line - 1) : 0, text.length), newText: '' };
  const dir = dirname(req.path);
  const devFiles = ctx.requirementsFiles.filter((f) => dirname(f.path) === dir && isDevRequirementsFile(f.path));
  const target = devFiles.find((f) => /^requirements[-_]dev\.txt$/i.test(basename(f.path))) ?? devFiles[0];
  const ops: EditOperation[] = [{ kind: 'edit', path: req.path, edits: [deletion] }];
  if (target) {
    const tli = ctx.lineIndexOf(target.path);
    if (!tli) return undefined;
    const tnl = target.text.includes('\r\n') ? '\r\n' : '\n';
    const at = target.text.length;
    const lead = target.text === '' || target.text.endsWith('\n') ? '' : tnl;
    ops.push({ kind: 'edit', path: target.path, edits: [{ range: tli.rangeOf(at, at), newText: `${lead}${moved}${tnl}` }] });
  } else {
    ops.push({ kind: 'create', path: joinPath(dir, 'requirements-dev.txt'), content: `-r ${basename(req.path)}${nl}${moved}${nl}` });
  }
  return ops;
}

export const devToolInRuntime: RuleDefinition<DependencyContext> = {
  code: 'MLH107',
  name: 'dev-tool-in-runtime',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A development tool (pytest, ruff, black, mypy, jupyter, ipykernel, notebook, nbconvert, type stubs, ...) in `[project].dependencies` or Poetry\'s `[tool.poetry.dependencies]`, or in a runtime requirements file (`requirements.txt`, not `requirements-dev.txt`) when the project declares its runtime dependencies nowhere else.',
    why: 'Runtime dependencies ship with the model image. Jupyter alone pulls in a web server, Tornado and dozens of packages: a bigger image, a slower cold start and more CVEs to patch, for nothing the model uses.',
    example: '[project]\ndependencies = [\n  "pandas==2.2.3",\n  "jupyter",   # MLH107\n]',
    exampleLanguage: 'toml',
    fix: '**Move to dev dependency group** removes it from `[project].dependencies` and adds it to `[dependency-groups].dev` (PEP 735), creating the table when needed, in one edit. With Poetry, move it to `[tool.poetry.group.dev.dependencies]` (`poetry add --group dev`). In a requirements file, **Move to requirements-dev.txt** moves the line to the dev requirements file beside it, or creates `requirements-dev.txt` starting with `-r requirements.txt` so one install still gets everything.',
  },
  check(ctx, report) {
    const requirementsRuntime = requirementsAreTheRuntimeManifest(ctx);
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r || !isDevTool(r.normalizedName)) continue;
      const inRequirementsFile = req.path !== ctx.pyproject?.path;
      if (inRequirementsFile) {
        if (!requirementsRuntime || req.groupKind !== 'runtime') continue;
        const operations = moveToDevRequirementsOperations(ctx, req);
        const dest = operations?.[1]?.path ? basename(operations[1].path) : 'requirements-dev.txt';
        report({
          path: req.path,
          range: spanRange(ctx, req, r.nameSpan),
          message: `\`${r.name}\` is a development tool; in ${basename(req.path)}, the project's runtime requirements, it ships with every deployment. Move it to ${dest}.`,
          ...(operations ? { fixes: [{ title: `Move \`${r.name}\` to ${dest}`, edit: { operations } }] } : {}),
        });
        continue;
      }
      if (req.group !== 'project.dependencies' && req.group !== 'tool.poetry.dependencies') continue;
      const edits = moveToDevGroupEdits(ctx, req);
      report({
        path: req.path,
        range: spanRange(ctx, req, r.nameSpan),
        message: `\`${r.name}\` is a development tool; as a runtime dependency it ships with every deployment.`,
        ...(edits ? { fixes: [{ title: `Move \`${r.name}\` to [dependency-groups].dev`, edit: { operations: [{ kind: 'edit' as const, path: req.path, edits }] } }] } : {}),
      });
    }
  },
};
