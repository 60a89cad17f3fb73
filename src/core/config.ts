import type { Severity } from './diagnostics';
import type { PyprojectFile } from './pyproject/pyprojectFile';

export type SeveritySetting = Severity | 'off';
const SEVERITY_VALUES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** VS Code settings (`mlHygiene.*`) or CLI flags: merged *under* the project file. */
export interface EditorSettings {
  enable: boolean;
  severity: Record<string, SeveritySetting>;
  exclude: string[];
  pythonPath?: string;
}

export const DEFAULT_EDITOR_SETTINGS: EditorSettings = { enable: true, severity: {}, exclude: [] };

export interface ConfigProblem {
  message: string;
  /** Offsets in pyproject.toml. */
  start: number;
  end: number;
}

/** `[tool.ml-hygiene]` in pyproject.toml. */
export interface ProjectConfig {
  select?: string[];
  ignore: string[];
  severity: Record<string, SeveritySetting>;
  kind?: 'application' | 'library';
  exclude: string[];
  longCellLines: number;
  largeOutputKb: number;
  problems: ConfigProblem[];
}

export const DEFAULT_PROJECT_CONFIG: ProjectConfig = {
  ignore: [],
  severity: {},
  exclude: [],
  longCellLines: 40,
  largeOutputKb: 500,
  problems: [],
};

/**
 * Reads `[tool.ml-hygiene]`. `isKnownCode` lets the caller report unknown rule codes (a typo in
 * `ignore` would otherwise silently do nothing).
 */
export function readProjectConfig(pyproject: PyprojectFile | undefined, isKnownCode: (code: string) => boolean): ProjectConfig {
  const cfg: ProjectConfig = { ...DEFAULT_PROJECT_CONFIG, ignore: [], severity: {}, exclude: [], problems: [] };
  const doc = pyproject?.toml;
  const section = doc?.get(['tool', 'ml-hygiene']);
  if (!doc || !section || typeof section !== 'object' || Array.isArray(section)) return cfg;
  const s = section as Record<string, unknown>;
  const rangeOf = (key: string[]): [number, number] => {
    const e = doc.find(['tool', 'ml-hygiene', ...key]);
    return e ? [e.value.range[0], e.value.range[1]] : doc.find(['tool', 'ml-hygiene'])?.keyRange ?? [0, 0];
  };
  const problem = (key: string[], message: string) => {
    const [start, end] = rangeOf(key);
    cfg.problems.push({ message, start, end });
  };
  const codeList = (key: string): string[] | undefined => {
    const v = s[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problem([key], `\`${key}\` must be an array of rule codes.`);
      return undefined;
    }
    for (const code of v as string[]) if (!isKnownCode(code) && !/^MLH\d$|^MLH\d\d$/.test(code)) problem([key], `Unknown rule code \`${code}\` in \`${key}\`.`);
    return v as string[];
  };
  cfg.select = codeList('select');
  cfg.ignore = codeList('ignore') ?? [];
  const sev = s['severity'];
  if (sev !== undefined) {
    if (typeof sev !== 'object' || sev === null || Array.isArray(sev)) problem(['severity'], '`severity` must be a table such as `{ MLH101 = "error" }`.');
    else
      for (const [code, value] of Object.entries(sev as Record<string, unknown>)) {
        if (!isKnownCode(code)) problem(['severity', code], `Unknown rule code \`${code}\` in \`severity\`.`);
        else if (typeof value !== 'string' || !SEVERITY_VALUES.has(value)) problem(['severity', code], `Severity must be one of error, warning, information, hint, off.`);
        else cfg.severity[code] = value as SeveritySetting;
      }
  }
  const kind = s['kind'];
  if (kind !== undefined) {
    if (kind === 'application' || kind === 'library') cfg.kind = kind;
    else problem(['kind'], '`kind` must be "application" or "library".');
  }
  const exclude = s['exclude'];
  if (exclude !== undefined) {
    if (Array.isArray(exclude) && exclude.every((x) => typeof x === 'string')) cfg.exclude = exclude as string[];
    else problem(['exclude'], '`exclude` must be an array of glob patterns.');
  }
  const num = (key: string, target: 'longCellLines' | 'largeOutputKb') => {
    const v = s[key];
    if (v === undefined) return;
    if (typeof v === 'number' && v > 0) cfg[target] = v;
    else if (typeof v === 'bigint' && v > 0n) cfg[target] = Number(v);
    else problem([key], `\`${key}\` must be a positive number.`);
  };
  num('long-cell-lines', 'longCellLines');
  num('large-output-kb', 'largeOutputKb');
  const known = new Set(['select', 'ignore', 'severity', 'kind', 'exclude', 'long-cell-lines', 'large-output-kb']);
  for (const key of Object.keys(s)) if (!known.has(key)) problem([key], `Unknown key \`${key}\` in [tool.ml-hygiene].`);
  return cfg;
}

/** Matches "MLH1" (a hundred), "MLH10" (a decade) or a full code. */
function selectorMatches(selector: string, code: string): boolean {
  return code.startsWith(selector);
}

/**
 * The severity a finding is shown with, or 'off'. Order, weakest first: rule default, the rule's
 * situational severity, editor settings, then the project file.
 */
export function resolveSeverity(
  code: string,
  fallback: Severity,
  project: ProjectConfig,
  editor: EditorSettings,
): SeveritySetting {
  if (project.select && !project.select.some((s) => selectorMatches(s, code))) return 'off';
  if (project.ignore.some((s) => selectorMatches(s, code))) return 'off';
  return project.severity[code] ?? editor.severity[code] ?? fallback;
}
