/** A memoized pure function of a string, whose cache callers may also consult and fill. */
export interface MemoizedByText<T> {
  (text: string): T;
  /** Is the answer for `text` cached? (Does not touch its recency.) */
  has(text: string): boolean;
  /** Caches an answer computed elsewhere (e.g. on a worker thread) as if `fn` had returned it. */
  remember(text: string, value: T): void;
}

/**
 * Memoizes a pure function of a string, bounded (least recently used out first). Notebook rules
 * re-run on every keystroke over every cell; a cell whose text did not change gets the same answer.
 */
export function memoizeByText<T>(fn: (text: string) => T, maxEntries = 10_000): MemoizedByText<T> {
  const cache = new Map<string, T>();
  const remember = (text: string, value: T): void => {
    cache.delete(text);
    cache.set(text, value);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };
  const memoized = (text: string): T => {
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) {
      remember(text, hit as T);
      return hit as T;
    }
    const value = fn(text);
    remember(text, value);
    return value;
  };
  return Object.assign(memoized, { has: (text: string) => cache.has(text), remember });
}
