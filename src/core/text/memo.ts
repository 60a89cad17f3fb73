/**
 * Memoizes a pure function of a string, bounded (least recently used out first). Notebook rules
 * re-run on every keystroke over every cell; a cell whose text did not change gets the same answer.
 */
export function memoizeByText<T>(fn: (text: string) => T, maxEntries = 10_000): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) {
      cache.delete(text);
      cache.set(text, hit as T);
      return hit as T;
    }
    const value = fn(text);
    cache.set(text, value);
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
