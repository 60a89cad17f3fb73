import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoizeByText } from '../../../src/core/text/memo';

function counted(maxEntries: number) {
  const calls: string[] = [];
  const memo = memoizeByText((text: string) => {
    calls.push(text);
    return text.length;
  }, maxEntries);
  return { memo, calls };
}

describe('memoizeByText', () => {
  it('answers a repeated text from the cache', () => {
    const { memo, calls } = counted(10);
    assert.equal(memo('abc'), 3);
    assert.equal(memo('abc'), 3);
    assert.deepEqual(calls, ['abc']);
  });

  it('keeps what was used since the last turnover and never holds more than the bound', () => {
    const { memo, calls } = counted(4); // generations of 2
    memo('a');
    memo('b'); // current: a b
    memo('c'); // turnover: old a b, current c
    memo('a'); // carried over from old: current c a
    memo('d'); // turnover: old c a, current d  (b is gone)
    calls.length = 0;
    memo('a');
    memo('c');
    assert.deepEqual(calls, [], 'a and c were used since the last turnover');
    memo('b');
    assert.deepEqual(calls, ['b'], 'b was not, and was dropped');
    let held = 0;
    for (const t of ['a', 'b', 'c', 'd', 'e']) if (memo.has(t)) held++;
    assert.ok(held <= 4, `held ${held}`);
  });

  it('takes answers computed elsewhere', () => {
    const { memo, calls } = counted(10);
    assert.equal(memo.has('xyz'), false);
    memo.remember('xyz', 42);
    assert.equal(memo.has('xyz'), true);
    assert.equal(memo('xyz'), 42);
    assert.deepEqual(calls, []);
  });

  it('forgets everything on clear(), and an undefined answer is still an answer', () => {
    const { memo, calls } = counted(10);
    memo('ab');
    memo('ab');
    memo.clear();
    assert.equal(memo.has('ab'), false);
    assert.equal(memo('ab'), 2);
    assert.deepEqual(calls, ['ab', 'ab']);
    const undefinedCalls: string[] = [];
    const nothing = memoizeByText((t: string) => {
      undefinedCalls.push(t);
      return undefined;
    });
    nothing('q');
    nothing('q');
    assert.deepEqual(undefinedCalls, ['q']);
  });

  it('stays correct when far more texts pass through than it holds', () => {
    const { memo } = counted(100);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 1000; i++) assert.equal(memo('x'.repeat(i)), i);
  });
});
