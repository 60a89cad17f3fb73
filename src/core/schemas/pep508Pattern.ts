/**
 * A JSON Schema `pattern` for PEP 508 dependency strings, for editors that validate pyproject.toml
 * with a schema (taplo / Even Better TOML) and never run our parser. It follows the same grammar as
 * src/core/python/pep508.ts (pypa/packaging's tokens), within what one regular expression can say:
 *
 * - written for every engine a schema may meet (ECMA-262 with `u` in ajv and VS Code, a Rust regex
 *   crate in taplo): no lookaround, no backreferences, no flags, so case-insensitive words are
 *   spelled `[aA][lL]...`;
 * - markers nest parentheses MARKER_DEPTH levels deep instead of without bound, and `and`/`or` may
 *   touch a variable without whitespace (see marker());
 * - `in`/`not in` need whitespace on both sides (`'3.6'inpython_version` is an error; the valid but
 *   unusual `'a'in'abc'` is rejected too); names are ASCII, where packaging's word boundaries are
 *   Unicode-aware;
 * - quoted strings reject what Python's `ast.literal_eval` rejects for line breaks, NUL and malformed
 *   `\x`/`\u`/`\U` escapes, but not unknown `\N{...}` names or code points past U+10FFFF.
 *
 * test/unit/schemas/pep508-pattern.test.ts measures the agreement with the parser on pypa/packaging's
 * vectors and asserts the counts.
 */

/** `alpha` → `[aA][lL][pP][hH][aA]`: JSON Schema patterns have no case-insensitive flag. */
function ci(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
}

const WS = '[ \\t]';
const DIGITS = '[0-9]+';
const PRE = `(?:[-_.]?(?:${['alpha', 'beta', 'preview', 'pre', 'a', 'b', 'c', 'rc'].map(ci).join('|')})[-_.]?[0-9]*)?`;
const POST = `(?:-[0-9]+|[-_.]?(?:${['post', 'rev', 'r'].map(ci).join('|')})[-_.]?[0-9]*)?`;
const DEV = `(?:[-_.]?${ci('dev')}[-_.]?[0-9]*)?`;
const LOCAL = '(?:\\+[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*)?';
const EPOCH_RELEASE = `[vV]?(?:${DIGITS}!)?${DIGITS}(?:\\.${DIGITS})*`;

/**
 * One specifier clause. The pre/post/dev tail is written twice, not once per operator: `==`/`!=`
 * also take `.*` or a local label, `~=` needs two release segments.
 */
const CLAUSE =
  // `===` may have an empty version; its trailing whitespace is left to the separator that follows.
  `(?:===(?:\\s*[^\\s;),]+)?` +
  `|(?:==|!=)\\s*${EPOCH_RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})` +
  `|(?:~=\\s*[vV]?(?:${DIGITS}!)?${DIGITS}(?:\\.${DIGITS})+|(?:<=|>=|<|>)\\s*${EPOCH_RELEASE})${PRE}${POST}${DEV})`;

/**
 * Clauses separated by commas; a trailing comma is allowed (packaging's SpecifierSet drops the empty
 * clause). packaging's `===` token also runs over commas (`demo===x,y` fails on `y`); here a comma
 * after `===x` is an ordinary separator, which differs only for `===x, ==1` and `===x,,`.
 */
export const VERSION_MANY = `${CLAUSE}(?:${WS}*,${WS}*${CLAUSE})*(?:${WS}*,)?`;

const IDENTIFIER = '[a-zA-Z0-9](?:[a-zA-Z0-9._-]*[a-zA-Z0-9_])?';
const EXTRAS = `\\[${WS}*(?:${IDENTIFIER}(?:${WS}*,${WS}*${IDENTIFIER})*${WS}*)?\\]`;

const VARIABLE =
  '(?:python_(?:full_)?version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)' +
  '|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)';
/** A Python string body: no raw line break or NUL, and only escapes `ast.literal_eval` accepts. */
function quoted(q: string): string {
  const escape = `\\\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\\{[^}\\r\\n\\0]+\\}|[^${q}xuUN\\r\\n\\0])`;
  return `${q}(?:[^${q}\\\\\\r\\n\\0]|${escape})*${q}`;
}
export const QUOTED = `(?:${quoted("'")}|${quoted('"')})`;
const OPERAND = `(?:${VARIABLE}|${QUOTED})`;
const SYMBOL_OP = '(?:===|==|~=|!=|<=|>=|<|>)';
/**
 * `in` and `not in` are words: a variable touching them would make one longer word
 * (`'3.6'inpython_version` is an error). The pattern asks for whitespace on both sides of them,
 * which also rejects the valid but unusual `'a'in'abc'`.
 */
export const MARKER_ITEM = `${OPERAND}(?:${WS}*${SYMBOL_OP}${WS}*|${WS}+(?:in|not${WS}+in)${WS}+)${OPERAND}`;

/** `item ((and|or) item)*`. */
function chain(atom: string): string {
  return `${WS}*${atom}(?:${WS}*(?:and|or)${WS}*${atom})*`;
}

/** How deep parentheses may nest in a marker: real files reach two (lerobot's torchcodec markers). */
export const MARKER_DEPTH = 2;

/**
 * A marker: a chain of atoms, an atom being an item or a parenthesized marker, nested up to `depth`
 * levels. A regular expression cannot count, and each level doubles the pattern's size, so a third
 * level is rejected. `and`/`or` next to a variable need whitespace too; the pattern does not require
 * it (that would multiply its size again), so `extra=='a'andos_name=='b'` is accepted.
 */
function marker(depth: number): string {
  return chain(depth > 0 ? `(?:${MARKER_ITEM}|\\(${marker(depth - 1)}${WS}*\\))` : MARKER_ITEM);
}
export const MARKER = marker(MARKER_DEPTH);

/**
 * The whole pattern, anchored. packaging's END is Python's `$`, which also matches before one final
 * line break, hence the `\n?`. The marker is written once: a URL needs whitespace after it before
 * `;`, so the URL form is either alone or ends in whitespace.
 *
 * No two optional whitespace runs are adjacent (`[ \t]*[ \t]*` makes a backtracking engine try every
 * split of a long run of spaces: `a` + 2,000 spaces + `!` took minutes before). Each run follows
 * something that was matched, so the time stays polynomial of low degree on any input.
 */
export function pep508Pattern(): string {
  const nameAndExtras = `${WS}*${IDENTIFIER}${WS}*(?:${EXTRAS}${WS}*)?`;
  const url = `@${WS}*[^ \\t\\n]+`;
  const specifier = `(?:\\(${WS}*(?:${VERSION_MANY}${WS}*)?\\)|${VERSION_MANY})${WS}*`;
  return `^${nameAndExtras}(?:${url}|(?:${url}${WS}+|${specifier})?(?:;${MARKER}${WS}*)?)\\n?$`;
}

/** A version specifier set such as `requires-python = ">=3.10, <4"` (packaging's SpecifierSet). */
export function specifierSetPattern(): string {
  return `^\\s*(?:${CLAUSE}(?:\\s*,\\s*${CLAUSE})*\\s*(?:,\\s*)?)?$`;
}

/** A PEP 508 / PEP 503 project name. */
export const PROJECT_NAME_PATTERN = '^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9])$';
