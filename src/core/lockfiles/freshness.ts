import { createHash, getHashes } from 'node:crypto';
import { normalizeName } from '../python/pep503';
import { isValidSpecifier, normalizeVersion, parseSpecifierSet, satisfies } from '../python/pep440';
import { parseRequirement } from '../python/pep508';
import { pythonJsonDumps } from '../python/pythonJson';
import { asArray, asString, isTable, parseTomlSafely } from './toml';
import type { Lockfile } from './types';

export interface StaleFinding {
  reason: 'content-hash' | 'missing-from-lock' | 'outside-specifier' | 'requires-dist-differs';
  /** PEP 503 name of the requirement concerned, when the finding is about one. */
  requirement?: string;
  message: string;
}

export interface DeclaredRequirement {
  raw: string;
  normalizedName: string;
  specifier: string;
  group: string;
}

type Table = Record<string, unknown>;

function table(value: unknown): Table {
  return isTable(value) ? value : {};
}

/**
 * Judges offline whether `lock` still matches the manifest. The rule is: no false alarms. Where a
 * format records exactly what it was locked from (Poetry's and PDM's content hash) the answer is
 * exact; where it does not (uv's recorded requirements are rewritten by uv) only differences that
 * survive uv's rewriting are reported; and a format that records no inputs (pylock) is never stale.
 */
export function checkLockFreshness(lock: Lockfile, lockText: string, pyproject: Table, declared: DeclaredRequirement[]): StaleFinding[] {
  try {
    switch (lock.kind) {
      case 'poetry':
        return checkHashedLock(lock, lockText, pyproject, declared, 'poetry');
      case 'pdm':
        return checkHashedLock(lock, lockText, pyproject, declared, 'pdm');
      case 'uv':
        return checkUvLock(lock, lockText, pyproject, declared);
      case 'requirements':
        // A compiled requirements file records no inputs, and often covers only some groups, so a
        // missing name proves nothing; a pin outside the declared range does.
        return outsideSpecifierFindings(lock, declared, new Set());
      case 'pylock':
        return [];
    }
  } catch {
    // Something we did not foresee in the input: say nothing rather than raise a false alarm.
    return [];
  }
}

// ------------------------------------------------------------------------------------------------
// Poetry and PDM: recompute the recorded content hash.
// ------------------------------------------------------------------------------------------------

const POETRY_LEGACY_KEYS = ['dependencies', 'source', 'extras', 'dev-dependencies'];
const POETRY_RELEVANT_KEYS = [...POETRY_LEGACY_KEYS, 'group'];
const POETRY_PROJECT_KEYS = ['requires-python', 'dependencies', 'optional-dependencies'];

/**
 * Poetry's `Locker._get_content_hash` (poetry 1.x and 2.x). One detail matters for old-style
 * projects: the legacy `[tool.poetry]` keys are written even when absent (as `null`) unless
 * `[project]` has relevant content; without that, no real lock's hash reproduces.
 */
export function poetryContentHash(pyproject: Table): string {
  const project = table(pyproject.project);
  const groups = table(pyproject['dependency-groups']);
  const poetry = table(table(pyproject.tool).poetry);

  const relevantProject: Table = {};
  for (const key of POETRY_PROJECT_KEYS) if (project[key] !== undefined && project[key] !== null) relevantProject[key] = project[key];
  const hasProject = Object.keys(relevantProject).length > 0;

  const relevantPoetry: Table = {};
  for (const key of POETRY_RELEVANT_KEYS) {
    const data = poetry[key];
    if (data === undefined && (!POETRY_LEGACY_KEYS.includes(key) || hasProject)) continue;
    relevantPoetry[key] = data ?? null;
  }

  let relevant: Table;
  if (hasProject) {
    relevant = { project: relevantProject, tool: { poetry: relevantPoetry } };
    if (Object.keys(groups).length) relevant['dependency-groups'] = groups;
  } else {
    // Backwards compatibility in Poetry: without [project] the poetry keys sit at the top level.
    relevant = relevantPoetry;
  }
  return createHash('sha256').update(pythonJsonDumps(relevant, { sortKeys: true }), 'utf8').digest('hex');
}

