import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequirement, type ParsedRequirement, type Span } from '../../../src/core/python/pep508';

function parsed(text: string): ParsedRequirement {
  const result = parseRequirement(text);
  if (!result.ok) assert.fail(`expected ${JSON.stringify(text)} to parse, got: ${result.message}`);
  return result.requirement;
}

function failure(text: string): { message: string; span: Span } {
  const result = parseRequirement(text);
  if (result.ok) assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
  return result;
}

function slice(text: string, span: Span | undefined): string | undefined {
  return span && text.slice(span.start, span.end);
}

describe('PEP 508: the grammar examples from the PEP', () => {
  // The examples the PEP's reference grammar is tested with, and what each must parse to.
  const cases: Array<[string, Partial<Record<'name' | 'url' | 'marker', string>> & { extras?: string[]; specs?: string[] }]> = [
    ['A', { name: 'A' }],
    ['A.B-C_D', { name: 'A.B-C_D' }],
    ['aa', { name: 'aa' }],
    ['name', { name: 'name' }],
    ['name<=1', { name: 'name', specs: ['<=1'] }],
    ['name>=3', { name: 'name', specs: ['>=3'] }],
    ['name>=3,<2', { name: 'name', specs: ['>=3', '<2'] }],
    ['name@http://foo.com', { name: 'name', url: 'http://foo.com' }],
    [
      "name [fred,bar] @ http://foo.com ; python_version=='2.7'",
      { name: 'name', extras: ['fred', 'bar'], url: 'http://foo.com', marker: "python_version=='2.7'" },
    ],
    [
      "name[quux, strange];python_version<'2.7' and platform_version=='2'",
      { name: 'name', extras: ['quux', 'strange'], marker: "python_version<'2.7' and platform_version=='2'" },
    ],
    ["name; os_name=='a' or os_name=='b'", { name: 'name', marker: "os_name=='a' or os_name=='b'" }],
    ["name; os_name=='a' and os_name=='b' or os_name=='c'", { marker: "os_name=='a' and os_name=='b' or os_name=='c'" }],
    ["name; os_name=='a' and (os_name=='b' or os_name=='c')", { marker: "os_name=='a' and (os_name=='b' or os_name=='c')" }],
    ["name; os_name=='a' or os_name=='b' and os_name=='c'", { marker: "os_name=='a' or os_name=='b' and os_name=='c'" }],
    ["name; (os_name=='a' or os_name=='b') and os_name=='c'", { marker: "(os_name=='a' or os_name=='b') and os_name=='c'" }],
  ];
  for (const [text, expected] of cases) {
    test(text, () => {
      const requirement = parsed(text);
      if (expected.name !== undefined) assert.equal(requirement.name, expected.name);
      assert.deepEqual(requirement.extras, expected.extras ?? []);
      assert.deepEqual(
        requirement.specifiers.map((s) => s.operator + s.version),
        expected.specs ?? [],
      );
      assert.equal(requirement.url, expected.url);
      assert.equal(requirement.marker, expected.marker);
    });
  }
});

describe('PEP 508: spans', () => {
  test('every part of a full requirement', () => {
    const text = "name [fred,bar] @ http://foo.com ; python_version=='2.7'";
    const r = parsed(text);
    assert.deepEqual(r.nameSpan, { start: 0, end: 4 });
    assert.deepEqual(r.extrasSpan, { start: 5, end: 15 });
    assert.equal(slice(text, r.extrasSpan), '[fred,bar]');
    assert.deepEqual(r.urlSpan, { start: 18, end: 32 });
    assert.deepEqual(r.markerSpan, { start: 35, end: 56 });
    assert.equal(slice(text, r.markerSpan), "python_version=='2.7'");
    assert.equal(r.specifierSpan, undefined);
  });

  test('specifier clauses: operator, version and whole clause', () => {
    const text = 'numpy >= 1.24 , < 2.0 ; python_version >= "3.9"';
    const r = parsed(text);
    assert.equal(r.normalizedName, 'numpy');
    assert.equal(slice(text, r.specifierSpan), '>= 1.24 , < 2.0');
    assert.deepEqual(
      r.specifiers.map((c) => [c.operator, c.version, slice(text, c.span), slice(text, c.operatorSpan), slice(text, c.versionSpan)]),
      [
        ['>=', '1.24', '>= 1.24', '>=', '1.24'],
        ['<', '2.0', '< 2.0', '<', '2.0'],
      ],
    );
    assert.deepEqual(r.specifiers[0]?.versionSpan, { start: 9, end: 13 });
    assert.equal(slice(text, r.markerSpan), 'python_version >= "3.9"');
  });

  test('parenthesized specifiers: the span is inside the parentheses', () => {
    const text = 'Django (>=4.2,<5)';
    const r = parsed(text);
    assert.equal(r.parenthesized, true);
    assert.equal(slice(text, r.specifierSpan), '>=4.2,<5');
    assert.deepEqual(r.specifierSpan, { start: 8, end: 16 });
    assert.deepEqual(
      r.specifiers.map((c) => slice(text, c.span)),
      ['>=4.2', '<5'],
    );
    const spaced = 'Django ( == 4.2.* ) ; extra == "web"';
    const s = parsed(spaced);
    assert.equal(slice(spaced, s.specifierSpan), '== 4.2.*');
    assert.equal(s.specifiers[0]?.version, '4.2.*');
    assert.equal(s.marker, 'extra == "web"');
  });

  test('normalized name follows PEP 503', () => {
    assert.equal(parsed('Foo.Bar__baz').normalizedName, 'foo-bar-baz');
  });

  test('a trailing comma in a specifier set is accepted, as packaging does', () => {
    const text = 'name>=1.0,';
    const r = parsed(text);
    assert.equal(r.specifiers.length, 1);
    assert.equal(slice(text, r.specifierSpan), '>=1.0');
  });
});

