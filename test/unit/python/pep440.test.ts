import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareVersions,
  filterVersions,
  isValidSpecifier,
  isValidVersion,
  normalizeVersion,
  parseSpecifierSet,
  publicVersion,
  satisfies,
} from '../../../src/core/python/pep440';

describe('PEP 440 versions', () => {
  test('validity', () => {
    for (const valid of ['1.0', '2.11.0+cu128', '1!2.0', 'v1.0', ' 1.0 ', '1.0rc1', '1.0.post1.dev2', '1.0-1']) {
      assert.equal(isValidVersion(valid), true, valid);
    }
    for (const invalid of ['', 'lolwat', '1.0+', '1.0++a', '1.0.org1', 'french toast']) {
      assert.equal(isValidVersion(invalid), false, invalid);
    }
  });

  test('normalization', () => {
    assert.equal(normalizeVersion('1.0-r1'), '1.0.post1');
    assert.equal(normalizeVersion('1.0ALPHA2'), '1.0a2');
    assert.equal(normalizeVersion('v1.0.dev'), '1.0.dev0');
    assert.equal(normalizeVersion('1.0+Ubuntu-1'), '1.0+ubuntu.1');
    assert.equal(normalizeVersion('0!1.0'), '1.0');
    assert.equal(normalizeVersion('nope'), undefined);
  });

  test('ordering', () => {
    const ascending = ['1.0.dev0', '1.0a1', '1.0b1', '1.0rc1', '1.0', '1.0+local', '1.0.post1', '1.1', '1!0.1'];
    for (let i = 0; i + 1 < ascending.length; i++) {
      assert.equal(compareVersions(ascending[i] as string, ascending[i + 1] as string), -1, `${ascending[i]} < ${ascending[i + 1]}`);
      assert.equal(compareVersions(ascending[i + 1] as string, ascending[i] as string), 1);
    }
    assert.equal(compareVersions('1.0', '1.0.0'), 0);
    assert.throws(() => compareVersions('1.0', 'lolwat'), /Invalid version: 'lolwat'/);
  });

  test('publicVersion strips the local label', () => {
    assert.equal(publicVersion('2.11.0+cu128'), '2.11.0');
    assert.equal(publicVersion('2.11.0'), '2.11.0');
    assert.equal(publicVersion('1.0.POST1+abc.1'), '1.0.post1');
  });
});

describe('PEP 440 specifiers', () => {
  test('validity follows packaging, per operator', () => {
    for (const valid of ['', '>=1.0', '>=1.0,<2', '== 2.0.*', '!=2.0.*', '~=1.4.2', '===anything', '==1.0+local', ' >= 1.0 , != 1.5 ']) {
      assert.equal(isValidSpecifier(valid), true, valid);
    }
    for (const invalid of ['>=2.0.*', '~=1', '~=1.0.*', '>=1.0+local', '==2.0a1.*', '==2.0.post1.*', '=>2.0', '2.0', '==', 'lolwat']) {
      assert.equal(isValidSpecifier(invalid), false, invalid);
    }
  });

  test('parseSpecifierSet splits clauses and drops empty ones', () => {
    assert.deepEqual(parseSpecifierSet('>= 1.0, ,<2'), [
      { operator: '>=', version: '1.0' },
      { operator: '<', version: '2' },
    ]);
    assert.equal(parseSpecifierSet('>=1.0,lolwat'), undefined);
  });

  test('prefix matching pads with zeros (packaging, not string prefixes)', () => {
    assert.equal(satisfies('2', '==2.0.*'), true);
    assert.equal(satisfies('2rc1', '==2.0.*'), true);
    assert.equal(satisfies('2.0.5', '==2.0.*'), true);
    assert.equal(satisfies('2.1', '==2.0.*'), false);
    assert.equal(satisfies('2', '!=2.0.*'), false);
  });

  test('exclusive ordered comparisons carve out only the named version family', () => {
    assert.equal(satisfies('3.0.0a8', '>3.0.0a7'), true);
    assert.equal(satisfies('3.0.0a7', '<3.0.0a8'), true);
    assert.equal(satisfies('1.0.post1', '>1.0'), false, 'a post-release of V is not >V');
    assert.equal(satisfies('1.0.post2+local', '>1.0.post1'), true);
    assert.equal(satisfies('1.0+local', '>1.0'), false, 'a local build of V is not >V');
    assert.equal(satisfies('2.0rc1', '<2.0', { prereleases: true }), false, 'a pre-release of V is not <V');
    assert.equal(satisfies('1.9', '<2.0'), true);
  });

  test('local versions', () => {
    assert.equal(satisfies('2.11.0+cu128', '==2.11.0'), true);
    assert.equal(satisfies('2.11.0+cu128', '==2.11.0+cu121'), false);
    assert.equal(satisfies('2.11.0+cu128', '<=2.11.0'), true);
    assert.equal(satisfies('2.11.0+cu128', '!=2.11.0'), false);
  });

  test('compatible release', () => {
    assert.equal(satisfies('1.4.9', '~=1.4.2'), true);
    assert.equal(satisfies('1.5.0', '~=1.4.2'), false);
    assert.equal(satisfies('1.9', '~=1.4'), true);
    assert.equal(satisfies('2.0', '~=1.4'), false);
  });

  test('arbitrary equality compares text, case-insensitively', () => {
    assert.equal(satisfies('FooBar', '===foobar'), true);
    assert.equal(satisfies('1.0.0', '===1.0'), false);
  });

  test('pre-releases: admitted for a single candidate unless excluded', () => {
    assert.equal(satisfies('2.1a1', '>=2.0'), true);
    assert.equal(satisfies('2.1a1', '>=2.0', { prereleases: false }), false);
    assert.equal(satisfies('2.1a1', '>=2.0', { specifierPrereleases: false }), false);
  });

  test('invalid input matches nothing', () => {
    assert.equal(satisfies('lolwat', '>=1.0'), false);
    assert.equal(satisfies('1.0', '>=lolwat'), false);
  });

  test('filter prefers final releases, as PEP 440 asks', () => {
    assert.deepEqual(filterVersions(['1.2', '1.3', '1.5a1'], '>=1.2.3'), ['1.3']);
    assert.deepEqual(filterVersions(['1.2', '1.5a1'], '>=1.2.3'), ['1.5a1']);
    assert.deepEqual(filterVersions(['1.3', '1.5a1'], '>=1.2.3', { prereleases: true }), ['1.3', '1.5a1']);
    assert.deepEqual(filterVersions(['1.0', '2.0a1', '3.0a2', '3.0'], '>2.0a1'), ['3.0a2', '3.0']);
    assert.throws(() => filterVersions(['1.0'], '>=lolwat'), /Invalid specifier/);
  });
});
