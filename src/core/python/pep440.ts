/**
 * PEP 440 versions and version specifiers, with the semantics of pypa/packaging (the library pip uses).
 *
 * Approach: versions come from `@renovatebot/pep440` (parsing, validity, normalization and ordering
 * pass every one of packaging's vectors), but specifier *matching* and specifier *validation* are ours.
 * Measured against packaging's vectors, renovate 5.0.1 gets 20 of 188 "contains" cases wrong and
 * accepts 4 invalid specifiers. The gaps are structural rather than a few special cases:
 * - `==V.*` / `!=V.*` compare by string prefix, so `2` and `2rc1` are outside `==2.0.*`;
 * - `>V` / `<V` apply PEP 440's pre/post/local carve-outs to V's whole release rather than to V's
 *   own family, so `3.0.0a8` is outside `>3.0.0a7` and `1.0.post2+local` outside `>1.0.post1`;
 * - one loose grammar serves every operator, so `==2.0a1.*` and `!=2.0.post1.*` are accepted.
 * Wrapping those from the outside would mean re-implementing the operators anyway, so each operator
 * below is a small predicate over renovate's parsed versions and its `compare`, transcribed from
 * packaging's range definitions (`_ranges.py`, 2026), and validation uses packaging's per-operator
 * grammar (`Specifier._specifier_regex_str`).
 * The conformance suite in `test/unit/python/` checks all of it against packaging's vectors.
 */
import { compare as renovateCompare, parse as renovateParse } from '@renovatebot/pep440';

/** A parsed PEP 440 version, in renovate's normalized shape. */
export interface Version {
  epoch: number;
  release: number[];
  /** Normalized letter (`a`, `b`, `rc`) and number. */
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  /** Local label parts (`+ubuntu.1` → `['ubuntu', 1]`), or null. */
  local: Array<string | number> | null;
}

interface RenovateParsed {
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: [string, number] | null;
  dev: [string, number] | null;
  local: Array<string | number> | null;
}

