/**
 * Wire types of the readiness report (issue 6): the server computes everything, the client only
 * shows it. Plain JSON, free of `vscode` and of server-only imports (the client bundles this file).
 */
import type { Command, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';

export const ReadinessMethods = {
  /** Client → server: the readiness of the project containing `uri`, else of every project. */
  readiness: 'mlHygiene/readiness',
  /** Server → client: a file a score depends on changed; ask again. Carries no data. */
  readinessChanged: 'mlHygiene/readinessChanged',
} as const;

export interface ReadinessParams {
  /** A file or folder URI; notebook cells should be sent as their notebook's URI. */
  uri?: string;
}

export type PillarName = 'dependencies' | 'types' | 'structure' | 'data' | 'notebooks';

/** Where a failed check's finding is: the file, its range, and for notebooks the code cell. */
export interface ReadinessLocation {
  uri: string;
  /** Absolute path, for display. */
  path: string;
  range?: Range;
  /** 0-based index among the notebook's code cells; `range` is relative to that cell's source. */
  cell?: number;
  /** The location is a folder (a package without `py.typed`): reveal it rather than open it. */
  folder?: boolean;
}

/** What "Fix" does: the first fix of a failing finding, as one LSP WorkspaceEdit and/or a command. */
export interface ReadinessFix {
  title: string;
  edit?: WorkspaceEdit;
  command?: Command;
  /** The finding this fix repairs (it may be a later finding than `open` when the first has no fix). */
  target: ReadinessLocation;
}

export interface ReadinessDocs {
  code: string;
  /** The rule page's `codeDescription.href`. */
  href: string;
}

export interface ReadinessCheckWire {
  id: string;
  passed: boolean;
  /** False: the check does not apply to this project and does not count. */
  applicable: boolean;
  weight: number;
  message: string;
  codes: string[];
  /** How many findings failed it. */
  findings: number;
  /** 0-1 for a check scored by a figure (annotation coverage): the part of its weight it earned. */
  share?: number;
  /** Failed checks: the file to open (the first failing finding, or the evidence that is missing). */
  open?: ReadinessLocation;
  fix?: ReadinessFix;
  docs?: ReadinessDocs;
}

export interface PillarReadinessWire {
  name: PillarName;
  /** "Dependency management", ...: what the report's section is called. */
  title: string;
  /** 0–100, or null when no check of the pillar applies. */
  score: number | null;
  weight: number;
  checks: ReadinessCheckWire[];
}

export interface ProjectReadinessWire {
  projectRoot: string;
  projectUri: string;
  /** The project folder's name, for titles. */
  name: string;
  score: number;
  pillars: PillarReadinessWire[];
}

export interface ReadinessResult {
  /** The project of `uri` first (alone when it was found), else every project of every workspace folder. */
  projects: ProjectReadinessWire[];
}

/** Messages the report webview posts to the extension (one per button). */
export interface ReadinessButtonMessage {
  command: 'fix' | 'open' | 'docs';
  projectRoot: string;
  checkId: string;
}

export const PILLAR_TITLES: Record<PillarName, string> = {
  dependencies: 'Dependency management',
  types: 'Type safety',
  structure: 'Repository structure',
  data: 'Data version control',
  notebooks: 'Notebook hygiene',
};
