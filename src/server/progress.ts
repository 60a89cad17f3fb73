import type { Connection } from 'vscode-languageserver/node';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { ProgressCallback, WorkProgress } from '../core/progress';

/** Work shorter than this shows no progress at all: a bar that flashes for 50 ms is noise. */
export const PROGRESS_DELAY_MS = 400;
/** At most one `report` per this interval: hashing reports every MiB, the client need not hear each. */
const REPORT_INTERVAL_MS = 100;

/**
 * Runs `work` with LSP work-done progress (`window/workDoneProgress/create`, then `$/progress`
 * begin/report/end), cancellable: the client's `window/workDoneProgress/cancel` aborts the signal the
 * work was given, and the work stops (it rejects with WorkCancelledError). Progress only starts once
 * the work has run PROGRESS_DELAY_MS and reported something; a client that did not advertise
 * `window.workDoneProgress` sees nothing (vscode-languageserver then hands out a no-op reporter).
 */
export async function withWorkDoneProgress<T>(
  connection: Connection,
  title: string,
  work: (onProgress: ProgressCallback, signal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const controller = new AbortController();
  // A caller's own cancellation (a cancelled request) stops the work too.
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const started = Date.now();
  let reporter: WorkDoneProgressServerReporter | undefined;
  let creating: Promise<void> | undefined;
  let finished = false;
  let latest: WorkProgress | undefined;
  let lastSent = 0;
  let lastMessage = '';

  const send = () => {
    if (!reporter || !latest || finished) return;
    const key = `${latest.message}\u0000${latest.percentage ?? ''}`;
    if (key === lastMessage) return;
    lastMessage = key;
    lastSent = Date.now();
    // Message only: the percentage of one file's hashing restarts at the next file, and LSP wants a
    // progress's percentage never to go back, so it is written in the message instead.
    reporter.report(latest.message);
  };

  const onProgress: ProgressCallback = (p) => {
    latest = p;
    if (finished || controller.signal.aborted) return;
    if (!reporter) {
      if (!creating && Date.now() - started >= PROGRESS_DELAY_MS) {
        creating = connection.window
          .createWorkDoneProgress()
          .then((r) => {
            if (finished) return void r.done();
            reporter = r;
            r.token.onCancellationRequested(() => controller.abort());
            r.begin(title, undefined, latest?.message, true);
            lastSent = Date.now();
          })
          .catch(() => undefined);
      }
      return;
    }
    if (Date.now() - lastSent >= REPORT_INTERVAL_MS) send();
  };

  try {
    return await work(onProgress, controller.signal);
  } finally {
    finished = true;
    await creating;
    if (reporter) reporter.done();
  }
}
