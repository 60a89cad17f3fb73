/**
 * Completion and hover for `[tool.ml-hygiene]` in pyproject.toml, for users without a TOML
 * extension reading schemas/pyproject.schema.json. The same tables feed both: PROJECT_CONFIG_KEYS
 * (config.ts) and the rule registry.
 *
 * The text is read line by line rather than parsed: while the user types, the file is rarely valid
 * TOML (`select = ["MLH1` has no closing quote or bracket), and only the surroundings of the cursor
 * matter. Offsets are UTF-16 code units into the whole text, like the rest of src/core.
 */
import { PROJECT_CONFIG_KEYS, SEVERITY_SETTINGS, type ProjectConfigKey } from '../config';
import type { RuleMeta } from '../rules/rule';
import { ruleDocsHref } from '../rules/rule';

export type AssistKind = 'key' | 'rule' | 'selector' | 'value';

export interface CompletionEntry {
  label: string;
  kind: AssistKind;
  detail: string;
  /** Markdown. */
  documentation: string;
  /** Replaces [replaceStart, replaceEnd). `$1`/`$0` are snippet tab stops when `snippet` is set. */
  insertText: string;
  snippet: boolean;
  replaceStart: number;
  replaceEnd: number;
  /** Keeps rule codes in code order whatever the client's fuzzy ranking. */
  sortText: string;
}

export interface HoverResult {
  /** Markdown. */
  contents: string;
  start: number;
  end: number;
}

/** Where the cursor is, as far as `[tool.ml-hygiene]` is concerned. */
type Place =
  | { in: 'tool-key'; word: [number, number]; present: Set<string> }
  | { in: 'severity-key'; word: [number, number]; present: Set<string> }
  | { in: 'selector'; word: [number, number]; quoted: boolean; key: string; present: Set<string> }
  | { in: 'severity-value'; word: [number, number]; quoted: boolean }
  | { in: 'kind-value'; word: [number, number]; quoted: boolean }
  | { in: 'suppression'; word: [number, number]; present: Set<string> };

const TOOL_TABLE = 'tool.ml-hygiene';
const SEVERITY_TABLE = 'tool.ml-hygiene.severity';

