import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Git with no user or system configuration (no hooksPath, signing or templates from the machine). */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const globalConfig = path.join(home, '.gitconfig');
  writeFileSync(globalConfig, '[user]\n\tname = ML Hygiene tests\n\temail = tests@ml-hygiene.invalid\n[init]\n\tdefaultBranch = main\n');
  return { ...process.env, GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: '1' };
}

export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' });
}

/**
 * This checkout's working tree as it would be committed (tracked and untracked files that are not
 * ignored, uncommitted edits included), as a fresh one-commit repository: what a user's
 * `.pre-commit-config.yaml` would clone. Returns its folder and commit.
 */
export function snapshotRepository(env: NodeJS.ProcessEnv): { dir: string; rev: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlh-repo-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    try {
      cpSync(path.join(REPO_ROOT, f), path.join(dir, f), { recursive: false });
    } catch (e) {
      // A tracked file deleted in the working tree is not part of the snapshot.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  git(dir, env, 'init', '-q');
  git(dir, env, 'add', '-A');
  git(dir, env, 'commit', '-q', '-m', 'snapshot of the working tree');
  return { dir, rev: git(dir, env, 'rev-parse', 'HEAD').trim() };
}
