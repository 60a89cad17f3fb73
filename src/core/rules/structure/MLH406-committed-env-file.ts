import type { Fix } from '../../diagnostics';
import { basename, dirname, joinPath, relativePath } from '../../fs/paths';
import { ZERO_RANGE } from '../../text/lineIndex';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';

/** `.env`, `.env.local`, `.env.production`...; templates meant to be committed are not secrets. */
export function isEnvFile(path: string): boolean {
  const name = basename(path);
  if (name !== '.env' && !name.startsWith('.env.')) return false;
  return !/\.(example|sample|template|dist|defaults?)$/i.test(name);
}

export const committedEnvFile: RuleDefinition<StructureContext> = {
  code: 'MLH406',
  name: 'committed-env-file',
  pillar: 'structure',
  defaultSeverity: 'error',
  docs: {
    detects: 'A `.env` file (or `.env.local`, `.env.production`, ...) that no `.gitignore` rule ignores. `.env.example`, `.env.sample` and `.env.template` are exempt.',
    why: '`.env` files hold API keys, database passwords and cloud credentials. One `git add .` and they are in the history for good, on every clone and fork; rotating the secrets is then the only fix.',
    example: '# .gitignore\n__pycache__/\n# .env is missing here, and .env holds WANDB_API_KEY=...',
    exampleLanguage: 'text',
    fix: '**Add to .gitignore** appends the file to the `.gitignore` next to it (creating one if needed). If it was already committed, also `git rm --cached .env` and rotate the secrets it held.',
  },
  async check(ctx, report) {
    const envFiles = ctx.files.filter(isEnvFile);
    if (!envFiles.length) return;
    const git = await ctx.gitIgnore();
    for (const file of envFiles) {
      if (await git.isIgnored(file)) continue;
      await ctx.readText(file); // so an `# ml-hygiene: ignore[MLH406]` line in it is honoured
      report({
        path: file,
        range: ZERO_RANGE,
        message: `\`${relativePath(ctx.project.root, file)}\` is not gitignored: secrets in it would be committed. Add it to .gitignore.`,
        fixes: [await addToGitignoreFix(ctx, file)],
      });
    }
  },
};

async function addToGitignoreFix(ctx: StructureContext, file: string): Promise<Fix> {
  const gitignore = joinPath(dirname(file), '.gitignore');
  const entry = '/' + basename(file);
  const existing = await ctx.readText(gitignore);
  if (existing === undefined) {
    return { title: `Add ${entry} to a new .gitignore`, edit: { operations: [{ kind: 'create', path: gitignore, content: `${entry}\n` }] }, isPreferred: true };
  }
  const li = ctx.lineIndexOf(gitignore)!;
  const end = li.positionAt(existing.length);
  const nl = existing.includes('\r\n') ? '\r\n' : '\n';
  const newText = (existing.length && !existing.endsWith('\n') ? nl : '') + entry + nl;
  return {
    title: `Add ${entry} to ${relativePath(ctx.project.root, gitignore)}`,
    edit: { operations: [{ kind: 'edit', path: gitignore, edits: [{ range: { start: end, end }, newText }] }] },
    isPreferred: true,
    note: 'If the file was committed before, also run `git rm --cached` on it and rotate its secrets.',
  };
}
