import type { AST } from 'toml-eslint-parser';
import { dirname } from '../../fs/paths';
import { isValidSpecifier, isValidVersion } from '../../python/pep440';
import { checkLicenseExpression, checkLicenseFileGlob, licenseGlobMatchesFile } from '../../pyproject/pep639License';
import { checkDependencyGroups } from '../../pyproject/pep735DependencyGroups';
import { checkImportNames, type ImportNameEntry } from '../../pyproject/pep794ImportNames';
import { stringOffsetMap } from '../../toml/tomlDocument';
import type { Range } from '../../text/lineIndex';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';

type Kind = 'string' | 'array' | 'table' | 'string[]' | 'table[]' | 'string|table' | 'table<string>' | 'table<string[]>' | 'table<table<string>>';

// PEP 621 (as amended by PEP 639 for license/license-files and PEP 794 for import names).
const PROJECT_FIELDS: Record<string, Kind> = {
  name: 'string',
  version: 'string',
  description: 'string',
  readme: 'string|table',
  'requires-python': 'string',
  license: 'string|table',
  'license-files': 'string[]',
  authors: 'table[]',
  maintainers: 'table[]',
  keywords: 'string[]',
  classifiers: 'string[]',
  urls: 'table<string>',
  scripts: 'table<string>',
  'gui-scripts': 'table<string>',
  'entry-points': 'table<table<string>>',
  dependencies: 'string[]',
  'optional-dependencies': 'table<string[]>',
  dynamic: 'string[]',
  'import-names': 'string[]',
  'import-namespaces': 'string[]',
};

const BUILD_SYSTEM_FIELDS: Record<string, Kind> = { requires: 'string[]', 'build-backend': 'string', 'backend-path': 'string[]' };
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'integer';
  if (v instanceof Date) return 'datetime';
  return typeof v === 'object' ? 'table' : typeof v;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeOf(v) === 'table';
}

function matches(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'table': return isTable(v);
    case 'string[]': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'table[]': return Array.isArray(v) && v.every(isTable);
    case 'string|table': return typeof v === 'string' || isTable(v);
    case 'table<string>': return isTable(v) && Object.values(v).every((x) => typeof x === 'string');
    case 'table<string[]>': return isTable(v) && Object.values(v).every((x) => Array.isArray(x) && x.every((y) => typeof y === 'string'));
    case 'table<table<string>>': return isTable(v) && Object.values(v).every((x) => matches('table<string>', x));
  }
}

const KIND_LABEL: Record<Kind, string> = {
  string: 'a string', array: 'an array', table: 'a table', 'string[]': 'an array of strings', 'table[]': 'an array of tables',
  'string|table': 'a string or a table', 'table<string>': 'a table of strings', 'table<string[]>': 'a table of string arrays',
  'table<table<string>>': 'a table of tables of strings',
};

