/**
 * Requests and settings shared by the client and the server (the client never imports the core;
 * both import this file). Keep it free of `vscode` and of server-only imports.
 */
export const SERVER_ID = 'mlHygiene';

export interface InitializationOptions {
  trusted: boolean;
}

export interface ClientSettings {
  enable: boolean;
  severity: Record<string, 'error' | 'warning' | 'information' | 'hint' | 'off'>;
  exclude: string[];
  pythonPath: string;
}

export const Requests = {
  /** Returns the workspace edit of "Pin all dependencies" for one manifest. */
  pinAll: 'mlHygiene/pinAll',
} as const;

export const Notifications = {
  /** Workspace trust was granted after start. */
  trustChanged: 'mlHygiene/trustChanged',
} as const;

export interface PinAllParams {
  uri: string;
  packageName?: string;
}

export interface PinAllResult {
  /** An LSP WorkspaceEdit, or null when there is nothing to pin. */
  edit: unknown | null;
  pinned: string[];
  skipped: string[];
  notes: string[];
  relock?: { command: string; cwd: string };
}
