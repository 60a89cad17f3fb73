import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../../../src/core/fs/paths';

test('relativePath: below, above, beside, equal, from the root, and unnormalized input', () => {
  const cases: Array<[string, string, string]> = [
    ['/w', '/w/a/b.ipynb', 'a/b.ipynb'],
    ['/w/', '/w/a', 'a'],
    ['/w', '/w', '.'],
    ['/w/a', '/w', '..'],
    ['/w/a/b', '/w/c/d', '../../c/d'],
    ['/w/ab', '/w/a/x', '../a/x'], // a shared prefix that is not a whole segment
    ['/w/a', '/w/ab/x', '../ab/x'],
    ['/', '/x/y', 'x/y'],
    ['/', '/', '.'],
    ['/x', '/', '..'],
    ['/w/./a/../b', '/w/b//c', 'c'],
    ['\\w\\a', '/w/a/c', 'c'],
    ['w', '/w/a', 'a'],
  ];
  for (const [from, target, expected] of cases) assert.equal(relativePath(from, target), expected, `${from} -> ${target}`);
});