export const invalidPyproject: RuleDefinition<DependencyContext> = {
  code: 'MLH113',
  name: 'invalid-pyproject',
  pillar: 'dependencies',
  defaultSeverity: 'error',
  docs: {
    detects: 'A `pyproject.toml` that is not valid TOML, or whose `[project]` / `[build-system]` / `[dependency-groups]` tables break PEP 621, PEP 518, PEP 639, PEP 735 or PEP 794: a missing or malformed `name`, an invalid `version`, wrong value types, unknown keys, a field both listed in `dynamic` and set, an empty `authors`/`maintainers` entry `{}`; a `license` that is not an SPDX expression (checked against the SPDX license list), a legacy `license` table next to `license-files`, a `License ::` classifier next to a license expression, a `license-files` glob that is absolute, uses `..` or matches no file; a dependency group name that is invalid or normalises like another, an `include-group` naming no group or forming a cycle (the cycle is spelled out); an `import-names` / `import-namespaces` entry that is not a dotted identifier, uses a keyword, has anything but `; private` after it, is listed twice, or whose parent (`a` for `a.b`) is not listed.',
    why: 'Build front-ends reject such a file outright, so `pip install .` and `uv sync` fail, often only in CI. Editors that validate against a generic schema accept many of these (SchemaStore types `dependencies` only as "array of strings").',
    example: '[project]\nname = "churn model"        # spaces are not allowed\nversion = "1.0-final"     # not PEP 440\nrequires-python = "3.11"  # not a specifier\nlicense = "Apache 2.0"    # not SPDX: Apache-2.0\nlicense-files = ["LICENCE.txt"]  # matches no file\nimport-names = ["churn.models"]  # parent `churn` not listed\nauthors = [{}]\ndynamic = ["version"]\n\n[dependency-groups]\ntest = ["pytest>=8", { include-group = "dev" }]\ndev = ["ruff", { include-group = "test" }]  # cycle: dev → test → dev',
    exampleLanguage: 'toml',
    fix: 'Correct the value the diagnostic points at.',
  },
  async check(ctx, report) {
    const py = ctx.pyproject;
    if (!py) return;
    const li = ctx.lineIndexOf(py.path)!;
    const doc = py.toml;
    if (doc.syntaxError) {
      const e = doc.syntaxError;
      // Parsers report errors at end of input one column past the last character: keep the range in the document.
      const line = Math.min(e.line, li.lineCount - 1);
      const length = li.lineText(line).length;
      const character = Math.min(e.column, length);
      report({ path: py.path, range: { start: { line, character }, end: { line, character: Math.min(character + 1, length) } }, message: `pyproject.toml is not valid TOML: ${e.message}.` });
      return;
    }
    const rangeOfNode = (n: { range: [number, number] }): Range => li.rangeOf(n.range[0], n.range[1]);
    const keyRange = (path: string[]): Range => {
      const e = doc.find(path);
      if (e) return li.rangeOf(e.keyRange[0], e.keyRange[1]);
      return path.length > 1 ? keyRange(path.slice(0, -1)) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    };
    const valueRange = (path: string[]): Range => {
      const e = doc.find(path);
      if (!e) return keyRange(path);
      return e.value.type === 'TOMLTable' ? li.rangeOf(e.value.range[0], e.value.key.range[1] + 1) : rangeOfNode(e.value);
    };
    const problem = (range: Range, message: string) => report({ path: py.path, range, message });
    /** The array elements written for a key (empty when the value is not an array in the source). */
    const elementsOf = (path: string[]): AST.TOMLContentNode[] => {
      const e = doc.find(path);
      return e?.value.type === 'TOMLArray' ? (e.value.elements as AST.TOMLContentNode[]) : [];
    };
    /** Range of `[start, end)` inside a string element's decoded value, mapped through escapes. */
    const inString = (node: AST.TOMLContentNode | undefined, start: number, end: number, fallback: Range): Range => {
      if (!node || node.type !== 'TOMLValue' || node.kind !== 'string') return fallback;
      const map = stringOffsetMap(doc.text, node);
      return li.rangeOf(map(start), map(end));
    };

    // PEP 639: `license` is an SPDX expression (or the legacy table alone), `license-files` are globs that must each match a file.
    const checkLicense = async (project: Record<string, unknown>) => {
      const license = project['license'];
      const licenseFiles = project['license-files'];
      if (typeof license === 'string') {
        const node = doc.find(['project', 'license'])?.value as AST.TOMLContentNode | undefined;
        for (const p of checkLicenseExpression(license)) problem(inString(node, p.start, p.end, valueRange(['project', 'license'])), p.message);
        const classifiers = project['classifiers'];
        if (Array.isArray(classifiers)) {
          const nodes = elementsOf(['project', 'classifiers']);
          classifiers.forEach((c, i) => {
            if (typeof c === 'string' && /^License\s*::/.test(c)) {
              problem(nodes[i] ? rangeOfNode(nodes[i]!) : valueRange(['project', 'classifiers']), `\`${c}\` is a license classifier next to the license expression \`${license}\`: PEP 639 makes build back-ends reject the pair. Remove the classifier; the expression says it.`);
            }
          });
        }
      } else if (isTable(license)) {
        if ('file' in license === 'text' in license) problem(valueRange(['project', 'license']), '`license` as a table needs exactly one of `file` or `text`; better, write an SPDX expression: `license = "MIT"` (PEP 639).');
        if (licenseFiles !== undefined) problem(valueRange(['project', 'license']), 'The legacy `license` table cannot be combined with `license-files` (PEP 639): write `license = "<SPDX expression>"`, e.g. "MIT", and keep the files in `license-files`.');
      }
      if (!Array.isArray(licenseFiles)) return;
      const nodes = elementsOf(['project', 'license-files']);
      const root = dirname(py.path);
      for (const [i, pattern] of licenseFiles.entries()) {
        if (typeof pattern !== 'string') continue;
        const node = nodes[i];
        const whole = node ? rangeOfNode(node) : valueRange(['project', 'license-files']);
        const bad = checkLicenseFileGlob(pattern);
        if (bad) problem(inString(node, bad.start, bad.end, whole), bad.message);
        else if ((await licenseGlobMatchesFile(ctx.fs, root, pattern)) === false) {
          problem(inString(node, 0, pattern.length, whole), `\`${pattern}\` matches no file in the project: build back-ends fail on a \`license-files\` pattern that matches nothing (PEP 639). Fix the pattern or add the file.`);
        }
      }
    };

    const checkFields = (table: string[], fields: Record<string, Kind>, value: Record<string, unknown>) => {
      for (const [key, v] of Object.entries(value)) {
        const kind = fields[key];
        if (!kind) problem(keyRange([...table, key]), `Unknown key \`${key}\` in [${table.join('.')}].`);
        else if (!matches(kind, v)) problem(valueRange([...table, key]), `\`${table.join('.')}.${key}\` must be ${KIND_LABEL[kind]}, not ${typeOf(v)}.`);
      }
    };

    const project = doc.get(['project']);
    if (project !== undefined) {
      if (!isTable(project)) problem(keyRange(['project']), '`project` must be a table.');
      else {
        checkFields(['project'], PROJECT_FIELDS, project);
        const dynamic = Array.isArray(project['dynamic']) ? (project['dynamic'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
        const name = project['name'];
        if (name === undefined) problem(valueRange(['project']), '`[project]` must set `name`.');
        else if (typeof name === 'string' && !PROJECT_NAME.test(name)) problem(valueRange(['project', 'name']), `\`${name}\` is not a valid project name: use letters, digits, \`.\`, \`_\` and \`-\`, starting and ending with a letter or digit.`);
        const version = project['version'];
        if (version === undefined && !dynamic.includes('version')) problem(valueRange(['project']), '`[project]` must set `version` or list it in `dynamic`.');
        else if (typeof version === 'string' && !isValidVersion(version)) problem(valueRange(['project', 'version']), `\`${version}\` is not a valid PEP 440 version.`);
        const rp = project['requires-python'];
        if (typeof rp === 'string' && !isValidSpecifier(rp)) problem(valueRange(['project', 'requires-python']), `\`${rp}\` is not a valid version specifier (did you mean ">=${rp}"?).`);
        for (const field of dynamic) {
          if (field === 'name') problem(valueRange(['project', 'dynamic']), '`name` cannot be dynamic.');
          else if (!(field in PROJECT_FIELDS)) problem(valueRange(['project', 'dynamic']), `\`${field}\` is not a [project] field and cannot be dynamic.`);
          else if (field in project) problem(keyRange(['project', field]), `\`${field}\` is listed in \`dynamic\` and also set: build back-ends must reject this.`);
        }
        const readme = project['readme'];
        if (isTable(readme) && !('file' in readme || 'text' in readme)) problem(valueRange(['project', 'readme']), '`readme` as a table needs `file` or `text`.');
        for (const who of ['authors', 'maintainers']) {
          const list = project[who];
          if (!Array.isArray(list)) continue;
          const nodes = elementsOf(['project', who]);
          list.forEach((person, i) => {
            if (!isTable(person)) return;
            const range = nodes[i] ? rangeOfNode(nodes[i]!) : valueRange(['project', who]);
            // PEP 621: each entry gives a name, an email or both; `{}` becomes no metadata at all (and some back-ends reject it).
            if (Object.keys(person).length === 0) problem(range, `An entry of \`${who}\` is an empty table: give it a \`name\` and/or an \`email\`, or remove it.`);
            for (const k of Object.keys(person)) if (k !== 'name' && k !== 'email') problem(range, `Unknown key \`${k}\` in an entry of \`${who}\` (only \`name\` and \`email\`).`);
          });
        }
        await checkLicense(project);
        const importNames: ImportNameEntry[] = [];
        for (const key of ['import-names', 'import-namespaces'] as const) {
          const list = project[key];
          if (Array.isArray(list)) list.forEach((value, index) => typeof value === 'string' && importNames.push({ key, index, value }));
        }
        for (const p of checkImportNames(importNames)) {
          problem(inString(elementsOf(['project', p.entry.key])[p.entry.index], p.start, p.end, valueRange(['project', p.entry.key])), p.message);
        }
      }
    }

    const build = doc.get(['build-system']);
    if (build !== undefined) {
      if (!isTable(build)) problem(keyRange(['build-system']), '`build-system` must be a table.');
      else {
        checkFields(['build-system'], BUILD_SYSTEM_FIELDS, build);
        if (!('requires' in build)) problem(valueRange(['build-system']), '`[build-system]` must set `requires` (PEP 518).');
      }
    }

    const groups = doc.get(['dependency-groups']);
    if (groups !== undefined) {
      if (!isTable(groups)) problem(keyRange(['dependency-groups']), '`dependency-groups` must be a table.');
      else {
        for (const [group, list] of Object.entries(groups)) {
          const entry = doc.find(['dependency-groups', group]);
          if (!Array.isArray(list)) {
            problem(valueRange(['dependency-groups', group]), `Dependency group \`${group}\` must be an array.`);
            continue;
          }
          const nodes = entry?.value.type === 'TOMLArray' ? (entry.value.elements as AST.TOMLContentNode[]) : [];
          list.forEach((item, i) => {
            const r = nodes[i] ? rangeOfNode(nodes[i]!) : valueRange(['dependency-groups', group]);
            if (typeof item === 'string') return;
            if (isTable(item) && typeof item['include-group'] === 'string' && Object.keys(item).length === 1) return;
            problem(r, `Entries of dependency group \`${group}\` must be requirement strings or \`{ include-group = "..." }\`.`);
          });
        }
        for (const p of checkDependencyGroups(groups)) {
          if (p.kind !== 'include') {
            problem(keyRange(['dependency-groups', p.group]), p.message);
            continue;
          }
          const element = elementsOf(['dependency-groups', p.include.group])[p.include.index];
          const target = element?.type === 'TOMLInlineTable' ? element.body.find((kv) => kv.key.keys.length === 1 && (kv.key.keys[0]!.type === 'TOMLBare' ? kv.key.keys[0]!.name : kv.key.keys[0]!.value) === 'include-group') : undefined;
          problem(target ? rangeOfNode(target.value) : element ? rangeOfNode(element) : keyRange(['dependency-groups', p.include.group]), p.message);
        }
      }
    }
  },
};
