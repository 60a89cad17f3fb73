import { DockerfileParser, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import { basename, dirname, joinPath } from '../../fs/paths';
import { LineIndex, type Range } from '../../text/lineIndex';
import type { StructureContext } from './context';
import { commandsOf, logicalLines, type ShellCommand } from './shellCommands';

/**
 * Dockerfiles read with `dockerfile-ast` (the parser of the Docker language server): it handles line
 * continuations, the `# escape=` directive, `--flags` and heredocs, and gives a range for every
 * instruction, argument and for the image name, tag and digest of `FROM`. `docker-file-parser`
 * was the other npm candidate; it returns instructions without ranges, so findings could not point
 * at an argument.
 */
export interface ParsedDockerfile {
  path: string;
  text: string;
  lineIndex: LineIndex;
  dockerfile: Dockerfile;
  /** Shell commands of every `RUN` (shell form), in file order, with file offsets. */
  commands: ShellCommand[];
}

/** `Dockerfile`, `Dockerfile.prod`, `prod.Dockerfile`, `Containerfile`. */
export function isDockerfile(path: string): boolean {
  const name = basename(path);
  return /^(Dockerfile|Containerfile)(\.[\w.-]+)?$/.test(name) || /\.(Dockerfile|dockerfile|Containerfile)$/.test(name);
}

/** Several rules ask for the same files in one project check: read and parse them once per context. */
const projectDockerfilesCache = new WeakMap<StructureContext, Promise<ParsedDockerfile[]>>();

export function projectDockerfiles(ctx: StructureContext): Promise<ParsedDockerfile[]> {
  let known = projectDockerfilesCache.get(ctx);
  if (!known) projectDockerfilesCache.set(ctx, (known = projectDockerfilesUncached(ctx)));
  return known;
}

async function projectDockerfilesUncached(ctx: StructureContext): Promise<ParsedDockerfile[]> {
  const out: ParsedDockerfile[] = [];
  for (const path of ctx.files.filter(isDockerfile).sort()) {
    const text = await ctx.readText(path);
    if (text === undefined) continue;
    let dockerfile: Dockerfile;
    try {
      dockerfile = DockerfileParser.parse(text);
    } catch {
      continue;
    }
    const lineIndex = ctx.lineIndexOf(path) ?? new LineIndex(text);
    const commands: ShellCommand[] = [];
    for (const ins of dockerfile.getInstructions()) {
      if (ins.getKeyword() !== 'RUN') continue;
      const args = ins.getArgumentsRange();
      if (!args || (ins.getRawArgumentsContent() ?? '').trimStart().startsWith('[')) continue; // exec form: no shell
      const from = lineIndex.offsetAt(args.start);
      const to = lineIndex.offsetAt(ins.getRange().end);
      // A RUN heredoc's body is the script itself, so here-documents are not skipped here.
      for (const line of logicalLines(text, from, to, ['#'], false)) commands.push(...commandsOf(line, path, commands.length));
    }
    out.push({ path, text, lineIndex, dockerfile, commands });
  }
  return out;
}

/** `FROM` instructions that name an image (not `scratch`, not an earlier stage), with their stage index. */
export function baseImages(parsed: ParsedDockerfile): Array<{ from: From; last: boolean }> {
  const froms = parsed.dockerfile.getFROMs();
  const stages = new Set<string>();
  const out: Array<{ from: From; last: boolean }> = [];
  froms.forEach((from, i) => {
    const name = from.getImageName();
    const stage = from.getBuildStage();
    const isStageRef = !!name && stages.has(name.toLowerCase()) && !from.getImageTag() && !from.getImageDigest();
    if (stage) stages.add(stage.toLowerCase());
    if (!name || isStageRef || name === 'scratch') return;
    out.push({ from, last: i === froms.length - 1 });
  });
  return out;
}

export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

/**
 * The folder `docker build` most likely gets as context: the Dockerfile's own folder, unless the
 * files its COPY/ADD instructions name exist only from the project root (`docker build -f
 * docker/Dockerfile .`, the usual way to build a Dockerfile kept in a subfolder).
 */
export function buildContextOf(parsed: ParsedDockerfile, ctx: StructureContext): string {
  const own = dirname(parsed.path);
  if (own === ctx.project.root) return own;
  const known = new Set([...ctx.files, ...ctx.directories]);
  let fromOwn = 0;
  let fromRoot = 0;
  for (const ins of parsed.dockerfile.getInstructions()) {
    if (ins.getKeyword() !== 'COPY' && ins.getKeyword() !== 'ADD') continue;
    if (/--from[= ]/.test(ins.getRawArgumentsContent() ?? '')) continue;
    for (const arg of ins.getArguments().slice(0, -1)) {
      const src = arg.getValue().replace(/^\.\//, '').replace(/\/+$/, '');
      if (!src || src === '.' || /[*?[$]/.test(src) || src.startsWith('/') || src.includes('://')) continue;
      if (known.has(joinPath(own, src))) fromOwn++;
      if (known.has(joinPath(ctx.project.root, src))) fromRoot++;
    }
  }
  return fromRoot > fromOwn ? ctx.project.root : own;
}

export type { Instruction };
