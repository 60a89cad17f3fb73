// pypa/packaging's own test expectations (dumped into ../shared/corpus by the project's maintainers),
// replayed against our PEP 440 and PEP 508 code. The corpus lives outside the repository, so a fresh
// clone skips this suite.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  compareVersions,
  filterVersions,
  isValidSpecifier,
  isValidVersion,
  normalizeVersion,
  satisfies,
} from '../../../src/core/python/pep440';
import { normalizeName } from '../../../src/core/python/pep503';
import { parseRequirement } from '../../../src/core/python/pep508';

interface Vectors {
  version_valid: string[];
  version_invalid: string[];
  version_normalized: Array<{ version: string; normalized: string }>;
  version_sorted_ascending: string[];
  specifier_contains_prereleases_true: Array<{ version: string; spec_str: string; expected: boolean }>;
  specifier_invalid: string[];
  specifierset_filter: Array<{
    specifier: string;
    specifier_prereleases: boolean | null;
    prereleases: boolean | null;
    input: string[];
    expected: string[];
  }>;
  canonicalize_name: Array<{ name: string; expected: string }>;
  requirement_valid_grid: string[];
  requirement_errors: Array<{ input: string; message: string; span?: [number, number] }>;
}

const VECTORS_PATH = path.resolve(__dirname, '../../../../shared/corpus/packaging-vectors.json');
const available = existsSync(VECTORS_PATH);
const vectors: Vectors | undefined = available ? (JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as Vectors) : undefined;

/** Runs `check` on every case, collects failures, prints the tally, and fails listing what went wrong. */
function expectAll<T>(category: string, cases: readonly T[], check: (item: T) => string | undefined): void {
  const failures: string[] = [];
  for (const item of cases) {
    const problem = check(item);
    if (problem) failures.push(problem);
  }
  console.log(`  ${category}: ${cases.length - failures.length}/${cases.length} pass`);
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} ${category} cases failed`);
}

describe('pypa/packaging conformance vectors', { skip: available ? false : `not found: ${VECTORS_PATH}` }, () => {
  const v = vectors as Vectors;

  test('valid versions', () => {
    expectAll('valid versions', v.version_valid, (version) => (isValidVersion(version) ? undefined : version));
  });

  test('invalid versions', () => {
    expectAll('invalid versions', v.version_invalid, (version) => (isValidVersion(version) ? version : undefined));
  });

  test('normalization', () => {
    expectAll('normalizations', v.version_normalized, ({ version, normalized }) => {
      const actual = normalizeVersion(version);
      return actual === normalized ? undefined : `${version} → ${actual}, expected ${normalized}`;
    });
  });

  test('ordering (every pair of the sorted list)', () => {
    const sorted = v.version_sorted_ascending;
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < sorted.length; i++) for (let j = 0; j < sorted.length; j++) pairs.push([i, j]);
    expectAll('ordered pairs', pairs, ([i, j]) => {
      const a = sorted[i] as string;
      const b = sorted[j] as string;
      const actual = compareVersions(a, b);
      return actual === Math.sign(i - j) ? undefined : `compare(${a}, ${b}) = ${actual}`;
    });
  });

  test('specifier contains (prereleases=True)', () => {
    expectAll('specifier contains', v.specifier_contains_prereleases_true, ({ version, spec_str, expected }) => {
      const actual = satisfies(version, spec_str, { prereleases: true });
      return actual === expected ? undefined : `${version} in ${spec_str}: ${actual}, expected ${expected}`;
    });
  });

  test('invalid specifiers', () => {
    expectAll('invalid specifiers', v.specifier_invalid, (spec) => (isValidSpecifier(spec) ? `accepted ${spec}` : undefined));
  });

  test('specifier set filter', () => {
    expectAll('filter', v.specifierset_filter, (c) => {
      const actual = filterVersions(c.input, c.specifier, {
        prereleases: c.prereleases ?? undefined,
        specifierPrereleases: c.specifier_prereleases ?? undefined,
      });
      return JSON.stringify(actual) === JSON.stringify(c.expected)
        ? undefined
        : `${JSON.stringify(c)} → ${JSON.stringify(actual)}`;
    });
  });

  test('name canonicalization (PEP 503)', () => {
    expectAll('canonical names', v.canonicalize_name, ({ name, expected }) =>
      normalizeName(name) === expected ? undefined : `${name} → ${normalizeName(name)}`,
    );
  });

  test('valid requirements parse', () => {
    expectAll('valid requirements', v.requirement_valid_grid, (text) => {
      const result = parseRequirement(text);
      return result.ok ? undefined : `${JSON.stringify(text)}: ${result.message}`;
    });
  });

  test('valid requirements: spans cut out the parts they name', () => {
    expectAll('requirement spans', v.requirement_valid_grid, (text) => {
      const result = parseRequirement(text);
      if (!result.ok) return `${JSON.stringify(text)}: ${result.message}`;
      const r = result.requirement;
      const cut = (span: { start: number; end: number }) => text.slice(span.start, span.end);
      if (cut(r.nameSpan) !== r.name) return `${JSON.stringify(text)}: name span`;
      if (r.url !== undefined && (!r.urlSpan || cut(r.urlSpan) !== r.url)) return `${JSON.stringify(text)}: url span`;
      if (r.marker !== undefined && (!r.markerSpan || cut(r.markerSpan) !== r.marker)) return `${JSON.stringify(text)}: marker span`;
      if (r.marker !== undefined && r.marker !== r.marker.trim()) return `${JSON.stringify(text)}: marker not trimmed`;
      for (const clause of r.specifiers) {
        if (cut(clause.operatorSpan) !== clause.operator || cut(clause.versionSpan) !== clause.version) {
          return `${JSON.stringify(text)}: clause span`;
        }
      }
      if (r.extrasSpan && !/^\[.*\]$/s.test(cut(r.extrasSpan))) return `${JSON.stringify(text)}: extras span`;
      return undefined;
    });
  });

  test('requirement errors: same message, span matching packaging', () => {
    let exact = 0;
    let exactWithinInput = 0;
    let withSpan = 0;
    expectAll('requirement errors', v.requirement_errors, ({ input, message, span }) => {
      const result = parseRequirement(input);
      if (result.ok) return `${JSON.stringify(input)} was accepted`;
      if (result.message !== message) return `${JSON.stringify(input)}: message ${JSON.stringify(result.message)}`;
      if (!span) return undefined;
      withSpan++;
      // packaging's span ends one past its caret; at the end of the input that is past the text,
      // which we clamp to the text's end.
      const [start, end] = span;
      if (result.span.start === start && result.span.end === end) exact++;
      const clampedEnd = Math.min(end, input.length);
      if (result.span.start === start && result.span.end === clampedEnd) {
        exactWithinInput++;
        return undefined;
      }
      return `${JSON.stringify(input)}: span ${JSON.stringify(result.span)}, packaging [${start}, ${end}]`;
    });
    console.log(
      `  error spans: ${exact}/${withSpan} identical to packaging's, ${exactWithinInput}/${withSpan} identical once clamped to the input`,
    );
  });
});
