/**
 * PEP 508 dependency specifiers (`name[extras] (specifiers) ; marker`, `name @ url ; marker`),
 * parsed with the source offsets of every part so diagnostics and edits (Pin) can target them.
 *
 * No conformant parser exists on npm, so this one follows pypa/packaging's hand-written parser
 * (`_parser.py`, `_tokenizer.py`): the same context-sensitive tokens, the same grammar, the same
 * error messages and error positions. Following packaging rather than the PEP's literal grammar is
 * deliberate: packaging is what pip runs, so "valid" here means "pip accepts it". Its tokens differ
 * from the PEP in small ways that matter on real files, e.g. `===` takes anything up to whitespace,
 * `;` or `)`, and whitespace around URLs is required before a marker.
 */
import { normalizeName } from './pep503';
import { SPECIFIER_PATTERN, parseSpecifier } from './pep440';

export interface Span {
  start: number;
  end: number;
} // UTF-16 offsets into the input string, end exclusive

export interface SpecifierClause {
  operator: string;
  version: string;
  span: Span;
  operatorSpan: Span;
  versionSpan: Span;
}

export interface ParsedRequirement {
  name: string;
  nameSpan: Span;
  normalizedName: string;
  extras: string[];
  /** Span of `[...]`, brackets included. */
  extrasSpan?: Span;
  specifiers: SpecifierClause[];
  /** The whole version-spec text (inside the parentheses when parenthesized); absent when there is none. */
  specifierSpan?: Span;
  /** `name (>=1.0)`. */
  parenthesized: boolean;
  /** `name @ url`. */
  url?: string;
  urlSpan?: Span;
  /** The text after `;`, trimmed. Validated against the marker grammar, kept as text. */
  marker?: string;
  markerSpan?: Span;
  /**
   * Offset where a specifier would be inserted when there is none: right after the name/extras
   * (before whitespace, `;`, or end). For an empty `name ()` it is just inside the parentheses.
   */
  insertSpecifierAt: number;
}

export type RequirementParseResult =
  | { ok: true; requirement: ParsedRequirement }
  /**
   * `message` is worded like packaging's errors. `span` covers the offending characters; when the
   * problem is something missing at the end of the input it is empty, at the end.
   */
  | { ok: false; message: string; span: Span };

