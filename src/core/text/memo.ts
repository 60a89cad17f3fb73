/** A memoized pure function of a string, whose cache callers may also consult and fill. */
export interface MemoizedByText<T> {
  (text: string): T;
  /** Is the answer for `text` cached? */
  has(text: string): boolean;
  /** Caches an answer computed elsewhere (e.g. on a worker thread) as if `fn` had returned it. */
  remember(text: string, value: T): void;
  /** Forgets every answer. */
  clear(): void;
}

/**
 * Memoizes a pure function of a string, keeping about the `maxEntries` most recently used answers.
 * Notebook rules re-run on every keystroke over every cell; a cell whose text did not change gets the
 * same answer.
 *
 * Two generations instead of an exact LRU: a hit in the current generation costs one lookup, where
 * an LRU Map re-inserts the key on every hit, and once a workspace has more cells than the bound (a
 * monorepo scan) every access was a delete plus an insert plus an eviction. When the current
 * generation is full it becomes the old one; a hit in the old one is carried over, so anything used
 * since the last turnover survives it. At most `maxEntries` answers are held.
 */
export function memoizeByText<T>(fn: (text: string) => T, maxEntries = 10_000): MemoizedByText<T> {
  const generationSize = Math.max(1, Math.floor(maxEntries / 2));
  let current = new Map<string, T>();
  let old = new Map<string, T>();
  const remember = (text: string, value: T): void => {
    if (current.size >= generationSize) {
      old = current;
      current = new Map();
    }
    current.set(text, value);
  };
  const memoized = (text: string): T => {
    // One lookup for a hit (answers are rarely undefined; those take the second lookup).
    const hit = current.get(text);
    if (hit !== undefined || current.has(text)) return hit as T;
    if (old.has(text)) {
      const value = old.get(text) as T;
      old.delete(text);
      remember(text, value);
      return value;
    }
    const value = fn(text);
    remember(text, value);
    return value;
  };
  const clear = (): void => {
    current = new Map();
    old = new Map();
  };
  return Object.assign(memoized, { has: (text: string) => current.has(text) || old.has(text), remember, clear });
}
