// Loaded into every test file's process by scripts/run-node-tests.mjs (`--import`).
//
// node:test's runner waits for each test file's process to exit. A file whose tests have all run
// but which still holds a handle (a child process, a socket, a timer) would keep the whole run
// waiting, silently: CI once sat 85 minutes after the LSP layer's last verdict. So, once a file's
// tests and hooks are done, this gives the process a minute to end by itself; if it has not, it
// names the file and what is still open on stderr, and ends the process with the verdict its tests
// gave (a passing file stays passed; a failure stays failed). The timer is unref'd: a file that
// ends by itself never waits for it.
import { after } from 'node:test';

const GRACE_MS = Number(process.env.MLH_TEST_EXIT_GRACE_S ?? 60) * 1000;

// Only in a test file's own process (the runner sets NODE_TEST_CONTEXT there), not in the runner.
if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    const timer = setTimeout(() => {
      const file = process.argv[1] ?? '(unknown file)';
      process.stderr.write(
        `\n::: ${file}: its tests are done but the process was still alive ${GRACE_MS / 1000} s later, holding: ` +
          `${process.getActiveResourcesInfo().join(', ') || '(nothing node reports)'}. Ending it; close what the file opens in its after hooks.\n`,
      );
      process.exit(process.exitCode ?? 0);
    }, GRACE_MS);
    timer.unref();
  });
}
