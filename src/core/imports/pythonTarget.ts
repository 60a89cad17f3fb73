import { satisfies } from '../python/pep440';
import { NEWEST_KNOWN_MINOR, OLDEST_SUPPORTED_MINOR, type PythonTarget } from './stdlib';

/**
 * The Python minor versions a project runs on, for the standard-library check. `.python-version` is
 * the interpreter actually used, so it wins; otherwise `requires-python` gives the range of 3.8-3.14
 * it admits (an open upper bound reaches the newest known Python, which is where removed modules bite).
 */
export function pythonTargetOf(requiresPython: string | undefined, pythonVersionFile: string | undefined): PythonTarget {
  const pinned = pythonVersionFile ? /^(?:cpython-|python)?3\.(\d+)/i.exec(pythonVersionFile.trim()) : null;
  if (pinned) {
    const minor = Number(pinned[1]);
    return { minMinor: minor, maxMinor: minor };
  }
  if (!requiresPython?.trim()) return {};
  const admitted: number[] = [];
  for (let minor = OLDEST_SUPPORTED_MINOR; minor <= NEWEST_KNOWN_MINOR; minor++) {
    // `~=3.11.4` admits 3.11.5 but not 3.11.0, and `<=3.11.2` the reverse: try both ends of the series.
    if (satisfies(`3.${minor}.0`, requiresPython) || satisfies(`3.${minor}.99`, requiresPython)) admitted.push(minor);
  }
  if (!admitted.length) return {};
  return { minMinor: admitted[0]!, maxMinor: admitted[admitted.length - 1]! };
}
