/**
 * The INI dialect of `setup.cfg`, `tox.ini`, `mypy.ini` and `pytest.ini` (Python's configparser):
 * `[section]` headers, `key = value` or `key: value`, `#`/`;` comment lines, and indented
 * continuation lines that extend the previous value. Read line by line with offsets, because the
 * rules point at one key. No npm INI parser keeps offsets (`ini`, `js-ini` return plain objects),
 * and configparser's rules are these few lines.
 */
export interface IniEntry {
  key: string;
  /** The value with continuation lines joined by "\n", inline text trimmed. */
  value: string;
  /** Offsets of the key's first character and of the end of its last value line. */
  start: number;
  end: number;
}

export interface IniSection {
  name: string;
  /** Offsets of `[name]`. */
  start: number;
  end: number;
  entries: IniEntry[];
}

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let last: IniEntry | undefined;
  const lineRe = /[^\r\n]*(\r\n|\r|\n|$)/g;
  let m: RegExpExecArray | null;
  while ((m = lineRe.exec(text)) && m[0].length) {
    const lineStart = m.index;
    const line = m[0].replace(/[\r\n]+$/, '');
    const lineEnd = lineStart + line.length;
    const trimmed = line.trim();
    // Blank lines and comments do not end a value: configparser allows empty lines inside one.
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (/^[ \t]/.test(line) && last) {
      last.value += '\n' + trimmed;
      last.end = lineEnd;
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      current = { name: header[1]!.trim(), start: lineStart, end: lineStart + header[0].length, entries: [] };
      sections.push(current);
      last = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (kv && current) {
      const indent = line.length - line.trimStart().length;
      last = { key: kv[1]!.trim(), value: kv[2]!.trim(), start: lineStart + indent, end: lineEnd };
      current.entries.push(last);
    } else last = undefined;
  }
  return sections;
}

/** configparser's `getboolean` spellings. */
export function iniBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(v)) return true;
  if (['0', 'no', 'false', 'off'].includes(v)) return false;
  return undefined;
}
