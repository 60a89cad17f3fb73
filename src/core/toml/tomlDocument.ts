import { parseTOML, getStaticTOMLValue, type AST } from 'toml-eslint-parser';

/**
 * A TOML document the user edits: parsed with toml-eslint-parser because it keeps a source range
 * on every key and value (smol-toml, faster, is used for lockfiles where no ranges are needed).
 * Lookups go through the AST, so every diagnostic range comes from the parser, not from searching text.
 */

export interface TomlSyntaxError {
  message: string;
  offset: number;
  line: number; // 0-based
  column: number; // 0-based
}

export interface TomlEntry {
  /** Full dotted key path from the document root, e.g. ["project", "dependencies"]. */
  path: string[];
  /** Range of the key (or of the table header for a table). */
  keyRange: [number, number];
  /** The value node; for `[table]` headers, the table node. */
  value: AST.TOMLContentNode | AST.TOMLTable;
}

export class TomlDocument {
  readonly ast: AST.TOMLProgram | undefined;
  readonly data: Record<string, unknown> | undefined;
  readonly syntaxError: TomlSyntaxError | undefined;
  private readonly entries: TomlEntry[] = [];

  constructor(readonly text: string) {
    let ast: AST.TOMLProgram | undefined;
    let data: Record<string, unknown> | undefined;
    let syntaxError: TomlSyntaxError | undefined;
    try {
      ast = parseTOML(text);
      data = getStaticTOMLValue(ast) as Record<string, unknown>;
    } catch (e) {
      const err = e as { message?: string; index?: number; lineNumber?: number; column?: number };
      syntaxError = {
        message: String(err.message ?? e),
        offset: typeof err.index === 'number' ? err.index : 0,
        line: typeof err.lineNumber === 'number' ? Math.max(0, err.lineNumber - 1) : 0,
        column: typeof err.column === 'number' ? err.column : 0,
      };
      ast = undefined;
    }
    this.ast = ast;
    this.data = data;
    this.syntaxError = syntaxError;
    if (ast) this.index(ast);
  }

  private index(ast: AST.TOMLProgram): void {
    const top = ast.body[0];
    if (!top) return;
    const visitKeyValue = (prefix: string[], kv: AST.TOMLKeyValue) => {
      const path = [...prefix, ...kv.key.keys.map(keyName)];
      this.entries.push({ path, keyRange: kv.key.range, value: kv.value });
      if (kv.value.type === 'TOMLInlineTable') for (const inner of kv.value.body) visitKeyValue(path, inner);
    };
    for (const node of top.body) {
      if (node.type === 'TOMLKeyValue') visitKeyValue([], node);
      else if (node.type === 'TOMLTable') {
        const path = node.resolvedKey.filter((k): k is string => typeof k === 'string');
        // Array-of-tables elements get their index in resolvedKey; keep names only for lookups.
        this.entries.push({ path, keyRange: node.key.range, value: node });
        for (const kv of node.body) visitKeyValue(node.resolvedKey.map(String), kv);
      }
    }
  }

  /** The entry at an exact key path (`["project","dependencies"]`), if the key is written in the file. */
  find(path: string[]): TomlEntry | undefined {
    return this.entries.find((e) => e.path.length === path.length && e.path.every((p, i) => p === path[i]));
  }

  /** Value at a path from the static data (keys written as dotted keys, tables or inline tables alike). */
  get(path: string[]): unknown {
    let cur: unknown = this.data;
    for (const key of path) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
  }

  /** Every entry whose path starts with `prefix` and is exactly one key longer. */
  children(prefix: string[]): TomlEntry[] {
    return this.entries.filter((e) => e.path.length === prefix.length + 1 && prefix.every((p, i) => p === e.path[i]));
  }

  /** The `[table]` header node for a path, if it is written as a header. */
  tableHeader(path: string[]): AST.TOMLTable | undefined {
    const e = this.find(path);
    return e && e.value.type === 'TOMLTable' ? e.value : undefined;
  }

  /** Comments in the document (for suppressions). */
  get comments(): AST.Comment[] {
    return this.ast?.comments ?? [];
  }
}

function keyName(k: AST.TOMLBare | AST.TOMLQuoted): string {
  return k.type === 'TOMLBare' ? k.name : k.value;
}

/**
 * Maps offsets inside a TOML string's decoded value back to document offsets. Escapes make the
 * decoded value shorter than its source (`\"` is one character, `\u00e9` six source characters),
 * so a requirement parsed from the value needs this map for exact ranges.
 */
export function stringOffsetMap(text: string, node: AST.TOMLStringValue): (valueOffset: number) => number {
  const [start, end] = node.range;
  const quoteLen = node.multiline ? 3 : 1;
  let contentStart = start + quoteLen;
  const contentEnd = end - quoteLen;
  // A newline right after the opening delimiter of a multi-line string is not part of the value.
  if (node.multiline) {
    if (text.startsWith('\r\n', contentStart)) contentStart += 2;
    else if (text[contentStart] === '\n') contentStart += 1;
  }
  const raw = text.slice(contentStart, contentEnd);
  if (node.style === 'literal' || raw === node.value) return (i) => contentStart + Math.min(i, raw.length);
  // Decode basic-string escapes while recording where each value character came from.
  const sourceOf: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      sourceOf.push(contentStart + i);
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === 'u' || next === 'U') {
      const len = next === 'u' ? 4 : 8;
      const cp = parseInt(raw.slice(i + 2, i + 2 + len), 16);
      const units = Number.isFinite(cp) && cp > 0xffff ? 2 : 1;
      for (let u = 0; u < units; u++) sourceOf.push(contentStart + i);
      i += 2 + len;
    } else if (next === '\n' || next === '\r' || next === ' ' || next === '\t') {
      // Line-ending backslash in a multi-line basic string: trims the break and following whitespace.
      i++;
      while (i < raw.length && /[ \t\r\n]/.test(raw[i]!)) i++;
    } else {
      sourceOf.push(contentStart + i);
      i += 2;
    }
  }
  sourceOf.push(contentStart + raw.length);
  return (valueOffset) => sourceOf[Math.max(0, Math.min(valueOffset, sourceOf.length - 1))]!;
}
