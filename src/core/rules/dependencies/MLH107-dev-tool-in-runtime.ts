import type { TextEdit } from '../../diagnostics';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
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

export const devToolInRuntime: RuleDefinition<DependencyContext> = {
  code: 'MLH107',
  name: 'dev-tool-in-runtime',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A development tool (pytest, ruff, black, mypy, jupyter, ipykernel, notebook, nbconvert, type stubs, ...) in `[project].dependencies` or Poetry\'s `[tool.poetry.dependencies]`.',
    why: 'Runtime dependencies ship with the model image. Jupyter alone pulls in a web server, Tornado and dozens of packages: a bigger image, a slower cold start and more CVEs to patch, for nothing the model uses.',
    example: '[project]\ndependencies = [\n  "pandas==2.2.3",\n  "jupyter",   # MLH107\n]',
    exampleLanguage: 'toml',
    fix: '**Move to dev dependency group** removes it from `[project].dependencies` and adds it to `[dependency-groups].dev` (PEP 735), creating the table when needed, in one edit. With Poetry, move it to `[tool.poetry.group.dev.dependencies]` (`poetry add --group dev`).',
  },
  check(ctx, report) {
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r || (req.group !== 'project.dependencies' && req.group !== 'tool.poetry.dependencies') || !isDevTool(r.normalizedName)) continue;
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
