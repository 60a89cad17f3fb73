import { memoizeByText } from '../../text/memo';
/**
 * Credential shapes for MLH206. Each provider pattern is specific enough (fixed prefix and length)
 * to be found in any text: source, comments, or saved outputs. Messages never repeat the secret.
 */
export interface SecretMatch {
  kind: string;
  start: number;
  end: number;
  /** The decoded literal, when the match is a whole string literal of parsed source. */
  value?: string;
}

const PROVIDER_PATTERNS: Array<{ kind: string; pattern: RegExp }> = [
  { kind: 'AWS access key ID', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,251}\b/g },
  { kind: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { kind: 'OpenAI API key', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}\b/g },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'Hugging Face token', pattern: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g },
];

/**
 * Every provider pattern above contains one of these literals. Nearly all text contains none, and one
 * pass of this finds that out instead of eight passes of the patterns (a workspace scan sends ~15 MB of
 * cell source through here).
 */
const ANY_PROVIDER_PREFIX = /AKIA|ASIA|gh[pousr]_|github_pat_|sk-|xox[abposr]-|hf_|AIza|-----BEGIN /;

export const findProviderSecrets = memoizeByText(scanProviderSecrets);

/** `findProviderSecrets` without the cache, for callers that cache their whole answer. A new array each call. */
export function scanProviderSecrets(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  if (!ANY_PROVIDER_PREFIX.test(text)) return out;
  for (const { kind, pattern } of PROVIDER_PATTERNS) {
    pattern.lastIndex = 0;
    for (const m of text.matchAll(pattern)) out.push({ kind, start: m.index!, end: m.index! + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Variable, keyword or dict-key names that announce a credential. */
export const SECRET_NAME = /(?:^|_|\b)(?:password|passwd|pwd|passphrase|secret|secret_key|token|access_token|auth_token|api_key|apikey|access_key|private_key|client_secret|credentials?)$/i;

/** Tokenizer settings (`pad_token = "<pad>"`) name vocabulary entries, not credentials. */
const VOCABULARY_TOKEN_NAME = /(?:pad|eos|bos|unk|sep|cls|mask|sos|start|end|special|image|audio|video|chat|prompt)_token$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !VOCABULARY_TOKEN_NAME.test(name);
}

/**
 * A literal that is plausibly a real credential rather than a placeholder, an environment variable's
 * name or an empty string: at least 6 characters, no spaces, not `<...>`/`{...}`/`xxx`/`***`, not
 * "your_token"/"changeme"-style, and not an UPPER_SNAKE name (`token = "HF_TOKEN"` names a variable).
 */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < 6 || /\s/.test(value)) return false;
  if (/^[A-Z][A-Z0-9_]*$/.test(value)) return false;
  if (/^[<{[(].*[>}\])]$/.test(value) || /^(.)\1+$/.test(value)) return false;
  if (/x{3,}|\*{3,}|\.{3}|your|changeme|placeholder|example|dummy|redacted|secret_here|token_here|<|>|\{|\}/i.test(value)) return false;
  if (/^https?:\/\//.test(value) || /^[./~]/.test(value)) return false; // URLs and paths (token_path = "./token.json")
  return true;
}

/**
 * `password = "hunter22"`, `token="..."`, `"api_key": "..."` in text that is not Python source we
 * parsed (saved outputs): the key, `=` or `:`, and a quoted literal.
 */
export const findGenericSecretAssignments = memoizeByText(scanGenericSecretAssignments);

function scanGenericSecretAssignments(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  // Keys start at a word start and are bounded, so a long run of word characters (a 64 KB log line) is scanned once, not quadratically.
  const re = /(?<![A-Za-z0-9_])(["']?)([A-Za-z_][A-Za-z0-9_]{0,63})\1\s*[:=]\s*(["'])([^"'\r\n]{6,200})\3/g;
  for (const m of text.matchAll(re)) {
    if (!isSecretName(m[2]!) || !looksLikeSecretValue(m[4]!)) continue;
    const valueStart = m.index! + m[0].length - m[4]!.length - 1;
    out.push({ kind: `\`${m[2]}\` value`, start: valueStart, end: valueStart + m[4]!.length });
  }
  return out;
}

/**
 * The name a parsed string literal is assigned to, passed as, or stored under, from the text just
 * before it on its line: `name = `, `name: T = `, `name=` (keyword argument) or `"name": ` (dict).
 */
export function keyBeforeLiteral(lineTextBeforeLiteral: string): string | undefined {
  // Only the end of the line matters; bounding it keeps the anchored match linear on minified lines.
  const tail = lineTextBeforeLiteral.slice(-160);
  const m = /(?:(["'])([A-Za-z_][A-Za-z0-9_]*)\1|([A-Za-z_][A-Za-z0-9_.]*)(?:\s*:\s*[A-Za-z_][\w.[\], ]*)?)\s*[:=]\s*$/.exec(tail);
  if (!m) return undefined;
  const name = m[2] ?? m[3]!;
  return name.slice(name.lastIndexOf('.') + 1);
}

/**
 * Can the text of its line before `offset` end in `=` or `:` plus whitespace, as `keyBeforeLiteral`
 * needs? False only when it certainly cannot: most string literals are arguments or list items, and
 * this look at a few characters spares them the line lookup and the anchored regex.
 */
export function mayFollowAssignment(source: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 11 || c === 12) continue; // whitespace (\s) inside a line
    if (c === 10 || c === 13) return false; // the line starts: nothing but whitespace before the literal
    if (c >= 128) return true; // other Unicode whitespace is \s too: leave it to the regex
    return c === 61 || c === 58; // `=` or `:`
  }
  return false;
}

/**
 * Where the line holding `offset` starts, with LineIndex's line breaks (`\n`, `\r\n`, lone `\r`): a
 * look back along one line instead of indexing every line of the cell.
 */
export function lineStartOf(source: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const c = source.charCodeAt(i);
    // A `\r` right before a `\n` at `offset` is half of a line break that ends after `offset`.
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) return i + 1;
  }
  return 0;
}

/** `sk-pr...`: enough to recognise which key leaked, not enough to use it. */
export function redact(secret: string): string {
  return secret.length <= 8 ? '***' : `${secret.slice(0, 4)}…`;
}
