import type { Range } from './text/lineIndex';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Pillar = 'dependencies' | 'types' | 'structure' | 'data' | 'notebooks';

/** One change of a workspace edit. All fixes are expressed as a single WorkspaceEdit. */
export type EditOperation =
  | { kind: 'edit'; path: string; edits: TextEdit[] }
  /** Edits inside one notebook cell: `cell` is the 0-based index among *all* cells, ranges are cell-relative. */
  | { kind: 'cellEdit'; path: string; cell: number; edits: TextEdit[] }
  /** Creates a file that must not exist yet (never overwrites). */
  | { kind: 'create'; path: string; content: string };

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface WorkspaceEdit {
  operations: EditOperation[];
}

export interface Fix {
  title: string;
  edit?: WorkspaceEdit;
  /** A command the editor runs instead of (or after) the edit, e.g. a terminal command. */
  command?: { id: string; title: string; arguments?: unknown[] };
  isPreferred?: boolean;
  /** Shown after applying, e.g. "uv.lock is now stale: run `uv lock`". */
  note?: string;
}

export interface Finding {
  /** Absolute posix path of the file the finding is reported on. */
  path: string;
  /** For notebooks: 0-based index among code cells; the range is relative to that cell's source. */
  cell?: number;
  range: Range;
  code: string;
  severity: Severity;
  message: string;
  fixes?: Fix[];
  /** Marks text as unnecessary (faded) in editors. */
  unnecessary?: boolean;
}

