import type { Finding, Severity } from '../core/diagnostics';
import { normalizePath, relativePath } from '../core/fs/paths';
import { ruleDocsHref, type RuleMeta } from '../core/rules/rule';
import type { Range } from '../core/text/lineIndex';

/**
 * `ml-hygiene check --format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it
 * (`github/codeql-action/upload-sarif`). What GitHub relies on, and so what this writes:
 * - `tool.driver.rules[]` with `id`, `name`, short and full descriptions, `help`, `helpUri` and
 *   `defaultConfiguration.level`, so alerts show the rule and link to its docs page;
 * - per result `ruleId` + `ruleIndex`, `level`, `message.text` and one physical location whose
 *   `artifactLocation.uri` is relative to the repository (`uriBaseId: "%SRCROOT%"`) with a 1-based
 *   `region`. Columns count UTF-16 code units (`columnKind`), the unit of our ranges.
 * GitHub computes `partialFingerprints` itself when the upload action has the checkout, so none are
 * invented here.
 */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * Maps a notebook finding (cell-relative range, `cell` = code-cell index) to a range in the
 * `.ipynb` file's own text, 0-based. Undefined when it cannot: the result then points at line 1
 * and names the cell in its message.
 */
export type NotebookRangeMapper = (finding: Finding) => Range | undefined;

export interface SarifOptions {
  /** The folder result URIs are relative to: the repository root in CI. */
  srcRoot: string;
  /** Every rule, so rule indices are stable between runs (`allRules()`). */
  rules: RuleMeta[];
  toolVersion: string;
  notebookRange?: NotebookRangeMapper;
}

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion } }>;
  properties?: { cell: number };
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; informationUri: string; version: string; semanticVersion: string; rules: SarifReportingDescriptor[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }>;
}

export function sarifLevel(severity: Severity): SarifLevel {
  // SARIF has no "hint"; `note` is its lowest level that GitHub still shows.
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** Plain text for SARIF `text` fields: markdown emphasis and links dropped, code spans kept as quotes. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}

function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (m ? m[1]! : text.trim()).replace(/\s+/g, ' ');
}

function descriptor(rule: RuleMeta): SarifReportingDescriptor {
  const d = rule.docs;
  const fence = '```';
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: plain(firstSentence(d.detects)) },
    fullDescription: { text: plain(`${d.detects} ${d.why}`) },
    help: {
      text: plain(`${d.detects}\n\nWhy it matters: ${d.why}\n\nFix: ${d.fix}`),
      markdown: `${d.detects}\n\n**Why it matters.** ${d.why}\n\n${fence}${d.exampleLanguage === 'text' ? '' : d.exampleLanguage}\n${d.example}\n${fence}\n\n**Fix.** ${d.fix}`,
    },
    helpUri: ruleDocsHref(rule.code),
    defaultConfiguration: { level: sarifLevel(rule.defaultSeverity) },
    properties: { tags: ['ml-hygiene', rule.pillar] },
  };
}

/** A relative URI reference: posix segments, each percent-encoded (spaces, `#`, `%` in file names). */
export function relativeUri(srcRoot: string, path: string): string {
  return relativePath(srcRoot, path)
    .split('/')
    .map((s) => (s === '..' ? s : encodeURIComponent(s)))
    .join('/');
}

function fileUriOfFolder(folder: string): string {
  const encoded = normalizePath(folder).split('/').map(encodeURIComponent).join('/');
  return `file://${encoded.endsWith('/') ? encoded : encoded + '/'}`;
}

/** 0-based LSP range → 1-based SARIF region; an empty range leaves the end out, which SARIF reads as "to the end of the line". */
export function sarifRegion(range: Range): SarifRegion {
  const region: SarifRegion = { startLine: range.start.line + 1, startColumn: range.start.character + 1 };
  const empty = range.start.line === range.end.line && range.start.character === range.end.character;
  if (!empty) {
    region.endLine = range.end.line + 1;
    region.endColumn = range.end.character + 1;
  }
  return region;
}

export function toSarif(findings: Finding[], options: SarifOptions): SarifLog {
  const rules = options.rules.map(descriptor);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: SarifResult[] = [];
  for (const f of findings) {
    let ruleIndex = index.get(f.code);
    if (ruleIndex === undefined) {
      // A code the registry does not list (a rule from a newer area): still a valid, linked rule.
      ruleIndex = rules.length;
      index.set(f.code, ruleIndex);
      rules.push({
        id: f.code,
        name: f.code,
        shortDescription: { text: f.code },
        fullDescription: { text: f.code },
        help: { text: `See ${ruleDocsHref(f.code)}`, markdown: `See [${f.code}](${ruleDocsHref(f.code)}).` },
        helpUri: ruleDocsHref(f.code),
        defaultConfiguration: { level: sarifLevel(f.severity) },
        properties: { tags: ['ml-hygiene'] },
      });
    }
    let region: SarifRegion;
    let text = f.message;
    if (f.cell === undefined) region = sarifRegion(f.range);
    else {
      const mapped = options.notebookRange?.(f);
      if (mapped) region = sarifRegion(mapped);
      else {
        region = { startLine: 1 };
        text = `${f.message} (code cell ${f.cell + 1}, line ${f.range.start.line + 1})`;
      }
    }
    results.push({
      ruleId: f.code,
      ruleIndex,
      level: sarifLevel(f.severity),
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(options.srcRoot, f.path), uriBaseId: '%SRCROOT%' }, region } }],
      ...(f.cell !== undefined ? { properties: { cell: f.cell } } : {}),
    });
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ML Hygiene',
            informationUri: 'https://github.com/ml-hygiene/ml-hygiene',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: fileUriOfFolder(options.srcRoot) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
