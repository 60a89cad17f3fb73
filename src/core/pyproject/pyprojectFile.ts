import type { AST } from 'toml-eslint-parser';
import { parseRequirement } from '../python/pep508';
import { TomlDocument, stringOffsetMap } from '../toml/tomlDocument';
import type { DeclaredRequirement, DependencyGroupKind } from './declaredRequirement';
import { poetryRequirements } from './poetryDependencies';

/** A parsed pyproject.toml: the TOML document plus every PEP 508 requirement it declares, with ranges. */
export interface PyprojectFile {
  path: string;
  toml: TomlDocument;
  requirements: DeclaredRequirement[];
}

interface GroupSpec {
  keyPath: string[];
  kind: DependencyGroupKind;
  /** For tables of arrays (optional-dependencies, dependency-groups): one group per key. */
  perKey?: boolean;
}

// The places PEP 621, PEP 735, PEP 518 and the uv/PDM tool tables list PEP 508 strings.
// deptry's notion of dev groups is followed: dependency-groups, tool.uv.dev-dependencies, tool.pdm.dev-dependencies.
const GROUPS: GroupSpec[] = [
  { keyPath: ['project', 'dependencies'], kind: 'runtime' },
  { keyPath: ['project', 'optional-dependencies'], kind: 'optional', perKey: true },
  { keyPath: ['dependency-groups'], kind: 'dev', perKey: true },
  { keyPath: ['tool', 'uv', 'dev-dependencies'], kind: 'dev' },
  { keyPath: ['tool', 'pdm', 'dev-dependencies'], kind: 'dev', perKey: true },
  { keyPath: ['build-system', 'requires'], kind: 'build' },
];

export function parsePyproject(path: string, text: string): PyprojectFile {
  const toml = new TomlDocument(text);
  const requirements: DeclaredRequirement[] = [];
  if (toml.ast) {
    for (const spec of GROUPS) {
      if (spec.perKey) {
        // children() also covers inline tables (`dependency-groups = { dev = [...] }`): TomlDocument indexes their keys.
        for (const child of toml.children(spec.keyPath)) {
          collectArray(path, text, child.value, [...spec.keyPath, child.path[child.path.length - 1]!].join('.'), spec.kind, requirements);
        }
      } else {
        const entry = toml.find(spec.keyPath);
        if (entry) collectArray(path, text, entry.value, spec.keyPath.join('.'), spec.kind, requirements);
      }
    }
  }
  if (toml.ast) requirements.push(...poetryRequirements(path, text, toml));
  return { path, toml, requirements };
}

function collectArray(
  path: string,
  text: string,
  node: AST.TOMLContentNode | AST.TOMLTable,
  group: string,
  groupKind: DependencyGroupKind,
  out: DeclaredRequirement[],
): void {
  if (node.type !== 'TOMLArray') return;
  for (const el of node.elements) {
    // Non-strings ({include-group = "x"} in PEP 735, or type errors) are MLH113's business.
    if (el.type !== 'TOMLValue' || el.kind !== 'string') continue;
    const toFileOffset = stringOffsetMap(text, el);
    out.push({
      path,
      group,
      groupKind,
      raw: el.value,
      parsed: parseRequirement(el.value),
      toFileOffset,
      start: toFileOffset(0),
      end: toFileOffset(el.value.length),
    });
  }
}
