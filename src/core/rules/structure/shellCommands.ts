/**
 * Shell commands as CI files and Dockerfiles hold them, with offsets into the file, so a rule can
 * point at `uv sync` inside a multi-line `run: |` block. A "logical line" joins lines continued
 * with a trailing backslash; the joined text keeps the file's offsets (each `\`+line break becomes
 * as many spaces), so an offset in the text is an offset in the file.
 */
export interface ShellLine {
  /** The logical line's text, same length as the file slice it comes from. */
  text: string;
  /** File offset of `text[0]`. */
  start: number;
}

/** One command of a logical line (split at `&&`, `||`, `;`, `|`), trimmed, with file offsets. */
export interface ShellCommand {
  text: string;
  start: number;
  end: number;
  /** The CI/Docker file it comes from. */
  path: string;
  /** Position among the file's commands, for "X before Y" questions. */
  order: number;
}

/** Logical lines of `text[from, to)`; comment lines (`#`, and `//` for Groovy) are skipped. */
export function logicalLines(text: string, from: number, to: number, commentPrefixes: string[] = ['#'], skipHeredocs = true): ShellLine[] {
  const out: ShellLine[] = [];
  let pendingStart = -1;
  let pos = from;
  /** The delimiter of a here-document being skipped: its body is data (a Python script, a config), not commands. */
  let heredoc: string | undefined;
  while (pos < to) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 || nl >= to ? to : nl;
    const raw = text.slice(pos, lineEnd).replace(/\r$/, '');
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      pos = lineEnd + 1;
      continue;
    }
    const start = pendingStart >= 0 ? pendingStart : pos;
    const trimmed = raw.trim();
    if (pendingStart < 0 && commentPrefixes.some((p) => trimmed.startsWith(p))) {
      pos = lineEnd + 1;
      continue;
    }
    if (/\\$/.test(raw) && lineEnd < to) {
      if (pendingStart < 0) pendingStart = pos;
      pos = lineEnd + 1;
      continue;
    }
    const end = pos + raw.length;
    // Same length as the file slice: a continuation's backslash and line break become spaces.
    const joined = text.slice(start, end).replace(/\\(\r?\n)/g, (m) => ' '.repeat(m.length));
    if (joined.trim()) out.push({ text: joined, start });
    if (skipHeredocs) heredoc = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(joined)?.[2];
    pendingStart = -1;
    pos = lineEnd + 1;
  }
  return out;
}

/** Splits a logical line into commands at shell operators outside quotes; a ` # comment` ends the line. */
export function commandsOf(line: ShellLine, path: string, firstOrder: number): ShellCommand[] {
  const out: ShellCommand[] = [];
  const t = line.text;
  let quote: string | undefined;
  let segStart = 0;
  const push = (end: number) => {
    const seg = t.slice(segStart, end);
    const lead = seg.length - seg.trimStart().length;
    const body = seg.trim();
    if (body) out.push({ text: body, start: line.start + segStart + lead, end: line.start + segStart + lead + body.length, path, order: firstOrder + out.length });
  };
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(t[i - 1]!))) {
      push(i);
      segStart = t.length;
      break;
    }
    else if (c === ';' || c === '|' || (c === '&' && t[i + 1] === '&')) {
      push(i);
      if ((c === '|' || c === '&') && t[i + 1] === c) i++;
      segStart = i + 1;
    }
  }
  push(t.length);
  return out;
}

/** The words of a command, with quotes removed (no expansion): enough to read flags and file names. */
export function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}