/** `[ tool . "ml-hygiene" ]` → `tool.ml-hygiene`; undefined for a line that is not a table header. */
function tableHeader(line: string): string | undefined {
  const m = /^\s*\[(?!\[)([^\]#]*)\]\s*(?:#.*)?$/.exec(line);
  if (!m) return /^\s*\[\[/.test(line) ? '[[array]]' : undefined;
  return m[1]!
    .split('.')
    .map((part) => part.trim().replace(/^"(.*)"$|^'(.*)'$/, (_, a?: string, b?: string) => a ?? b ?? ''))
    .join('.');
}

interface Lines {
  text: string;
  /** Start offset of every line. */
  starts: number[];
}

function linesOf(text: string): Lines {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return { text, starts };
}

function lineAt(lines: Lines, offset: number): number {
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineText(lines: Lines, n: number): string {
  const end = n + 1 < lines.starts.length ? lines.starts[n + 1]! - 1 : lines.text.length;
  return lines.text.slice(lines.starts[n]!, end).replace(/\r$/, '');
}

/** The table the line belongs to and the line where that table's header is. */
function tableOf(lines: Lines, line: number): { table: string; headerLine: number } {
  for (let n = line; n >= 0; n--) {
    const h = tableHeader(lineText(lines, n));
    if (h !== undefined) return { table: h, headerLine: n };
  }
  return { table: '', headerLine: -1 };
}

/** Strips a trailing comment (a `#` outside strings) from a line. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** Keys already written in the table (from its header to the next one), so completion offers the rest. */
function keysOfTable(lines: Lines, headerLine: number, skipLine: number): Set<string> {
  const keys = new Set<string>();
  for (let n = headerLine + 1; n < lines.starts.length; n++) {
    const line = lineText(lines, n);
    if (tableHeader(line) !== undefined) break;
    if (n === skipLine) continue;
    const m = /^\s*("?)([A-Za-z0-9_-]+)\1\s*=/.exec(line);
    if (m) keys.add(m[2]!);
  }
  return keys;
}

/** The quoted strings in `text` (an array or inline table's source so far). */
function stringsIn(text: string): string[] {
  return [...text.matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** State of a value's text up to the cursor: open brackets/braces, and whether a string is open. */
function scan(text: string): { stack: string[]; openQuote: string | undefined; quoteStart: number } {
  const stack: string[] = [];
  let openQuote: string | undefined;
  let quoteStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (openQuote) {
      if (c === '\\' && openQuote === '"') i++;
      else if (c === openQuote) openQuote = undefined;
      else if (c === '\n') openQuote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      openQuote = c;
      quoteStart = i;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if (c === '[' || c === '{') stack.push(c);
    else if (c === ']' || c === '}') stack.pop();
  }
  return { stack, openQuote, quoteStart };
}

function placeAt(text: string, offset: number): Place | undefined {
  const lines = linesOf(text);
  const line = lineAt(lines, offset);
  const lineStart = lines.starts[line]!;
  const before = text.slice(lineStart, offset);
  const wordAt = (from: number): [number, number] => {
    let end = offset;
    while (end < text.length && /[A-Za-z0-9_-]/.test(text[end]!)) end++;
    return [from, end];
  };
  // `# ml-hygiene: ignore[MLH1` anywhere in the file: the codes a suppression comment takes.
  const suppression = /#\s*ml-hygiene:\s*ignore(?:-file)?\[([A-Za-z0-9_,\s-]*)$/.exec(before);
  if (suppression) {
    const partial = /[A-Za-z0-9_-]*$/.exec(suppression[1]!)![0];
    return { in: 'suppression', word: wordAt(offset - partial.length), present: new Set(suppression[1]!.split(',').map((c) => c.trim())) };
  }
  const { table, headerLine } = tableOf(lines, line);
  if (table !== TOOL_TABLE && table !== SEVERITY_TABLE) return undefined;
  if (line === headerLine) return undefined;

  // The entry the cursor may be in: the nearest `key =` line above it within the table.
  let entryLine = -1;
  let key = '';
  for (let n = line; n > headerLine; n--) {
    const m = /^\s*("?)([A-Za-z0-9_-]+)\1\s*=/.exec(lineText(lines, n));
    if (m) {
      entryLine = n;
      key = m[2]!;
      break;
    }
  }
  if (entryLine >= 0) {
    const entryText = text.slice(lines.starts[entryLine]!, offset);
    const afterEquals = entryText.slice(entryText.indexOf('=') + 1);
    const state = scan(afterEquals);
    // Inside the entry's value: on its line, or on a later line of an array/inline table still open.
    if (entryLine === line || state.stack.length > 0) {
      const quoted = state.openQuote !== undefined;
      const partial = quoted ? afterEquals.length - state.quoteStart - 1 : /[A-Za-z0-9_-]*$/.exec(before)![0].length;
      const word = wordAt(offset - partial);
      if (table === TOOL_TABLE && (key === 'select' || key === 'ignore') && state.stack[0] === '[') {
        const written = quoted ? afterEquals.slice(0, state.quoteStart) : afterEquals;
        return { in: 'selector', word, quoted, key, present: new Set(stringsIn(written)) };
      }
      if (table === TOOL_TABLE && key === 'severity' && state.stack[0] === '{') {
        // In the inline table: a rule code after `{` or `,`, a severity after `=`.
        const inner = afterEquals.slice(afterEquals.indexOf('{') + 1);
        if (inner.lastIndexOf('=') > inner.lastIndexOf(',')) return { in: 'severity-value', word, quoted };
        return { in: 'severity-key', word, present: new Set([...inner.matchAll(/([A-Za-z0-9_-]+)\s*=/g)].map((m) => m[1]!)) };
      }
      // A scalar value being typed: nothing but a (quoted) partial word after `=`.
      if (entryLine === line && state.stack.length === 0 && /^\s*["']?[A-Za-z0-9_-]*$/.test(afterEquals)) {
        if (table === SEVERITY_TABLE) return { in: 'severity-value', word, quoted };
        if (key === 'kind') return { in: 'kind-value', word, quoted };
      }
      return undefined;
    }
  }
  // A key position: nothing but a (partial) bare key before the cursor on this line.
  const keyMatch = /^\s*([A-Za-z0-9_-]*)$/.exec(before);
  if (!keyMatch) return undefined;
  const word = wordAt(offset - keyMatch[1]!.length);
  const present = keysOfTable(lines, headerLine, line);
  return table === TOOL_TABLE ? { in: 'tool-key', word, present } : { in: 'severity-key', word, present };
}

function keyTypeLabel(key: ProjectConfigKey): string {
  switch (key.type) {
    case 'rule-selectors':
      return 'array of rule codes or prefixes';
    case 'severity-table':
      return 'table: rule code → severity';
    case 'kind':
      return '"application" | "library"';
    case 'globs':
      return 'array of glob patterns';
    case 'positive-number':
      return 'positive number';
  }
}

function keyDocs(key: ProjectConfigKey): string {
  const lines = [`**${key.key}** (${keyTypeLabel(key)})`, '', key.description];
  if (key.default !== undefined) lines.push('', `Default: \`${JSON.stringify(key.default)}\``);
  return lines.join('\n');
}

function keySnippet(key: ProjectConfigKey): string {
  switch (key.type) {
    case 'rule-selectors':
    case 'globs':
      return `${key.key} = ["$1"]`;
    case 'severity-table':
      return `${key.key} = { $1 }`;
    case 'kind':
      return `${key.key} = "\${1|application,library|}"`;
    case 'positive-number':
      return `${key.key} = \${1:${String(key.default ?? 1)}}`;
  }
}

export function ruleDocs(rule: RuleMeta): string {
  return [
    `**${rule.code}** ${rule.name} (${rule.pillar}, default severity: ${rule.defaultSeverity})`,
    '',
    rule.docs.detects,
    '',
    `[Documentation](${ruleDocsHref(rule.code)})`,
  ].join('\n');
}

/** Rules a prefix selector (`MLH1`, `MLH20`) selects. */
function selectedBy(prefix: string, rules: RuleMeta[]): RuleMeta[] {
  return rules.filter((r) => r.code.startsWith(prefix));
}

const AREA_NAMES: Record<string, string> = { '1': 'Dependencies', '2': 'Notebooks', '3': 'DVC pipelines', '4': 'Structure, types and tests' };

function prefixDocs(prefix: string, rules: RuleMeta[]): string {
  const selected = selectedBy(prefix, rules);
  const area = AREA_NAMES[prefix.charAt(3)];
  return [`**${prefix}**: ${selected.length} rule${selected.length === 1 ? '' : 's'}${area && prefix.length === 4 ? ` (${area})` : ''}`, '', ...selected.map((r) => `- \`${r.code}\` ${r.name}`)].join('\n');
}

/** Completion items at `offset`, or undefined outside `[tool.ml-hygiene]` and suppression comments. */
export function completeToolConfig(text: string, offset: number, rules: RuleMeta[]): CompletionEntry[] | undefined {
  const place = placeAt(text, offset);
  if (!place) return undefined;
  const sorted = [...rules].sort((a, b) => (a.code < b.code ? -1 : 1));
  const [replaceStart, replaceEnd] = place.word;
  const entry = (e: Omit<CompletionEntry, 'replaceStart' | 'replaceEnd'>): CompletionEntry => ({ ...e, replaceStart, replaceEnd });
  switch (place.in) {
    case 'tool-key':
      return PROJECT_CONFIG_KEYS.filter((k) => !place.present.has(k.key)).map((k, i) =>
        entry({ label: k.key, kind: 'key', detail: keyTypeLabel(k), documentation: keyDocs(k), insertText: keySnippet(k), snippet: true, sortText: String(i).padStart(2, '0') }),
      );
    case 'severity-key':
      return sorted
        .filter((r) => !place.present.has(r.code))
        .map((r) =>
          entry({ label: r.code, kind: 'rule', detail: `${r.name} (default: ${r.defaultSeverity})`, documentation: ruleDocs(r), insertText: `${r.code} = "\${1|${SEVERITY_SETTINGS.join(',')}|}"`, snippet: true, sortText: r.code }),
        );
    case 'selector': {
      const wrap = (s: string) => (place.quoted ? s : `"${s}"`);
      const prefixes = [...new Set(sorted.flatMap((r) => [r.code.slice(0, 4), r.code.slice(0, 5)]))];
      return [
        ...sorted
          .filter((r) => !place.present.has(r.code))
          .map((r) => entry({ label: r.code, kind: 'rule' as const, detail: r.name, documentation: ruleDocs(r), insertText: wrap(r.code), snippet: false, sortText: r.code })),
        ...prefixes
          .filter((p) => !place.present.has(p))
          .map((p) => entry({ label: p, kind: 'selector' as const, detail: `${selectedBy(p, sorted).length} rules`, documentation: prefixDocs(p, sorted), insertText: wrap(p), snippet: false, sortText: `${p}~` })),
      ];
    }
    case 'suppression':
      return sorted
        .filter((r) => !place.present.has(r.code))
        .map((r) => entry({ label: r.code, kind: 'rule', detail: r.name, documentation: ruleDocs(r), insertText: r.code, snippet: false, sortText: r.code }));
    case 'severity-value':
      return SEVERITY_SETTINGS.map((s, i) =>
        entry({ label: s, kind: 'value', detail: 'severity', documentation: s === 'off' ? 'The rule is not reported.' : `Reported as ${s === 'information' ? 'an' : 'a'} ${s}.`, insertText: place.quoted ? s : `"${s}"`, snippet: false, sortText: String(i) }),
      );
    case 'kind-value':
      return (['application', 'library'] as const).map((k, i) =>
        entry({
          label: k,
          kind: 'value',
          detail: 'kind',
          documentation: k === 'application' ? 'Deployed as is: every dependency should be pinned and locked.' : 'Installed by others: version ranges are expected (MLH101 is information).',
          insertText: place.quoted ? k : `"${k}"`,
          snippet: false,
          sortText: String(i),
        }),
      );
  }
}

/** Hover at `offset`: a `[tool.ml-hygiene]` key, or a rule code or prefix in that table or in a suppression comment. */
export function hoverToolConfig(text: string, offset: number, rules: RuleMeta[]): HoverResult | undefined {
  let start = offset;
  let end = offset;
  while (start > 0 && /[A-Za-z0-9_-]/.test(text[start - 1]!)) start--;
  while (end < text.length && /[A-Za-z0-9_-]/.test(text[end]!)) end++;
  if (start === end) return undefined;
  const word = text.slice(start, end);
  const lines = linesOf(text);
  const line = lineAt(lines, offset);
  const lineStart = lines.starts[line]!;
  const current = lineText(lines, line);
  const { table } = tableOf(lines, line);
  const inSection = table === TOOL_TABLE || table === SEVERITY_TABLE;
  const inSuppression = /#\s*ml-hygiene:\s*ignore(?:-file)?\[[^\]]*$/.test(current.slice(0, start - lineStart));
  if (!inSection && !inSuppression) return undefined;

  const rule = rules.find((r) => r.code === word);
  if (rule) return { contents: ruleDocs(rule), start, end };
  if (/^MLH\d{1,2}$/.test(word) && selectedBy(word, rules).length) return { contents: prefixDocs(word, rules), start, end };
  if (table === TOOL_TABLE && !inSuppression) {
    const code = withoutComment(current);
    const keyHere = new RegExp(`^\\s*"?${word.replace(/[-]/g, '\\-')}"?\\s*=`).test(code) && start - lineStart <= code.indexOf('=');
    const key = PROJECT_CONFIG_KEYS.find((k) => k.key === word);
    if (key && keyHere) return { contents: keyDocs(key), start, end };
  }
  return undefined;
}