describe('PEP 508: insertSpecifierAt', () => {
  const cases: Array<[string, number]> = [
    ['pandas', 6],
    ['pandas[excel]', 13],
    ["pandas ; python_version>'3.8'", 6],
    ["pandas[excel]; sys_platform=='linux'", 13],
    ['  pandas  ', 8],
    ['pandas [excel] ', 14],
    ['pandas ()', 8],
  ];
  for (const [text, offset] of cases) {
    test(JSON.stringify(text), () => {
      const r = parsed(text);
      assert.equal(r.insertSpecifierAt, offset);
      assert.equal(r.specifiers.length, 0);
      // Inserting a pin there must give a valid requirement that carries it.
      const pinned = parsed(text.slice(0, offset) + '==2.2.3' + text.slice(offset));
      assert.deepEqual(
        pinned.specifiers.map((c) => c.operator + c.version),
        ['==2.2.3'],
      );
    });
  }
});

test('insertSpecifierAt on a URL requirement is after the name (a URL cannot take a specifier)', () => {
  assert.equal(parsed('pandas @ https://example.com/pandas.whl').insertSpecifierAt, 6);
});

describe('PEP 508: whitespace variants', () => {
  for (const text of [
    'name>=1.0',
    ' name >= 1.0 ',
    '\tname\t>=\t1.0\t',
    'name(>=1.0)',
    'name ( >=1.0 )',
    'name\t(\t>=\t1.0\t)',
    'name>=1.0;python_version>"3"',
    'name >= 1.0 ; python_version > "3"',
  ]) {
    test(JSON.stringify(text), () => {
      const r = parsed(text);
      assert.equal(r.name, 'name');
      assert.deepEqual(
        r.specifiers.map((c) => [c.operator, c.version]),
        [['>=', '1.0']],
      );
      assert.equal(slice(text, r.nameSpan), 'name');
    });
  }

  test('URL requirements need whitespace before the marker', () => {
    const r = parsed('name @ https://example.com/a.whl ; extra == "x"');
    assert.equal(r.url, 'https://example.com/a.whl');
    assert.equal(r.marker, 'extra == "x"');
  });

  test('scp-style git URL', () => {
    const text = 'pkg @ git+ssh://git@github.com/org/pkg.git@v1.0';
    assert.equal(parsed(text).url, 'git+ssh://git@github.com/org/pkg.git@v1.0');
  });
});

describe('PEP 508: arbitrary equality', () => {
  test('=== takes anything up to whitespace, ; or )', () => {
    const text = 'name===1.0-foo+bar_baz ; os_name == "nt"';
    const r = parsed(text);
    assert.deepEqual(
      r.specifiers.map((c) => [c.operator, c.version, slice(text, c.versionSpan)]),
      [['===', '1.0-foo+bar_baz', '1.0-foo+bar_baz']],
    );
    assert.equal(r.marker, 'os_name == "nt"');
  });

  test('=== followed by a comma-separated valid clause yields two clauses', () => {
    const text = 'name===x,>=1.0';
    const r = parsed(text);
    assert.deepEqual(
      r.specifiers.map((c) => [c.operator, c.version, slice(text, c.span)]),
      [
        ['===', 'x', '===x'],
        ['>=', '1.0', '>=1.0'],
      ],
    );
  });

  test('=== followed by an invalid clause is rejected at that clause', () => {
    const error = failure('demo===x,y');
    assert.equal(error.message, "Invalid specifier: 'y'");
    assert.deepEqual(error.span, { start: 9, end: 10 });
  });
});