// Python's `\b` is Unicode-aware: a word character is a letter, a number or `_`. JavaScript's `\b`
// is ASCII-only, so boundaries are spelled out with lookarounds over the same classes.
const WORD = String.raw`[\p{L}\p{N}_]`;
const WORD_START = String.raw`(?<!${WORD})`;
const WORD_END = String.raw`(?!${WORD})`;
const WORD_BOUNDARY = String.raw`(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;

/** packaging's tokens; sticky so each one matches exactly at the current position. */
const TOKENS = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: new RegExp(String.raw`${WORD_START}(?:or|and)${WORD_END}`, 'uy'),
  IN: new RegExp(String.raw`${WORD_START}in${WORD_END}`, 'uy'),
  NOT: new RegExp(String.raw`${WORD_START}not${WORD_END}`, 'uy'),
  VARIABLE: new RegExp(
    String.raw`${WORD_START}(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)` +
      String.raw`|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)` +
      String.raw`|extras?|dependency_groups)${WORD_END}`,
    'uy',
  ),
  // Case-insensitive without the `u` flag, so letters match ASCII only (see pep440.ts).
  SPECIFIER: new RegExp(SPECIFIER_PATTERN, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: new RegExp(String.raw`${WORD_START}[a-zA-Z0-9][a-zA-Z0-9._-]*${WORD_BOUNDARY}`, 'uy'),
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
} as const;

type TokenName = keyof typeof TOKENS;

interface Token {
  text: string;
  start: number;
  end: number;
}

class RequirementSyntaxError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

class Tokenizer {
  position = 0;

  constructor(readonly source: string) {}

  /** The token at the current position, without consuming it. */
  peek(name: TokenName): Token | undefined {
    const pattern = TOKENS[name];
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.source);
    if (!match) return undefined;
    return { text: match[0], start: this.position, end: this.position + match[0].length };
  }

  /** Consumes the token if it is next. */
  take(name: TokenName): Token | undefined {
    const token = this.peek(name);
    if (token) this.position = token.end;
    return token;
  }

  skipWhitespace(): void {
    this.take('WS');
  }

  expect(name: TokenName, expected: string): Token {
    const token = this.take(name);
    if (!token) this.fail(`Expected ${expected}`);
    return token;
  }

  /** Python's `$`, which packaging's END token uses, also matches before one final newline. */
  atEnd(): boolean {
    const rest = this.source.length - this.position;
    return rest === 0 || (rest === 1 && this.source[this.position] === '\n');
  }

  /**
   * packaging reports `(start, position)` and draws its caret one character further, at the
   * character it could not accept; the span here covers that character too, within the input.
   */
  fail(message: string, start: number = this.position, caretAt: number = this.position): never {
    const end = Math.max(start, Math.min(caretAt + 1, this.source.length));
    throw new RequirementSyntaxError(message, { start: Math.min(start, end), end });
  }
}

export function parseRequirement(text: string): RequirementParseResult {
  try {
    return { ok: true, requirement: parse(new Tokenizer(text)) };
  } catch (error) {
    if (error instanceof RequirementSyntaxError) return { ok: false, message: error.message, span: error.span };
    throw error;
  }
}

function parse(tokenizer: Tokenizer): ParsedRequirement {
  tokenizer.skipWhitespace();
  const nameToken = tokenizer.expect('IDENTIFIER', 'package name at the start of dependency specifier');
  tokenizer.skipWhitespace();

  const extras = parseExtras(tokenizer);
  const requirement: ParsedRequirement = {
    name: nameToken.text,
    nameSpan: { start: nameToken.start, end: nameToken.end },
    normalizedName: normalizeName(nameToken.text),
    extras: extras?.names ?? [],
    specifiers: [],
    parenthesized: false,
    insertSpecifierAt: extras?.span.end ?? nameToken.end,
  };
  if (extras) requirement.extrasSpan = extras.span;
  tokenizer.skipWhitespace();

  parseDetails(tokenizer, requirement);
  if (!tokenizer.atEnd()) tokenizer.fail('Expected end of dependency specifier');
  return requirement;
}

function parseExtras(tokenizer: Tokenizer): { names: string[]; span: Span } | undefined {
  const open = tokenizer.take('LEFT_BRACKET');
  if (!open) return undefined;
  tokenizer.skipWhitespace();

  const names: string[] = [];
  const first = tokenizer.take('IDENTIFIER');
  if (first) {
    names.push(first.text);
    for (;;) {
      tokenizer.skipWhitespace();
      if (tokenizer.peek('IDENTIFIER')) tokenizer.fail('Expected comma between extra names');
      if (!tokenizer.take('COMMA')) break;
      tokenizer.skipWhitespace();
      names.push(tokenizer.expect('IDENTIFIER', 'extra name after comma').text);
    }
  }
  tokenizer.skipWhitespace();

  const close = tokenizer.take('RIGHT_BRACKET');
  if (!close) tokenizer.fail('Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras', open.start);
  return { names, span: { start: open.start, end: close.end } };
}

function parseDetails(tokenizer: Tokenizer, requirement: ParsedRequirement): void {
  if (tokenizer.take('AT')) {
    tokenizer.skipWhitespace();
    const url = tokenizer.expect('URL', 'URL after @');
    requirement.url = url.text;
    requirement.urlSpan = { start: url.start, end: url.end };
    if (tokenizer.atEnd()) return;
    tokenizer.expect('WS', 'whitespace after URL');
    if (tokenizer.atEnd()) return;
    parseMarkerPart(tokenizer, requirement, url.start, 'semicolon (after URL and whitespace)');
    return;
  }

  const specifierStart = tokenizer.position;
  parseSpecifier508(tokenizer, requirement);
  tokenizer.skipWhitespace();
  if (tokenizer.atEnd()) return;
  parseMarkerPart(
    tokenizer,
    requirement,
    specifierStart,
    requirement.specifiers.length > 0
      ? 'comma (within version specifier), semicolon (after version specifier)'
      : 'semicolon (after name with no version specifier)',
  );
}

/** `; marker`, with the marker validated and kept as its trimmed source text. */
function parseMarkerPart(tokenizer: Tokenizer, requirement: ParsedRequirement, spanStart: number, expected: string): void {
  const semicolon = tokenizer.take('SEMICOLON');
  if (!semicolon) tokenizer.fail(`Expected ${expected} or end`, spanStart);
  parseMarker(tokenizer);
  tokenizer.skipWhitespace();

  const source = tokenizer.source;
  let start = semicolon.end;
  let end = tokenizer.position;
  while (start < end && (source[start] === ' ' || source[start] === '\t')) start++;
  while (end > start && (source[end - 1] === ' ' || source[end - 1] === '\t')) end--;
  requirement.marker = source.slice(start, end);
  requirement.markerSpan = { start, end };
}

function parseSpecifier508(tokenizer: Tokenizer, requirement: ParsedRequirement): void {
  const open = tokenizer.take('LEFT_PARENTHESIS');
  tokenizer.skipWhitespace();
  const insideStart = tokenizer.position;
  parseVersionMany(tokenizer, requirement);
  tokenizer.skipWhitespace();
  if (!open) return;

  if (!tokenizer.take('RIGHT_PARENTHESIS')) {
    tokenizer.fail('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier', open.start);
  }
  requirement.parenthesized = true;
  // `name ()` is valid and empty; a pin belongs inside the parentheses there.
  if (requirement.specifiers.length === 0) requirement.insertSpecifierAt = insideStart;
}

function parseVersionMany(tokenizer: Tokenizer, requirement: ParsedRequirement): void {
  for (;;) {
    const token = tokenizer.take('SPECIFIER');
    if (!token) break;
    if (tokenizer.peek('VERSION_PREFIX_TRAIL')) {
      const message = /^(==|!=)/.test(token.text)
        ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
        : '.* suffix can only be used with `==` or `!=` operators';
      tokenizer.fail(message, token.start, tokenizer.position + 1);
    }
    if (tokenizer.peek('VERSION_LOCAL_LABEL_TRAIL')) {
      tokenizer.fail('Local version label can only be used with `==` or `!=` operators', token.start);
    }
    requirement.specifiers.push(...clausesOf(token, tokenizer));

    tokenizer.skipWhitespace();
    if (!tokenizer.take('COMMA')) break;
    tokenizer.skipWhitespace();
  }
  const clauses = requirement.specifiers;
  const first = clauses[0];
  const last = clauses[clauses.length - 1];
  if (first && last) requirement.specifierSpan = { start: first.span.start, end: last.span.end };
}

/**
 * One SPECIFIER token is one clause, except that `===` takes everything up to whitespace, `;` or
 * `)`, commas included; packaging then splits the set on commas and validates each part, so
 * `demo===x,y` fails on `y`. The same happens here, with offsets.
 */
function clausesOf(token: Token, tokenizer: Tokenizer): SpecifierClause[] {
  const clauses: SpecifierClause[] = [];
  let partStart = token.start;
  for (const part of token.text.split(',')) {
    const partEnd = partStart + part.length;
    const leading = part.length - part.trimStart().length;
    const trimmed = part.trim();
    if (trimmed) {
      const spec = parseSpecifier(part);
      const start = partStart + leading;
      const end = start + trimmed.length;
      if (!spec) tokenizer.fail(`Invalid specifier: '${trimmed}'`, start, end - 1);
      const versionStart = end - spec.version.length;
      clauses.push({
        operator: spec.operator,
        version: spec.version,
        span: { start, end },
        operatorSpan: { start, end: start + spec.operator.length },
        versionSpan: { start: versionStart, end },
      });
    }
    partStart = partEnd + 1;
  }
  return clauses;
}

// ---------------------------------------------------------------------------------------------
// Markers: marker = atom (BOOLOP atom)*, atom = "(" marker ")" | var op var.
// ---------------------------------------------------------------------------------------------

function parseMarker(tokenizer: Tokenizer): void {
  parseMarkerAtom(tokenizer);
  while (tokenizer.take('BOOLOP')) parseMarkerAtom(tokenizer);
}

function parseMarkerAtom(tokenizer: Tokenizer): void {
  tokenizer.skipWhitespace();
  const open = tokenizer.take('LEFT_PARENTHESIS');
  if (open) {
    tokenizer.skipWhitespace();
    parseMarker(tokenizer);
    tokenizer.skipWhitespace();
    if (!tokenizer.take('RIGHT_PARENTHESIS')) {
      tokenizer.fail('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression', open.start);
    }
  } else {
    parseMarkerItem(tokenizer);
  }
  tokenizer.skipWhitespace();
}

function parseMarkerItem(tokenizer: Tokenizer): void {
  tokenizer.skipWhitespace();
  parseMarkerVar(tokenizer);
  tokenizer.skipWhitespace();
  parseMarkerOp(tokenizer);
  tokenizer.skipWhitespace();
  parseMarkerVar(tokenizer);
  tokenizer.skipWhitespace();
}

function parseMarkerVar(tokenizer: Tokenizer): void {
  if (tokenizer.take('VARIABLE')) return;
  const quoted = tokenizer.take('QUOTED_STRING');
  if (quoted) {
    if (!isValidPythonStringBody(quoted.text.slice(1, -1))) {
      throw new RequirementSyntaxError('Invalid quoted string', { start: quoted.start, end: quoted.end });
    }
    return;
  }
  tokenizer.fail('Expected a marker variable or quoted string');
}

function parseMarkerOp(tokenizer: Tokenizer): void {
  if (tokenizer.take('IN')) return;
  if (tokenizer.take('NOT')) {
    tokenizer.expect('WS', "whitespace after 'not'");
    tokenizer.expect('IN', "'in' after 'not'");
    return;
  }
  if (tokenizer.take('OP')) return;
  tokenizer.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

/**
 * packaging evaluates quoted strings with Python's `ast.literal_eval`, which rejects raw line breaks,
 * NUL, a backslash that escapes the closing quote, and malformed `\x`, `\u`, `\U`, `\N{}` escapes.
 * Unknown escapes such as `\d` are only warnings in Python, so they pass.
 */
function isValidPythonStringBody(body: string): boolean {
  if (/[\r\0]/.test(body)) return false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\n') return false;
    if (ch !== '\\') continue;
    const next = body[i + 1];
    if (next === undefined) return false;
    const rest = body.slice(i + 2);
    if (next === 'x' && !/^[0-9a-fA-F]{2}/.test(rest)) return false;
    if (next === 'u' && !/^[0-9a-fA-F]{4}/.test(rest)) return false;
    if (next === 'U') {
      const hex = /^[0-9a-fA-F]{8}/.exec(rest);
      if (!hex || parseInt(hex[0], 16) > 0x10ffff) return false;
    }
    if (next === 'N' && !/^\{[^}]+\}/.test(rest)) return false;
    i++; // the escaped character, including an escaped newline (a line continuation)
  }
  return true;
}
