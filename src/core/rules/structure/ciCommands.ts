import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { basename, joinPath } from '../../fs/paths';
import { parseIni } from '../../text/iniFile';
import type { StructureContext } from './context';
import { findCiConfigs } from './MLH407-no-ci';
import { commandsOf, logicalLines, type ShellCommand } from './shellCommands';

/** A CI file with the shell commands its jobs run, in file order. */
export interface CiScript {
  path: string;
  /**
   * The file's jobs, each on a machine of its own: what one job installs, another does not have.
   * GitHub Actions workflows are split at `jobs.<id>`. Other files are one job: GitLab and
   * CircleCI jobs inherit `default:`/`before_script:`, anchors and `extends:` templates, so for
   * them the whole file is the honest unit (a rule then errs towards silence).
   */
  jobs: CiJob[];
}

export interface CiJob {
  /** The text that applies to the job: the job's own node plus everything outside `jobs:` (workflow `env:`, say). */
  text: string;
  commands: ShellCommand[];
}

/** YAML keys whose scalar values are shell: GitHub `run`, GitLab `script`, CircleCI `command`, Azure `script`/`bash`, Bitbucket `script`. */
const SHELL_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'command', 'commands', 'bash', 'pwsh', 'powershell', 'install', 'pre_script']);
/** Keys under a shell key that are not shell (CircleCI `run: {name, command}`, GitHub step fields). */
const NOT_SHELL = new Set(['name', 'shell', 'working-directory', 'working_directory', 'if', 'when', 'env', 'environment', 'id', 'displayName', 'condition', 'no_output_timeout']);
/** tox.ini keys that run commands or install packages. */
const TOX_KEYS = new Set(['commands', 'commands_pre', 'commands_post', 'deps', 'install_command']);

/** Several rules ask for the same files in one project check: read and parse them once per context. */
const ciScriptsCache = new WeakMap<StructureContext, Promise<CiScript[]>>();

/**
 * Shell commands of the project's CI: YAML workflows parsed with the `yaml` package (ranges on every
 * scalar, as src/core/dvc does), `Jenkinsfile` line by line, and `tox.ini`'s command keys.
 * A Jenkinsfile is Groovy: a parser for it would be a large dependency for what matters here, the
 * shell lines inside `sh '...'`/`sh """..."""` steps, which are lines of the file; Groovy lines that are
 * not shell match none of the install patterns the rules look for.
 */
export function ciScripts(ctx: StructureContext): Promise<CiScript[]> {
  let known = ciScriptsCache.get(ctx);
  if (!known) ciScriptsCache.set(ctx, (known = ciScriptsUncached(ctx)));
  return known;
}

async function ciScriptsUncached(ctx: StructureContext): Promise<CiScript[]> {
  const paths = (await findCiConfigs(ctx)).map((c) => c.path);
  const tox = joinPath(ctx.project.root, 'tox.ini');
  if ((await ctx.readText(tox)) !== undefined) paths.push(tox);
  const out: CiScript[] = [];
  for (const path of paths) {
    const text = await ctx.readText(path);
    if (text === undefined) continue;
    const name = basename(path);
    const yaml = name === 'Jenkinsfile' || name === 'tox.ini' ? undefined : readableYaml(text);
    const lines = name === 'Jenkinsfile' ? jenkinsLines(text) : name === 'tox.ini' ? toxLines(text) : yaml ? yamlShellLines(text, yaml) : [];
    const commands: ShellCommand[] = [];
    for (const line of lines) commands.push(...commandsOf(line, path, commands.length));
    const ranges = yaml && path.includes('/.github/workflows/') ? githubJobRanges(yaml) : undefined;
    const jobs: CiJob[] = ranges?.length
      ? ranges.map(({ start, end }) => ({
          text: text.slice(0, ranges[0]!.start) + text.slice(start, end) + text.slice(ranges.at(-1)!.end),
          commands: commands.filter((c) => c.start >= start && c.end <= end),
        }))
      : [{ text, commands }];
    out.push({ path, jobs });
  }
  return out;
}

/** The YAML document of a CI file, once per file; undefined when it does not parse (no command is read from it). */
function readableYaml(text: string): Document | undefined {
  try {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    return doc.errors.length ? undefined : doc;
  } catch {
    return undefined;
  }
}

/** `jobs.<id>` of a GitHub workflow with each job's offsets, in file order. */
function githubJobRanges(doc: Document): { start: number; end: number }[] | undefined {
  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return undefined;
  const out: { start: number; end: number }[] = [];
  for (const pair of jobs.items) {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (!isScalar(key) || !key.range || !value?.range) continue;
    out.push({ start: key.range[0], end: value.range[1] });
  }
  return out.sort((a, b) => a.start - b.start);
}

function yamlShellLines(text: string, doc: Document) {
  const lines: ReturnType<typeof logicalLines> = [];
  const scalars: Array<[number, number, boolean]> = [];
  const collect = (node: unknown, underShell: boolean, depth: number) => {
    if (depth > 64 || !node) return;
    if (isScalar(node)) {
      if (underShell && typeof node.value === 'string' && node.range) scalars.push([node.range[0], node.range[1], node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED']);
    } else if (isSeq(node)) for (const item of node.items) collect(item, underShell, depth + 1);
    else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (underShell && NOT_SHELL.has(key)) continue;
        collect(pair.value, underShell || SHELL_KEYS.has(key), depth + 1);
      }
    }
  };
  collect(doc.contents as Node | null, false, 0);
  scalars.sort((a, b) => a[0] - b[0]);
  for (const [start, end, block] of scalars) {
    // A block scalar's first line is its header (`|`, `>-`); its content starts on the next line.
    const from = block ? text.indexOf('\n', start) + 1 : start;
    if (block && from === 0) continue;
    lines.push(...logicalLines(text, from, end));
  }
  return lines;
}

function toxLines(text: string) {
  const lines: ReturnType<typeof logicalLines> = [];
  for (const section of parseIni(text)) {
    if (!/^testenv|^tox$/.test(section.name)) continue;
    for (const entry of section.entries) {
      if (!TOX_KEYS.has(entry.key)) continue;
      const afterKey = text.slice(entry.start, entry.end).search(/[=:]/);
      if (afterKey < 0) continue;
      const from = entry.start + afterKey + 1;
      // Each value line is its own command (tox's own continuation is indentation, not a backslash).
      for (const line of logicalLines(text, from, entry.end)) lines.push(line);
    }
  }
  return lines;
}

/** A one-line Jenkins shell step: `sh 'cmd'`, `sh "cmd"`, `sh(script: 'cmd')`, `bat '...'`. */
const JENKINS_STEP = /^(\s*(?:sh|bat|powershell|pwsh)\s*\(?\s*(?:script\s*:\s*)?)(['"]{1,3})(.*?)\2?\s*\)?\s*$/;

/** Jenkinsfile lines; a one-line `sh '...'` step is narrowed to the shell inside its quotes. */
function jenkinsLines(text: string) {
  return logicalLines(text, 0, text.length, ['//', '#', '*', '/*']).map((line) => {
    const m = JENKINS_STEP.exec(line.text);
    if (!m || !m[3]) return line;
    const offset = m[1]!.length + m[2]!.length;
    return { text: m[3], start: line.start + offset };
  });
}
