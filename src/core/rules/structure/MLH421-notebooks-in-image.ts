import picomatch from 'picomatch';
import type { Fix } from '../../diagnostics';
import { basename, dirname, joinPath, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { buildContextOf, projectDockerfiles, toRange } from './dockerfile';

const GLOB = /[*?[]/;

/**
 * `.dockerignore` as Docker reads it (moby's patternmatcher): patterns relative to the build context,
 * a leading `/` dropped, `**` across folders, `!` re-includes, the last matching pattern wins, and a
 * pattern that matches a folder matches everything in it.
 */
export function dockerIgnoreMatcher(text: string): (rel: string) => boolean {
  const rules: Array<{ negate: boolean; match: (p: string) => boolean }> = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = line.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.\//, '');
    if (!line || line === '.') continue;
    rules.push({ negate, match: picomatch(line, { dot: true }) });
  }
  return (rel) => {
    const parts = rel.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    // A matcher's second parameter means something to picomatch: call it with the path alone.
    for (const rule of rules) if (candidates.some((c) => rule.match(c))) ignored = !rule.negate;
    return ignored;
  };
}

export const notebooksInImage: RuleDefinition<StructureContext> = {
  code: 'MLH421',
  name: 'notebooks-in-image',
  pillar: 'structure',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A Dockerfile `COPY`/`ADD` that puts notebooks into the image: a source naming `.ipynb` files (`COPY *.ipynb /app/`, `COPY notebooks/ ...`), or a folder (`COPY . .`) whose build context holds notebooks that no `.dockerignore` pattern excludes. The build context is the Dockerfile\'s folder, or the project root when the files the Dockerfile copies are found only there (`docker build -f docker/Dockerfile .`); `<Dockerfile>.dockerignore` next to the Dockerfile wins over the context\'s `.dockerignore`, as with BuildKit. Copies from another stage (`--from`) are not reported.',
    why: 'Notebooks are exploration: they hold saved outputs (sometimes customer data or secrets in a traceback), absolute paths and hidden state, and they change far more often than the code. In the image they bloat every layer, bust the build cache on each re-run, and ship data that was never meant to leave a laptop.',
    example: '# .dockerignore is missing, and notebooks/eda.ipynb exists\nFROM python:3.12-slim\nWORKDIR /app\nCOPY . .',
    exampleLanguage: 'text',
    fix: '**Exclude notebooks in .dockerignore** appends `**/*.ipynb` to the `.dockerignore` of the build context (creating it if needed). A `COPY` that names notebooks explicitly is yours to remove.',
  },
  async check(ctx, report) {
    for (const parsed of await projectDockerfiles(ctx)) {
      const contextDir = buildContextOf(parsed, ctx);
      const notebooks = ctx.files.filter((f) => f.endsWith('.ipynb') && f.startsWith(contextDir + '/')).map((f) => relativePath(contextDir, f));
      if (!notebooks.length) continue;
      const ownIgnore = joinPath(dirname(parsed.path), `${basename(parsed.path)}.dockerignore`);
      const sharedIgnore = joinPath(contextDir, '.dockerignore');
      const ignoreText = (await ctx.readText(ownIgnore)) ?? (await ctx.readText(sharedIgnore));
      const ignored = dockerIgnoreMatcher(ignoreText ?? '');
      const shipped = notebooks.filter((n) => !ignored(n));
      if (!shipped.length) continue;
      for (const ins of parsed.dockerfile.getInstructions()) {
        const keyword = ins.getKeyword();
        if (keyword !== 'COPY' && keyword !== 'ADD') continue;
        if (/--from[= ]/.test(ins.getRawArgumentsContent() ?? '') || (ins.getRawArgumentsContent() ?? '').includes('<<')) continue;
        const args = ins.getArguments();
        if (args.length < 2) continue;
        for (const arg of args.slice(0, -1)) {
          const value = arg.getValue();
          if (/^[a-z]+:\/\//i.test(value) || value.startsWith('--') || value.includes('$')) continue;
          const src = value.replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
          const explicit = /\.ipynb$/.test(src);
          const copied = shipped.filter((n) => {
            if (src === '' || src === '.') return true;
            if (GLOB.test(src)) {
              const m = picomatch(src, { dot: true });
              const parts = n.split('/');
              return parts.some((_, i) => m(parts.slice(0, i + 1).join('/')));
            }
            return n === src || n.startsWith(src + '/');
          });
          if (!copied.length) continue;
          const shown = copied.slice(0, 3).map((n) => `\`${n}\``).join(', ') + (copied.length > 3 ? ` and ${copied.length - 3} more` : '');
          const fix = explicit ? undefined : await excludeNotebooksFix(ctx, ignoreText !== undefined && (await ctx.readText(ownIgnore)) !== undefined ? ownIgnore : sharedIgnore);
          report({
            path: parsed.path,
            range: toRange(arg.getRange()),
            message: `\`${keyword} ${value}\` copies ${copied.length === 1 ? 'a notebook' : `${copied.length} notebooks`} into the image (${shown}): ${explicit ? 'copy the code the image runs, not notebooks' : 'exclude notebooks in .dockerignore (`**/*.ipynb`)'}.`,
            ...(fix ? { fixes: [fix] } : {}),
          });
        }
      }
    }
  },
};

async function excludeNotebooksFix(ctx: StructureContext, ignorePath: string): Promise<Fix | undefined> {
  const existing = await ctx.readText(ignorePath);
  const title = `Exclude notebooks in ${basename(ignorePath)}`;
  // A .dockerignore we cannot read as text (binary, huge) is left alone: creating one would overwrite it.
  if (existing === undefined && (await ctx.fs.stat(ignorePath).catch(() => undefined))) return undefined;
  if (existing === undefined) return { title, isPreferred: true, edit: { operations: [{ kind: 'create', path: ignorePath, content: '**/*.ipynb\n' }] } };
  const li = ctx.lineIndexOf(ignorePath)!;
  const end = li.positionAt(existing.length);
  const nl = existing.includes('\r\n') ? '\r\n' : '\n';
  const newText = (existing.length && !existing.endsWith('\n') ? nl : '') + '**/*.ipynb' + nl;
  return { title, isPreferred: true, edit: { operations: [{ kind: 'edit', path: ignorePath, edits: [{ range: { start: end, end }, newText }] }] } };
}
