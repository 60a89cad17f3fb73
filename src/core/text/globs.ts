import picomatch from 'picomatch';

/** Compiles user exclude globs (relative posix paths) into one matcher; a folder pattern also excludes its contents. */
export function compileGlobs(patterns: string[]): (relativePath: string) => boolean {
  if (!patterns.length) return () => false;
  const matchers = patterns.map((p) => picomatch(p.replace(/\/$/, ''), { dot: true }));
  return (rel) => {
    if (matchers.some((m) => m(rel))) return true;
    // "data/**" or "data" should exclude "data/x/y": test every ancestor folder too.
    let i = rel.lastIndexOf('/');
    while (i > 0) {
      const parent = rel.slice(0, i);
      if (matchers.some((m) => m(parent))) return true;
      i = parent.lastIndexOf('/');
    }
    return false;
  };
}