/**
 * PDM's `Project.get_content_hash`: sources, dependencies, dev-dependencies (PEP 735 groups and
 * `[tool.pdm.dev-dependencies]` merged, group names normalized), optional-dependencies,
 * requires-python (default "") and resolution settings.
 */
export function pdmContentHash(pyproject: Table, algorithm = 'sha256'): string {
  const project = table(pyproject.project);
  const settings = table(table(pyproject.tool).pdm);
  const devDependencies: Record<string, unknown[]> = {};
  for (const source of [table(pyproject['dependency-groups']), table(settings['dev-dependencies'])]) {
    for (const [group, deps] of Object.entries(source)) {
      (devDependencies[normalizeName(group)] ??= []).push(...asArray(deps));
    }
  }
  const data = {
    sources: settings.source ?? [],
    dependencies: project.dependencies ?? [],
    'dev-dependencies': devDependencies,
    'optional-dependencies': project['optional-dependencies'] ?? {},
    'requires-python': project['requires-python'] ?? '',
    resolution: settings.resolution ?? {},
  };
  return createHash(algorithm).update(pythonJsonDumps(data, { sortKeys: true }), 'utf8').digest('hex');
}

function checkHashedLock(lock: Lockfile, lockText: string, pyproject: Table, declared: DeclaredRequirement[], tool: 'poetry' | 'pdm'): StaleFinding[] {
  const parsed = parseTomlSafely(lockText);
  if (!parsed.ok) return [];
  const metadata = table(parsed.value.metadata);
  let recorded: string | undefined;
  let actual: string;
  if (tool === 'poetry') {
    recorded = asString(metadata['content-hash']);
    if (!recorded) return [];
    actual = poetryContentHash(pyproject);
  } else {
    const value = asString(metadata.content_hash);
    if (!value) return [];
    const colon = value.indexOf(':');
    const algorithm = colon === -1 ? 'sha256' : value.slice(0, colon);
    recorded = colon === -1 ? value : value.slice(colon + 1);
    if (!getHashes().includes(algorithm)) return [];
    actual = pdmContentHash(pyproject, algorithm);
  }
  if (actual === recorded) return [];

  const file = tool === 'poetry' ? 'poetry.lock' : 'pdm.lock';
  const findings: StaleFinding[] = [
    {
      reason: 'content-hash',
      message: `${file} is out of date: pyproject.toml changed since it was locked (its content hash no longer matches). Run '${lock.lockCommand}'.`,
    },
  ];
  // The hash says *that* it is stale; these say *where*, when it can be told from the lock alone.
  findings.push(...missingFindings(lock, declared, new Set()));
  findings.push(...outsideSpecifierFindings(lock, declared, new Set()));
  return findings;
}

function missingFindings(lock: Lockfile, declared: DeclaredRequirement[], skip: Set<string>): StaleFinding[] {
  const findings: StaleFinding[] = [];
  const seen = new Set<string>();
  for (const d of declared) {
    if (skip.has(d.normalizedName) || seen.has(d.normalizedName) || lock.packages.has(d.normalizedName)) continue;
    seen.add(d.normalizedName);
    findings.push({
      reason: 'missing-from-lock',
      requirement: d.normalizedName,
      message: `'${d.raw}' is declared but ${basename(lock.path)} has no entry for it. Run '${lock.lockCommand}'.`,
    });
  }
  return findings;
}

/**
 * A declared range that none of the locked versions satisfies. "None" rather than "some" because a
 * name may be locked several times for different environments; pre-releases are admitted because
 * resolvers lock them when the range leaves nothing else, and that is not staleness.
 */
