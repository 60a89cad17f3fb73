import { parse, TomlError } from 'smol-toml';

export type TomlParseResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string; line?: number; column?: number };

/** smol-toml with its exception turned into a value; line and column are 1-based as smol-toml reports them. */
export function parseTomlSafely(text: string): TomlParseResult {
  try {
    return { ok: true, value: parse(text) as Record<string, unknown> };
  } catch (e) {
    if (e instanceof TomlError) {
      // The first line of smol-toml's message is the reason; the rest is a code excerpt.
      const reason = e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      return { ok: false, message: `invalid TOML: ${reason}`, line: e.line, column: e.column };
    }
    return { ok: false, message: `invalid TOML: ${String((e as Error)?.message ?? e)}` };
  }
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