describe('PEP 508: version validation inside specifiers', () => {
  for (const valid of ['name==2.0.*', 'name!=2.0.*', 'name~=1.4', 'name==1.0+local', 'name>=v1.0', 'name===anything', 'name>=1!2.0']) {
    test(`accepts ${valid}`, () => {
      parsed(valid);
    });
  }

  test('rejects >=2.0.* and points at the clause', () => {
    const error = failure('name>=2.0.*');
    assert.equal(error.message, '.* suffix can only be used with `==` or `!=` operators');
    assert.deepEqual(error.span, { start: 4, end: 11 });
  });

  test('rejects ~=1 (compatible release needs two components)', () => {
    const error = failure('name~=1');
    assert.match(error.message, /^Expected semicolon \(after name with no version specifier\) or end$/);
    assert.deepEqual(error.span, { start: 4, end: 5 });
  });

  test('rejects a local label outside == and !=', () => {
    const error = failure('name>=1.0+local');
    assert.equal(error.message, 'Local version label can only be used with `==` or `!=` operators');
    assert.deepEqual(error.span, { start: 4, end: 10 });
  });

  test('rejects a prefix match on a pre-release', () => {
    assert.equal(failure('name==2.0a1.*').message, '.* suffix cannot be used with pre-release, post-release, dev or local versions');
  });
});

describe('PEP 508: invalid inputs have clear messages and spans', () => {
  test('pandas>=>2', () => {
    const text = 'pandas>=>2';
    const error = failure(text);
    assert.equal(error.message, 'Expected semicolon (after name with no version specifier) or end');
    assert.deepEqual(error.span, { start: 6, end: 7 });
  });

  test('foo>=lolwat', () => {
    const error = failure('foo>=lolwat');
    assert.equal(error.message, 'Expected semicolon (after name with no version specifier) or end');
    assert.deepEqual(error.span, { start: 3, end: 4 });
  });

  test('name[', () => {
    const error = failure('name[');
    assert.equal(error.message, 'Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras');
    assert.deepEqual(error.span, { start: 4, end: 5 });
  });

  test('name @ (nothing after @)', () => {
    const error = failure('name @ ');
    assert.equal(error.message, 'Expected URL after @');
    // At the end of the input the span is empty, at the end.
    assert.deepEqual(error.span, { start: 7, end: 7 });
  });

  test('empty string', () => {
    const error = failure('');
    assert.equal(error.message, 'Expected package name at the start of dependency specifier');
    assert.deepEqual(error.span, { start: 0, end: 0 });
  });

  test('unterminated marker string', () => {
    const text = "name; os_name == 'posix";
    const error = failure(text);
    assert.equal(error.message, 'Expected a marker variable or quoted string');
    assert.deepEqual(error.span, { start: 17, end: 18 });
    assert.equal(failure('name; os_name == "posix').message, 'Expected a marker variable or quoted string');
  });

  test('a quoted string Python cannot read', () => {
    const text = "name; os_name == 'a\\'";
    const error = failure(text);
    assert.equal(error.message, 'Invalid quoted string');
    assert.equal(slice(text, error.span), "'a\\'");
    assert.equal(failure("name; os_name == '\\x4'").message, 'Invalid quoted string');
    parsed("name; os_name == '\\x41\\d'");
  });

  test('unknown marker variable', () => {
    const error = failure('name; python_versions > "3"');
    assert.equal(error.message, 'Expected a marker variable or quoted string');
    assert.deepEqual(error.span, { start: 6, end: 7 });
  });

  test('dangling boolean operator and unclosed marker parenthesis', () => {
    assert.equal(failure('name; os_name == "a" and').message, 'Expected a marker variable or quoted string');
    const error = failure('name; (os_name == "a"');
    assert.equal(error.message, 'Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression');
    assert.deepEqual(error.span, { start: 6, end: 21 });
  });

  test('unclosed specifier parenthesis', () => {
    const error = failure('name (>= 1.0');
    assert.equal(error.message, 'Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier');
    assert.deepEqual(error.span, { start: 5, end: 12 });
  });

  test('junk after a marker', () => {
    const error = failure('name; os_name == "a" )');
    assert.equal(error.message, 'Expected end of dependency specifier');
    assert.deepEqual(error.span, { start: 21, end: 22 });
  });

  test('names must start and end with a letter or digit', () => {
    assert.equal(failure('-name').message, 'Expected package name at the start of dependency specifier');
    // A trailing '-' is not part of the name, so it is left over.
    assert.equal(failure('name-').message, 'Expected semicolon (after name with no version specifier) or end');
  });

  test('a non-ASCII letter glued to a name is not a word boundary (Python semantics)', () => {
    assert.equal(failure('namé').message, 'Expected package name at the start of dependency specifier');
  });
});