function outsideSpecifierFindings(lock: Lockfile, declared: DeclaredRequirement[], skip: Set<string>): StaleFinding[] {
  const findings: StaleFinding[] = [];
  const seen = new Set<string>();
  for (const d of declared) {
    const spec = d.specifier.trim();
    if (!spec || skip.has(d.normalizedName) || !isValidSpecifier(spec)) continue;
    const versions = (lock.packages.get(d.normalizedName) ?? []).map((p) => p.version).filter((v): v is string => !!v);
    if (!versions.length || versions.some((v) => satisfies(v, spec, { prereleases: true }))) continue;
    const key = `${d.normalizedName} ${spec}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const locked = [...new Set(versions)].join(', ');
    findings.push({
      reason: 'outside-specifier',
      requirement: d.normalizedName,
      message: `'${d.raw}' is declared but ${basename(lock.path)} locks ${d.normalizedName} ${locked}, outside '${spec}'. Run '${lock.lockCommand}'.`,
    });
  }
  return findings;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// ------------------------------------------------------------------------------------------------
// uv: compare the manifest with what uv recorded in the project's own [package.metadata].
// ------------------------------------------------------------------------------------------------

interface Normalized {
  group: string;
  name: string;
  key: string;
  display: string;
}

const MARKER_ATOM = /([A-Za-z_][\w.]*)\s*(===|==|!=|<=|>=|~=|<|>|not\s+in|in)\s*('[^']*'|"[^"]*")|('[^']*'|"[^"]*")\s*(===|==|!=|<=|>=|~=|<|>|not\s+in|in)\s*([A-Za-z_][\w.]*)/g;

interface MarkerFacts {
  /** Extra names the marker tests (`extra == 'dev'`), normalized. */
  extras: string[];
  /** Every other environment test, canonical and sorted, without Python-version tests. */
  atoms: string[];
}

/**
 * Reduces a marker to facts uv cannot rewrite. uv turns `python_version` into
 * `python_full_version`, merges ranges (`>= '3.11' and < '3.12'` → `== '3.11.*'`) and drops tests
 * that `requires-python` already implies, so Python-version tests are not compared at all (a
 * missed change there is a smaller harm than a false alarm on every uv project). Other tests
 * (`sys_platform == 'win32'`) survive uv's rewriting and are compared as a set.
 */
function markerFacts(marker: string | undefined): MarkerFacts {
  const extras = new Set<string>();
  const atoms = new Set<string>();
  if (marker) {
    for (const m of marker.matchAll(MARKER_ATOM)) {
      const variableFirst = m[1] !== undefined;
      const variable = (variableFirst ? m[1]! : m[6]!).replace(/\./g, '_');
      const op = (variableFirst ? m[2]! : m[5]!).replace(/\s+/g, ' ');
      const value = (variableFirst ? m[3]! : m[4]!).slice(1, -1);
      if (variable === 'extra') extras.add(normalizeName(value));
      else if (variable !== 'python_version' && variable !== 'python_full_version') {
        atoms.add(variableFirst ? `${variable} ${op} ${value}` : `${value} ${op} ${variable}`);
      }
    }
  }
  return { extras: [...extras].sort(), atoms: [...atoms].sort() };
}

function canonicalSpecifier(spec: string): string {
  const clauses = parseSpecifierSet(spec);
  if (!clauses) return spec.replace(/\s+/g, '');
  return clauses
    .map((c) => `${c.operator}${c.version.endsWith('.*') ? c.version : (normalizeVersion(c.version) ?? c.version)}`)
    .sort()
    .join(',');
}

function groupLabel(group: string): string {
  if (group === 'main') return '[project.dependencies]';
  if (group.startsWith('extra:')) return `[project.optional-dependencies] ${group.slice(6)}`;
  return `[dependency-groups] ${group.slice(6)}`;
}

function normalizedKey(group: string, name: string, extras: string[], specifier: string, atoms: string[], compareMarkers: boolean): string {
  return [group, name, [...new Set(extras.map(normalizeName))].sort().join(','), canonicalSpecifier(specifier), compareMarkers ? atoms.join(' & ') : ''].join('|');
}

function fromManifestString(text: string, group: string, markerBlind: Set<string>): Normalized | undefined {
  const parsed = parseRequirement(text);
  if (!parsed.ok) return undefined;
  const r = parsed.requirement;
  const facts = markerFacts(r.marker);
  // An extra test inside an optional dependency's own marker is unusual; keep it in the group as uv does.
  const effectiveGroup = group === 'main' && facts.extras.length ? `extra:${facts.extras.join('+')}` : group;
  const specifier = r.specifiers.map((c) => `${c.operator}${c.version}`).join(',');
  return {
    group: effectiveGroup,
    name: r.normalizedName,
    key: normalizedKey(effectiveGroup, r.normalizedName, r.extras, specifier, facts.atoms, !markerBlind.has(r.normalizedName)),
    display: text.trim(),
  };
}

function fromLockTable(entry: unknown, group: string | undefined, markerBlind: Set<string>): Normalized | undefined {
  if (!isTable(entry)) return undefined;
  const name = asString(entry.name);
  if (!name) return undefined;
  const normalized = normalizeName(name);
  const marker = asString(entry.marker);
  const facts = markerFacts(marker);
  const effectiveGroup = group ?? (facts.extras.length ? `extra:${facts.extras.join('+')}` : 'main');
  const extras = asArray(entry.extras).filter((e): e is string => typeof e === 'string');
  const specifier = asString(entry.specifier) ?? '';
  const display = `${name}${extras.length ? `[${extras.join(',')}]` : ''}${specifier}${marker ? `; ${marker}` : ''}`;
  return {
    group: effectiveGroup,
    name: normalized,
    key: normalizedKey(effectiveGroup, normalized, extras, specifier, facts.atoms, !markerBlind.has(normalized)),
    display,
  };
}

/** PEP 735 groups with `{include-group = "…"}` expanded, as uv flattens them into `requires-dev`. */
function flattenDependencyGroups(groups: Table): Map<string, string[]> {
  const byName = new Map<string, unknown[]>();
  for (const [name, items] of Object.entries(groups)) byName.set(normalizeName(name), asArray(items));
  const flat = new Map<string, string[]>();
  const expand = (name: string, stack: Set<string>): string[] => {
    const done = flat.get(name);
    if (done) return done;
    if (stack.has(name)) return [];
    stack.add(name);
    const out: string[] = [];
    for (const item of byName.get(name) ?? []) {
      if (typeof item === 'string') out.push(item);
      else if (isTable(item) && typeof item['include-group'] === 'string') out.push(...expand(normalizeName(item['include-group']), stack));
    }
    stack.delete(name);
    flat.set(name, out);
    return out;
  };
  for (const name of byName.keys()) expand(name, new Set());
  return flat;
}

function findProjectPackage(doc: Table, projectName: string | undefined): Table | undefined {
  const packages = asArray(doc.package).filter(isTable);
  const isLocalProject = (p: Table) => {
    const source = table(p.source);
    return typeof source.editable === 'string' || typeof source.virtual === 'string' || typeof source.directory === 'string';
  };
  if (projectName) {
    const named = packages.filter((p) => typeof p.name === 'string' && normalizeName(p.name) === projectName);
    return named.find(isLocalProject) ?? named[0];
  }
  return packages.find((p) => {
    const source = table(p.source);
    return source.editable === '.' || source.virtual === '.';
  });
}

function checkUvLock(lock: Lockfile, lockText: string, pyproject: Table, declared: DeclaredRequirement[]): StaleFinding[] {
  const parsed = parseTomlSafely(lockText);
  if (!parsed.ok) return [];
  const doc = parsed.value;
  const project = table(pyproject.project);
  const projectName = typeof project.name === 'string' ? normalizeName(project.name) : undefined;
  const root = findProjectPackage(doc, projectName);
  // Without the project's own entry the lock records nothing to compare against.
  if (!root) return [];
  const metadata = table(root.metadata);
  const uv = table(table(pyproject.tool).uv);

  // `[tool.uv.sources]` may split one requirement into several by marker (per-index rules such as
  // torch from the CUDA index on Linux only). For those names markers are not compared.
  const markerBlind = new Set(Object.keys(table(uv.sources)).map(normalizeName));

  const manifest: Normalized[] = [];
  const addStrings = (items: unknown, group: string) => {
    for (const item of asArray(items)) {
      if (typeof item !== 'string') continue;
      const n = fromManifestString(item, group, markerBlind);
      if (n) manifest.push(n);
    }
  };
  addStrings(project.dependencies, 'main');
  for (const [extra, items] of Object.entries(table(project['optional-dependencies']))) addStrings(items, `extra:${normalizeName(extra)}`);
  const groups = flattenDependencyGroups(table(pyproject['dependency-groups']));
  const legacyDev = asArray(uv['dev-dependencies']).filter((d): d is string => typeof d === 'string');
  if (legacyDev.length) groups.set('dev', [...(groups.get('dev') ?? []), ...legacyDev]);
  for (const [group, items] of groups) addStrings(items, `group:${group}`);

  const recorded: Normalized[] = [];
  for (const entry of asArray(metadata['requires-dist'])) {
    const n = fromLockTable(entry, undefined, markerBlind);
    if (n) recorded.push(n);
  }
  for (const [group, items] of Object.entries(table(metadata['requires-dev']))) {
    for (const entry of asArray(items)) {
      const n = fromLockTable(entry, `group:${normalizeName(group)}`, markerBlind);
      if (n) recorded.push(n);
    }
  }

  const findings: StaleFinding[] = [];
  const recordedKeys = new Set(recorded.map((r) => r.key));
  const manifestKeys = new Set(manifest.map((m) => m.key));
  const reported = new Set<string>();
  for (const m of manifest) {
    if (recordedKeys.has(m.key) || reported.has(`${m.group}|${m.name}`)) continue;
    reported.add(`${m.group}|${m.name}`);
    const before = recorded.filter((r) => r.group === m.group && r.name === m.name).map((r) => `'${r.display}'`);
    if (!lock.packages.has(m.name) && m.name !== projectName) {
      findings.push({
        reason: 'missing-from-lock',
        requirement: m.name,
        message: `'${m.display}' in ${groupLabel(m.group)} is not in uv.lock. Run '${lock.lockCommand}'.`,
      });
    } else {
      findings.push({
        reason: 'requires-dist-differs',
        requirement: m.name,
        message: before.length
          ? `'${m.display}' in ${groupLabel(m.group)} differs from what uv.lock was locked with (${before.join(', ')}). Run '${lock.lockCommand}'.`
          : `'${m.display}' in ${groupLabel(m.group)} was added after uv.lock was written. Run '${lock.lockCommand}'.`,
      });
    }
  }
  for (const r of recorded) {
    if (manifestKeys.has(r.key) || reported.has(`${r.group}|${r.name}`)) continue;
    reported.add(`${r.group}|${r.name}`);
    findings.push({
      reason: 'requires-dist-differs',
      requirement: r.name,
      message: `uv.lock was locked with '${r.display}' in ${groupLabel(r.group)}, which pyproject.toml no longer declares. Run '${lock.lockCommand}'.`,
    });
  }

  findings.push(...compareUvManifestList(doc, uv, 'constraints', 'constraint-dependencies', lock.lockCommand));
  findings.push(...compareUvManifestList(doc, uv, 'overrides', 'override-dependencies', lock.lockCommand));

  // A locked version outside the new range is the more telling reason; it replaces the generic
  // "differs" for that name, so each name is reported once.
  const skip = new Set<string>();
  if (projectName) skip.add(projectName);
  const outside = outsideSpecifierFindings(lock, declared, skip);
  const outsideNames = new Set(outside.map((f) => f.requirement));
  return [...findings.filter((f) => f.reason !== 'requires-dist-differs' || !outsideNames.has(f.requirement)), ...outside];
}

/** `[tool.uv] constraint-dependencies` / `override-dependencies` against the lock's `[manifest]`. */
function compareUvManifestList(doc: Table, uv: Table, lockKey: string, toolKey: string, lockCommand: string): StaleFinding[] {
  const blind = new Set<string>();
  const declaredKeys = new Map<string, Normalized>();
  for (const item of asArray(uv[toolKey])) {
    if (typeof item !== 'string') continue;
    const n = fromManifestString(item, 'main', blind);
    if (n) declaredKeys.set(n.key, n);
  }
  const recordedKeys = new Map<string, Normalized>();
  for (const entry of asArray(table(doc.manifest)[lockKey])) {
    const n = fromLockTable(entry, 'main', blind);
    if (n) recordedKeys.set(n.key, n);
  }
  const findings: StaleFinding[] = [];
  for (const [key, n] of declaredKeys) {
    if (recordedKeys.has(key)) continue;
    findings.push({ reason: 'requires-dist-differs', requirement: n.name, message: `'${n.display}' in [tool.uv] ${toolKey} is not what uv.lock was locked with. Run '${lockCommand}'.` });
  }
  for (const [key, n] of recordedKeys) {
    if (declaredKeys.has(key)) continue;
    findings.push({ reason: 'requires-dist-differs', requirement: n.name, message: `uv.lock was locked with ${lockKey.slice(0, -1)} '${n.display}', which [tool.uv] ${toolKey} no longer lists. Run '${lockCommand}'.` });
  }
  return findings;
}
