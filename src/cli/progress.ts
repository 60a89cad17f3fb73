import type { ProgressCallback } from '../core/progress';

/** At most this often: a terminal redraw per MiB hashed would cost more than the hashing. */
const REDRAW_MS = 100;

export interface TerminalProgress {
  onProgress: ProgressCallback;
  /** Erases the line, so the command's own output starts on a clean line. */
  done(): void;
}

/**
 * One self-overwriting progress line on stderr, only when stderr is a terminal: CI logs and pipes
 * (`2>file`, `| tee`) get nothing, and stdout (JSON, SARIF) is never touched.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): TerminalProgress | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  let shown = false;
  const clear = '\r\u001b[2K';
  return {
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const width = Math.max(20, (stream.columns || 80) - 1);
      const line = `ml-hygiene: ${p.message}`;
      stream.write(clear + (line.length > width ? line.slice(0, width - 1) + '…' : line));
      shown = true;
    },
    done: () => {
      if (shown) stream.write(clear);
      shown = false;
    },
  };
}
