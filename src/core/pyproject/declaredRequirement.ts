import type { RequirementParseResult } from '../python/pep508';

/** Where a requirement was declared; decides which rules apply (runtime pins vs dev tools). */
export type DependencyGroupKind = 'runtime' | 'optional' | 'dev' | 'build';

export interface DeclaredRequirement {
  /** Absolute path of the file declaring it. */
  path: string;
  /** Human label of the group: "project.dependencies", "optional-dependencies.gpu", "dependency-groups.dev", "requirements.txt". */
  group: string;
  groupKind: DependencyGroupKind;
  /** The requirement string as written (decoded, for TOML). */
  raw: string;
  parsed: RequirementParseResult;
  /** Maps an offset inside `raw` to an offset in the file's text. */
  toFileOffset(offsetInRaw: number): number;
  /** Range in the file of the whole requirement text (inside the quotes for TOML). */
  start: number;
  end: number;
  /**
   * Where **Pin dependency** writes `==<version>` instead of editing the PEP 508 specifier: the whole
   * constraint string of a Poetry `name = "constraint"` entry.
   */
  pinReplaces?: { start: number; end: number };
}

