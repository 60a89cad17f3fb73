import type { AST } from 'toml-eslint-parser';
import { parseRequirement } from '../python/pep508';
import { stringOffsetMap, type TomlDocument } from '../toml/tomlDocument';
import type { DeclaredRequirement, DependencyGroupKind } from './declaredRequirement';

/**
 * Poetry's own dependency tables (`[tool.poetry.dependencies]`, `[tool.poetry.group.<g>.dependencies]`,
 * the legacy `dev-dependencies`) written as `name = "constraint"` or `name = { version = "..." }`.
 * Each becomes a DeclaredRequirement whose PEP 508 form carries the constraint translated to PEP 440,
 * so the dependency rules judge Poetry projects like the others. Poetry's syntax is translated here
 * by hand: no npm library parses Poetry constraints, and only the bound structure matters to us.
 */
export function poetryRequirements(path: string, text: string, toml: TomlDocument): DeclaredRequirement[] {
  const out: DeclaredRequirement[] = [];
  const tables: Array<{ keyPath: string[]; group: string; kind: DependencyGroupKind }> = [
    { keyPath: ['tool', 'poetry', 'dependencies'], group: 'tool.poetry.dependencies', kind: 'runtime' },
    { keyPath: ['tool', 'poetry', 'dev-dependencies'], group: 'tool.poetry.dev-dependencies', kind: 'dev' },
  ];
  const groups = toml.get(['tool', 'poetry', 'group']);
  if (groups && typeof groups === 'object' && !Array.isArray(groups)) {
    for (const name of Object.keys(groups)) tables.push({ keyPath: ['tool', 'poetry', 'group', name, 'dependencies'], group: `tool.poetry.group.${name}`, kind: 'dev' });
  }
  for (const table of tables) {
    for (const entry of toml.children(table.keyPath)) {
      const name = entry.path[entry.path.length - 1]!;
      if (name === 'python') continue; // the project's requires-python, not a distribution
      let versionNode: AST.TOMLStringValue | undefined;
      if (entry.value.type === 'TOMLValue' && entry.value.kind === 'string') versionNode = entry.value;
      else if (entry.value.type === 'TOMLInlineTable' || entry.value.type === 'TOMLTable') {
        const version = toml.find([...entry.path, 'version'])?.value;
        if (version?.type === 'TOMLValue' && version.kind === 'string') versionNode = version;
        // git/path/url dependencies without a version have no constraint to judge here.
        else continue;
      } else continue;
      const spec = poetryConstraintToPep440(versionNode.value);
      // `1.0 || 2.0` and other forms we do not translate are Poetry's to judge, not ours.
      if (spec === undefined) continue;
      const raw = `${name}${spec}`;
      const toValueOffset = stringOffsetMap(text, versionNode);
      const valueStart = toValueOffset(0);
      const valueEnd = toValueOffset(versionNode.value.length);
      out.push({
        path,
        group: table.group,
        groupKind: table.kind,
        raw,
        parsed: parseRequirement(raw),
        // Offsets in the name map onto the key; the rest onto the constraint string.
        toFileOffset: (i) => (i <= name.length ? entry.keyRange[0] + Math.min(i, entry.keyRange[1] - entry.keyRange[0]) : valueStart + Math.min(i - name.length, valueEnd - valueStart)),
        start: valueStart,
        end: valueEnd,
        pinReplaces: { start: valueStart, end: valueEnd },
      });
    }
  }
  return out;
}

/**
 * Poetry constraint → PEP 440 specifier (undefined when it is not Poetry syntax we recognise).
 * `*` → none; `^1.2.3` → `>=1.2.3,<2.0.0`; `~1.2` → `>=1.2,<1.3`; `1.2.3` → `==1.2.3`;
 * PEP 440 operators pass through; `||` alternatives are not translated.
 */
export function poetryConstraintToPep440(constraint: string): string | undefined {
  const c = constraint.trim();
  if (c === '' || c === '*') return '';
  if (c.includes('||')) return undefined;
  const parts = c.split(/\s*,\s*|\s+(?=[<>=!~^])/).filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(part);
    const tilde = /^~\s*(\d+(?:\.\d+)*)$/.exec(part);
    if (caret) {
      const nums = caret[1]!.split('.').map(Number);
      const firstNonZero = nums.findIndex((n) => n !== 0);
      const idx = firstNonZero === -1 ? nums.length - 1 : firstNonZero;
      const upper = nums.slice(0, idx + 1).map((n, i) => (i === idx ? n + 1 : n));
      out.push(`>=${caret[1]}`, `<${upper.join('.')}`);
    } else if (tilde) {
      const nums = tilde[1]!.split('.').map(Number);
      const idx = nums.length >= 2 ? 1 : 0;
      const upper = nums.slice(0, idx + 1).map((n, i) => (i === idx ? n + 1 : n));
      out.push(`>=${tilde[1]}`, `<${upper.join('.')}`);
    } else if (/^\d/.test(part)) out.push(`==${part}`);
    else if (/^(===|==|!=|<=|>=|~=|<|>)\s*\S/.test(part)) out.push(part.replace(/\s+/g, ''));
    else return undefined;
  }
  return out.join(',');
}