describe('PEP 508: robustness', () => {
  // A small deterministic generator keeps failures reproducible without a seed to report.
  let state = 42;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;
  const ws = () => pick(['', '', ' ', '\t', '  ']);

  /** A random well-formed requirement, with the parts it must report. */
  function wellFormed(): { text: string; name: string; extras: string[]; specs: string[]; marker?: string; url?: string } {
    const name = pick(['a', 'numpy', 'scikit-learn', 'Foo.Bar_baz', 'x1']);
    const extras = next(3) === 0 ? [] : [pick(['dev', 'gpu']), pick(['test', 'all'])].slice(0, 1 + next(2));
    let text = ws() + name + ws();
    if (extras.length || next(4) === 0) text += '[' + ws() + extras.join(ws() + ',' + ws()) + ws() + ']' + ws();
    const specs: string[] = [];
    let url: string | undefined;
    if (next(5) === 0) {
      url = pick(['https://example.com/a.whl', 'git+ssh://git@github.com/o/r.git@v1']);
      text += '@' + ws() + url + (next(2) ? ' ' + ws() : '');
    } else {
      const count = next(3);
      const clauses: string[] = [];
      for (let i = 0; i < count; i++) {
        const spec = pick(['>=', '<', '==', '!=', '~=']) + pick(['1.0', '2.11.0', '3.0rc1', '4.0.post1']);
        specs.push(spec);
        clauses.push(spec.replace(/^([<>=!~]+)/, `$1${ws()}`));
      }
      const body = clauses.join(ws() + ',' + ws());
      text += count && next(3) === 0 ? '(' + ws() + body + ws() + ')' : body;
      text += ws();
    }
    let marker: string | undefined;
    if (next(2) === 0) {
      marker = pick([`python_version${ws()}>=${ws()}'3.9'`, `(os_name == "nt" or sys_platform=='linux')${ws()}and extra == "gpu"`, `'3.7' not in python_version`]);
      // After a URL, whitespace must separate it from the ';' (a URL runs up to whitespace).
      if (url !== undefined && !/[ \t]$/.test(text)) text += ' ';
      text += ';' + ws() + marker + ws();
    }
    return { text, name, extras, specs, ...(marker !== undefined ? { marker } : {}), ...(url !== undefined ? { url } : {}) };
  }

  test('random well-formed requirements parse, with spans that cut out their parts', () => {
    for (let round = 0; round < 5000; round++) {
      const expected = wellFormed();
      const r = parsed(expected.text);
      assert.equal(slice(expected.text, r.nameSpan), expected.name);
      assert.deepEqual(r.extras, expected.extras, expected.text);
      assert.deepEqual(
        r.specifiers.map((c) => c.operator + c.version),
        expected.specs,
        expected.text,
      );
      for (const clause of r.specifiers) {
        assert.equal(slice(expected.text, clause.operatorSpan), clause.operator);
        assert.equal(slice(expected.text, clause.versionSpan), clause.version);
      }
      assert.equal(r.marker, expected.marker, expected.text);
      assert.equal(slice(expected.text, r.markerSpan), expected.marker);
      assert.equal(r.url, expected.url, expected.text);
      assert.equal(slice(expected.text, r.urlSpan), expected.url);
    }
  });

  test('mutated requirements never throw, and every span lies within the input', () => {
    const noise = ['[', ']', ',', '(', ')', ';', '@', '=', '>', '.*', '+x', "'", '"', '\\', 'é', ' ', 'and', 'not', '\n'];
    for (let round = 0; round < 20000; round++) {
      let text = wellFormed().text;
      for (let edits = 1 + next(2); edits > 0; edits--) {
        const at = next(text.length + 1);
        text = next(2) ? text.slice(0, at) + pick(noise) + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + next(3));
      }
      const result = parseRequirement(text);
      const inside = (span: Span) => span.start >= 0 && span.start <= span.end && span.end <= text.length;
      if (!result.ok) {
        assert.ok(inside(result.span), `${JSON.stringify(text)}: error span ${JSON.stringify(result.span)}`);
        assert.ok(result.message.length > 0);
        continue;
      }
      const r = result.requirement;
      for (const span of [r.nameSpan, r.extrasSpan, r.specifierSpan, r.urlSpan, r.markerSpan, ...r.specifiers.map((c) => c.span)]) {
        if (span) assert.ok(inside(span), `${JSON.stringify(text)}: span ${JSON.stringify(span)}`);
      }
      assert.equal(slice(text, r.nameSpan), r.name);
    }
  });
});
