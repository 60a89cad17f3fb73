import type { Fix } from '../../diagnostics';
import { basename } from '../../fs/paths';
import type { StructureContext } from './context';
import { anyLock, isProjectTarget, parseInstallCommand, projectLocks, requirementsFileIsLock, type InstallCommand } from './installCommands';
import type { ShellCommand } from './shellCommands';

/** An install that does not go through the project's lockfile, with what to say and how to fix it. */
export interface LockBypass {
  command: ShellCommand;
  message: string;
  fix?: Fix;
}

/** `UV_LOCKED=1` / `UV_FROZEN: true` anywhere in the file: uv then behaves as if `--locked` were given. */
const UV_LOCKED_ENV = /\bUV_(LOCKED|FROZEN)\s*[:=]\s*["']?(1|true|yes)\b/i;

/** Is `file` written by the script itself (`uv export > requirements.txt`, `pip-compile -o ...`)? Then it is a lock made on the spot. */
function producedInScript(text: string, file: string): boolean {
  const f = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(>\\s*|(-o|--output-file)[ =])["']?(\\./)?${f}\\b`).test(text);
}

/**
 * Every install in `commands` that bypasses the project's lockfile (uv.lock, poetry.lock, pdm.lock,
 * pylock.toml). Nothing is reported when the project has no lockfile: MLH103 asks for one first.
 * `baseDirs` are the folders relative requirement files are read from, first found wins (the checkout or build context).
 */
export async function lockfileBypasses(ctx: StructureContext, commands: ShellCommand[], scriptText: string, baseDirs: string[]): Promise<LockBypass[]> {
  const locks = projectLocks(ctx);
  const lock = anyLock(locks);
  if (!lock) return [];
  const lockName = basename(lock);
  const envLocked = UV_LOCKED_ENV.test(scriptText);
  const parsed = commands.map((command) => ({ command, install: parseInstallCommand(command.text) })).filter((p): p is { command: ShellCommand; install: InstallCommand } => !!p.install);
  const lockedInstall = parsed.some(({ install: i }) => (i.tool === 'uv-sync' && (i.locked || envLocked)) || i.tool === 'locked-install');
  const out: LockBypass[] = [];
  for (const { command, install } of parsed) {
    if (install.tool === 'pip' && !install.constrained) {
      let reported = false;
      for (const file of install.requirementFiles) {
        // Documentation builds have their own, separate environment (Read the Docs style): not the project's dependencies.
        if (producedInScript(scriptText, file) || /(^|\/)docs?\/|(^|[/_-])docs?[._-]/i.test(file)) continue;
        if ((await requirementsFileIsLock(ctx.fs, baseDirs, file)) !== false) continue;
        out.push({ command, message: `\`${command.text}\` installs from \`${file}\`, whose requirements are not all pinned, while \`${lockName}\` holds the resolved versions: install from the lock (${lockCommand(locks)}).` });
        reported = true;
        break;
      }
      if (reported || install.requirementFiles.length) continue;
      if (install.noDeps || lockedInstall || ctx.config.kind === 'library' || (!locks.uv && !locks.poetry && !locks.pdm)) continue;
      if (install.targets.some(isProjectTarget)) {
        out.push({ command, message: `\`${command.text}\` resolves the project's dependencies afresh from the index, ignoring \`${lockName}\`: install from the lock (${lockCommand(locks)}), then the project with \`--no-deps\`.` });
      }
    } else if (install.tool === 'uv-sync' && !install.locked && !envLocked && locks.uv) {
      // uv sync always installs from uv.lock; without --locked it may first rewrite a stale lock.
      const m = /\bsync\b/.exec(command.text)!;
      const li = ctx.lineIndexOf(command.path);
      const at = li?.positionAt(command.start + m.index + m[0].length);
      out.push({
        command,
        message: `\`${command.text}\` without \`--locked\` re-resolves when uv.lock is out of date and rewrites it, so the build installs versions nobody reviewed: use \`uv sync --locked\` (fails on a stale lock).`,
        ...(at ? { fix: { title: 'Add --locked to uv sync', isPreferred: true, edit: { operations: [{ kind: 'edit', path: command.path, edits: [{ range: { start: at, end: at }, newText: ' --locked' }] }] } } } : {}),
      });
    } else if (install.tool === 'relock') {
      const ownLock = install.manager === 'uv' ? locks.uv : install.manager === 'poetry' ? locks.poetry : locks.pdm;
      if (!ownLock) continue;
      const installsLater = parsed.some(({ command: c, install: i }) => c.order > command.order && installsWith(i, install.manager));
      if (!installsLater) continue;
      const check = install.manager === 'uv' ? 'uv lock --check' : install.manager === 'poetry' ? 'poetry check --lock' : 'pdm lock --check';
      out.push({ command, message: `\`${install.command}\` before installing re-resolves the dependencies and installs those instead of \`${basename(ownLock)}\`'s: remove it, and run \`${check}\` to fail on a stale lock.` });
    }
  }
  return out;
}

function installsWith(install: InstallCommand, manager: 'uv' | 'poetry' | 'pdm'): boolean {
  if (manager === 'uv') return install.tool === 'uv-sync' || install.tool === 'uv-run';
  return install.tool === 'locked-install' && install.manager === manager;
}

function lockCommand(locks: ReturnType<typeof projectLocks>): string {
  if (locks.uv) return '`uv sync --locked`, or `uv export --frozen -o requirements.txt` first';
  if (locks.poetry) return '`poetry install`, or `poetry export` first';
  if (locks.pdm) return '`pdm sync`, or `pdm export` first';
  return '`pip install -r pylock.toml` with pip 25.1+, or `uv pip install -r pylock.toml`';
}
