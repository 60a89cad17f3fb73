/** PEP 503 name normalization: runs of `-`, `_` and `.` become one `-`, lowercased. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
