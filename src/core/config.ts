import type { Severity } from './diagnostics';
import type { PyprojectFile } from './pyproject/pyprojectFile';

export type SeveritySetting = Severity | 'off';

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

/** The JSON type of a `[tool.ml-hygiene]` key, as the reader below checks it. */
export type ProjectConfigKeyType = 'rule-selectors' | 'severity-table' | 'kind' | 'globs' | 'positive-number';

export interface ProjectConfigKey {
  key: string;
  type: ProjectConfigKeyType;
  /** The value used when the key is absent; undefined when absence means something else (said in the description). */
  default?: unknown;
  /** Markdown, one or two sentences: shown by hover, completion and the JSON schema. */
  description: string;
}

/**
 * Every key `readProjectConfig` accepts. The reader rejects any other key, and
 * scripts/gen-schemas.ts, hover and completion are generated from this list, so the three
 * cannot disagree.
 */
export const PROJECT_CONFIG_KEYS: readonly ProjectConfigKey[] = [
  {
    key: 'select',
    type: 'rule-selectors',
    description:
      'Only report these rules. Entries are rule codes (`MLH101`) or prefixes naming an area (`MLH1`) or a decade (`MLH20`). Absent: every rule is reported.',
  },
  {
    key: 'ignore',
    type: 'rule-selectors',
    default: DEFAULT_PROJECT_CONFIG.ignore,
    description: 'Never report these rules: rule codes (`MLH203`) or prefixes (`MLH2`, `MLH20`). Wins over `select`.',
  },
  {
    key: 'severity',
    type: 'severity-table',
    default: DEFAULT_PROJECT_CONFIG.severity,
    description:
      'Severity per rule code, e.g. `{ MLH101 = "error" }`: `error`, `warning`, `information`, `hint` or `off`. Wins over the editor setting `mlHygiene.severity`.',
  },
  {
    key: 'kind',
    type: 'kind',
    description:
      'Whether the project is an `application` (deployed: dependencies should be pinned) or a `library` (installed by others: ranges are expected, so MLH101 is information). Absent: a library when there is a `[build-system]` and no lockfile, else an application.',
  },
  {
    key: 'exclude',
    type: 'globs',
    default: DEFAULT_PROJECT_CONFIG.exclude,
    description: 'Glob patterns, relative to the project folder, of files ML Hygiene does not report on, e.g. `["vendor/**", "notebooks/scratch/*.ipynb"]`.',
  },
  {
    key: 'long-cell-lines',
    type: 'positive-number',
    default: DEFAULT_PROJECT_CONFIG.longCellLines,
    description: 'A notebook code cell longer than this many lines is reported by MLH210 (long cell).',
  },
  {
    key: 'large-output-kb',
    type: 'positive-number',
    default: DEFAULT_PROJECT_CONFIG.largeOutputKb,
    description: "A notebook cell whose outputs are larger than this many kilobytes is reported by MLH208 (large output).",
  },
];

/** The severities `[tool.ml-hygiene] severity` and `mlHygiene.severity` accept. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

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
        else if (typeof value !== 'string' || !(SEVERITY_SETTINGS as readonly string[]).includes(value)) problem(['severity', code], `Severity must be one of error, warning, information, hint, off.`);
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
  const known = new Set(PROJECT_CONFIG_KEYS.map((k) => k.key));
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