/** Parses a version the way `packaging.version.Version` does (surrounding whitespace allowed). */
export function parseVersion(text: string): Version | undefined {
  const parsed = renovateParse(text.trim()) as unknown as RenovateParsed | null;
  if (!parsed) return undefined;
  return {
    epoch: parsed.epoch,
    release: parsed.release,
    pre: parsed.pre,
    post: parsed.post ? parsed.post[1] : null,
    dev: parsed.dev ? parsed.dev[1] : null,
    local: parsed.local,
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/** The canonical string of a parsed version (`str(Version(...))` in packaging). */
export function formatVersion(version: Version): string {
  let out = version.epoch !== 0 ? `${version.epoch}!` : '';
  out += version.release.join('.');
  if (version.pre) out += `${version.pre[0]}${version.pre[1]}`;
  if (version.post !== null) out += `.post${version.post}`;
  if (version.dev !== null) out += `.dev${version.dev}`;
  // Joined by hand: renovate's own stringify interpolates the parts array, which joins with commas.
  if (version.local) out += `+${version.local.join('.')}`;
  return out;
}

/** `1.0-r1` → `1.0.post1`; undefined when not a valid version. */
export function normalizeVersion(text: string): string | undefined {
  const parsed = parseVersion(text);
  return parsed ? formatVersion(parsed) : undefined;
}

/** The version without its `+local` label: `2.11.0+cu128` → `2.11.0`. Invalid input is returned as given, minus anything after `+`. */
export function publicVersion(text: string): string {
  const parsed = parseVersion(text);
  if (!parsed) return text.trim().split('+', 1)[0] ?? '';
  return formatVersion({ ...parsed, local: null });
}

export function isPrerelease(version: Version): boolean {
  return version.pre !== null || version.dev !== null;
}

function compareParsed(a: Version, b: Version): number {
  return renovateCompare(formatVersion(a), formatVersion(b));
}

/** PEP 440 ordering: negative, zero or positive. Both arguments must be valid versions. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) throw new Error(`Invalid version: '${!left ? a : b}'`);
  return Math.sign(compareParsed(left, right));
}

// ---------------------------------------------------------------------------------------------
// Specifier grammar, transcribed from packaging's `Specifier._specifier_regex_str`. It is the
// single source of truth for what a specifier is: the requirement parser tokenizes with it too.
// Compiled without the `u` flag on purpose: case-insensitive matching then stays ASCII, like
// packaging's `(?a:...)` groups, so `1.2.3prevıew1` (dotless i) is rejected.
// ---------------------------------------------------------------------------------------------
const PRE_SEGMENT = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`;
const POST_SEGMENT = String.raw`(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?`;
const DEV_SEGMENT = String.raw`(?:[-_.]?dev[-_.]?[0-9]*)?`;
const LOCAL_SEGMENT = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
const EPOCH_AND_RELEASE = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`;

/** One specifier clause (operator and version), without surrounding whitespace. */
export const SPECIFIER_PATTERN =
  String.raw`(?:===\s*[^\s;)]*)` +
  String.raw`|(?:(?:==|!=)\s*${EPOCH_AND_RELEASE}(?:\.\*|${PRE_SEGMENT}${POST_SEGMENT}${DEV_SEGMENT}${LOCAL_SEGMENT})?)` +
  String.raw`|(?:~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+${PRE_SEGMENT}${POST_SEGMENT}${DEV_SEGMENT})` +
  String.raw`|(?:(?:<=|>=|<|>)\s*${EPOCH_AND_RELEASE}${PRE_SEGMENT}${POST_SEGMENT}${DEV_SEGMENT})`;

const FULL_SPECIFIER = new RegExp(String.raw`^\s*(?:${SPECIFIER_PATTERN})\s*$`, 'i');

export interface Specifier {
  operator: string;
  /** The version text as written (trimmed), including a trailing `.*` for prefix matches. */
  version: string;
}

/** Parses one clause such as `>= 1.0`; undefined when invalid. */
export function parseSpecifier(text: string): Specifier | undefined {
  if (!FULL_SPECIFIER.test(text)) return undefined;
  const spec = text.trim();
  const operatorLength = spec.startsWith('===') ? 3 : /^(~=|==|!=|<=|>=)/.test(spec) ? 2 : 1;
  return { operator: spec.slice(0, operatorLength), version: spec.slice(operatorLength).trim() };
}

/** Parses a comma-separated specifier set like packaging's `SpecifierSet` (empty clauses are dropped, `""` is the empty set). */
export function parseSpecifierSet(text: string): Specifier[] | undefined {
  const specifiers: Specifier[] = [];
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const specifier = parseSpecifier(part);
    if (!specifier) return undefined;
    specifiers.push(specifier);
  }
  return specifiers;
}

/** A comma-separated specifier set, as `packaging.specifiers.SpecifierSet` accepts it (the empty string is the empty set). */
export function isValidSpecifier(spec: string): boolean {
  return parseSpecifierSet(spec) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Matching. Each operator is a predicate over parsed versions; a set is their conjunction.
// ---------------------------------------------------------------------------------------------

function trimmedRelease(release: number[]): number[] {
  let end = release.length;
  while (end > 1 && release[end - 1] === 0) end--;
  return release.slice(0, end);
}

/** Same epoch, same release once trailing zeros are ignored, same pre-release. */
function sameReleaseAndPre(candidate: Version, base: Version): boolean {
  if (candidate.epoch !== base.epoch) return false;
  const a = trimmedRelease(candidate.release);
  const b = trimmedRelease(base.release);
  if (a.length !== b.length || a.some((part, i) => part !== b[i])) return false;
  return (candidate.pre?.[0] ?? null) === (base.pre?.[0] ?? null) && (candidate.pre?.[1] ?? null) === (base.pre?.[1] ?? null);
}

/** `candidate` is `base` or `base+anything`. */
function inLocalFamily(candidate: Version, base: Version): boolean {
  return sameReleaseAndPre(candidate, base) && candidate.post === base.post && candidate.dev === base.dev;
}

/** `candidate` is `base`, `base+local` or any post-release of `base` (what `>base` must skip). */
function inPostFamily(candidate: Version, base: Version): boolean {
  return sameReleaseAndPre(candidate, base) && (candidate.dev === base.dev || candidate.post !== null);
}

function withParts(version: Version, parts: Partial<Version>): Version {
  return { ...version, local: null, ...parts };
}

/** The smallest version of the next prefix: `1.2` → `1.3.dev0`. */
function nextPrefixDev0(epoch: number, release: number[]): Version {
  const next = [...release.slice(0, -1), (release[release.length - 1] ?? 0) + 1];
  return { epoch, release: next, pre: null, post: null, dev: 0, local: null };
}

type Predicate = (candidate: Version) => boolean;

function matcherFor(specifier: Specifier): Predicate | undefined {
  const { operator } = specifier;
  if (operator === '===') return undefined;

  if (specifier.version.endsWith('.*')) {
    const base = parseVersion(specifier.version.slice(0, -2));
    if (!base) throw new Error(`Invalid specifier version: '${specifier.version}'`);
    const lower: Version = { epoch: base.epoch, release: base.release, pre: null, post: null, dev: 0, local: null };
    const upper = nextPrefixDev0(base.epoch, base.release);
    const inPrefix: Predicate = (v) => compareParsed(v, lower) >= 0 && compareParsed(v, upper) < 0;
    return operator === '==' ? inPrefix : (v) => !inPrefix(v);
  }

  const spec = parseVersion(specifier.version);
  if (!spec) throw new Error(`Invalid specifier version: '${specifier.version}'`);
  switch (operator) {
    case '>=':
      return (v) => compareParsed(v, spec) >= 0;
    case '<=':
      // A spec without a local label admits every local build of the same public version.
      return (v) => compareParsed(v, spec) <= 0 || inLocalFamily(v, spec);
    case '==':
    case '!=': {
      const equal: Predicate = spec.local
        ? (v) => compareParsed(v, spec) === 0
        : (v) => compareParsed(v, spec) >= 0 && (compareParsed(v, spec) <= 0 || inLocalFamily(v, spec));
      return operator === '==' ? equal : (v) => !equal(v);
    }
    case '<': {
      // `<V` must not admit V's own pre-releases unless V is itself a pre-release.
      const bound = isPrerelease(spec) ? spec : withParts(spec, { dev: 0 });
      return (v) => compareParsed(v, bound) < 0;
    }
    case '>': {
      // `>V` must not admit V's post-releases (or local builds) unless V is itself a post-release.
      if (spec.dev !== null) {
        const bound = withParts(spec, { dev: spec.dev + 1 });
        return (v) => compareParsed(v, bound) >= 0;
      }
      if (spec.post !== null) {
        const bound = withParts(spec, { post: spec.post + 1, dev: 0 });
        return (v) => compareParsed(v, bound) >= 0;
      }
      return (v) => compareParsed(v, spec) > 0 && !inPostFamily(v, spec);
    }
    case '~=': {
      const upper = nextPrefixDev0(spec.epoch, spec.release.slice(0, -1));
      return (v) => compareParsed(v, spec) >= 0 && compareParsed(v, upper) < 0;
    }
    default:
      throw new Error(`Unknown operator: '${operator}'`);
  }
}

/** Whether a clause on its own opts in to pre-releases (packaging's `Specifier.prereleases`). */
function specifierImpliesPrereleases(specifier: Specifier): boolean | undefined {
  if (specifier.operator === '!=') return false;
  if (specifier.operator === '==' && specifier.version.endsWith('.*')) return false;
  const version = parseVersion(specifier.version);
  if (!version) return undefined;
  return isPrerelease(version);
}

export interface PrereleaseOptions {
  /** Per-call override (packaging's `prereleases=` argument). Unset: PEP 440's default. */
  prereleases?: boolean;
  /** Set-level override (packaging's `SpecifierSet(..., prereleases=)`). */
  specifierPrereleases?: boolean;
}

/** A compiled specifier set with packaging's `filter` and `contains` semantics. */
export class SpecifierSet {
  private readonly clauses: Array<{ specifier: Specifier; matches: Predicate | undefined }>;
  private readonly hasArbitrary: boolean;

  constructor(
    readonly specifiers: Specifier[],
    private readonly setPrereleases?: boolean,
  ) {
    this.clauses = specifiers.map((specifier) => ({ specifier, matches: matcherFor(specifier) }));
    this.hasArbitrary = specifiers.some((s) => s.operator === '===');
  }

  static parse(text: string, setPrereleases?: boolean): SpecifierSet | undefined {
    const specifiers = parseSpecifierSet(text);
    return specifiers ? new SpecifierSet(specifiers, setPrereleases) : undefined;
  }

  /** packaging's `SpecifierSet.prereleases`: an explicit setting, else true when any clause names a pre-release. */
  get prereleases(): boolean | undefined {
    if (this.setPrereleases !== undefined) return this.setPrereleases;
    if (this.specifiers.length === 0) return undefined;
    return this.specifiers.some((s) => specifierImpliesPrereleases(s) === true) ? true : undefined;
  }

  /** Every clause admits the item, ignoring pre-release policy. `===` compares the raw text, case-insensitively. */
  private matchesAll(item: string, parsed: Version | undefined): boolean {
    return this.clauses.every(({ specifier, matches }) => {
      if (!matches) return item.toLowerCase() === specifier.version.toLowerCase();
      return parsed !== undefined && matches(parsed);
    });
  }

  filter(items: readonly string[], prereleases?: boolean): string[] {
    let policy = prereleases;
    if (policy === undefined) policy = this.prereleases;

    if (this.specifiers.length > 0 && !this.hasArbitrary) {
      // Standard operators never match an unparsable version.
      const matched = items.filter((item) => {
        const parsed = parseVersion(item);
        if (!parsed || !this.matchesAll(item, parsed)) return false;
        return !(policy === false && isPrerelease(parsed));
      });
      if (policy !== undefined) return matched;
      const finals = matched.filter((item) => !isPrerelease(parseVersion(item) as Version));
      return finals.length > 0 ? finals : matched;
    }

    const matched = items.filter((item) => this.matchesAll(item, parseVersion(item)));
    return applyPrereleasePolicy(matched, policy);
  }

  contains(version: string, prereleases?: boolean): boolean {
    return this.filter([version], prereleases).length > 0;
  }
}

/**
 * packaging's `_apply_prereleases_filter`: unparsable strings always pass (nothing says they are
 * pre-releases); by default pre-releases are dropped unless nothing final is left.
 */
function applyPrereleasePolicy(items: string[], prereleases: boolean | undefined): string[] {
  if (prereleases === true) return items;
  if (prereleases === false) {
    return items.filter((item) => {
      const parsed = parseVersion(item);
      return !parsed || !isPrerelease(parsed);
    });
  }
  const hasFinal = items.some((item) => {
    const parsed = parseVersion(item);
    return parsed !== undefined && !isPrerelease(parsed);
  });
  if (!hasFinal) return items;
  return items.filter((item) => {
    const parsed = parseVersion(item);
    return !parsed || !isPrerelease(parsed);
  });
}

/**
 * Whether `version` satisfies the comma-separated `spec`, like `SpecifierSet(spec).contains(version)`.
 * With `prereleases` unset a pre-release matches when the ranges admit it (packaging's current
 * behaviour for a single candidate). An invalid `spec` matches nothing; check `isValidSpecifier` first
 * when the difference matters.
 */
export function satisfies(version: string, spec: string, opts?: PrereleaseOptions): boolean {
  const set = SpecifierSet.parse(spec, opts?.specifierPrereleases);
  return set ? set.contains(version, opts?.prereleases) : false;
}

/** The versions `spec` admits, in input order, with PEP 440's pre-release policy (packaging's `SpecifierSet.filter`). */
export function filterVersions(versions: readonly string[], spec: string, opts?: PrereleaseOptions): string[] {
  const set = SpecifierSet.parse(spec, opts?.specifierPrereleases);
  if (!set) throw new Error(`Invalid specifier: '${spec}'`);
  return set.filter(versions, opts?.prereleases);
}
