import type { DvcContext } from '../../dvc/context';
import type { DvcStage } from '../../dvc/dvcYaml';
import { isInside, joinPath, relativePath } from '../../fs/paths';
import type { WorkspaceEdit } from '../../diagnostics';
import type { RuleDefinition } from '../rule';
import { cmdText, onceKey, rangeInCmd, shellCommands } from './shared';

const PYTHON_RE = /(^|\/)(python(\d+(\.\d+)?)?|py)$/;
/** Python options that take a value, so the value is not mistaken for the script. */
const PYTHON_OPTS_WITH_ARG = new Set(['-W', '-X', '-c']);
const SCRIPT_RUNNERS = new Set(['bash', 'sh', 'zsh', 'Rscript', 'julia', 'node']);

export interface ScriptRef {
  /** As it appears in the command. */
  token: string;
  /** Candidate files, relative to the stage wdir, first existing one wins. */
  candidates: string[];
}

/** Files a command runs: `python x.py`, `python -m pkg.mod`, `./x.py`, `bash x.sh`, `uv run python x.py`... */
export function scriptsRunBy(cmd: string): ScriptRef[] {
  const out: ScriptRef[] = [];
  for (let words of shellCommands(cmd)) {
    while (words.length && /^\w+=/.test(words[0]!)) words = words.slice(1); // env assignments
    if (['uv', 'poetry', 'pdm', 'pipenv', 'hatch'].includes(words[0] ?? '') && words[1] === 'run') words = words.slice(2);
    if (words[0] === 'conda' && words[1] === 'run') words = words.slice(2).filter((w, i, a) => !(w.startsWith('-') || (i > 0 && ['-n', '--name', '-p', '--prefix'].includes(a[i - 1]!))));
    const first = words[0];
    if (!first) continue;
    if (PYTHON_RE.test(first)) {
      for (let i = 1; i < words.length; i++) {
        const w = words[i]!;
        if (w === '-m' && words[i + 1]) {
          const mod = words[i + 1]!.replace(/\./g, '/');
          out.push({ token: words[i + 1]!, candidates: [`${mod}.py`, `${mod}/__main__.py`, `src/${mod}.py`, `src/${mod}/__main__.py`] });
          break;
        }
        if (w === '-c') break;
        if (PYTHON_OPTS_WITH_ARG.has(w)) {
          i++;
          continue;
        }
        if (w.startsWith('-')) continue;
        out.push({ token: w, candidates: [w] });
        break;
      }
    } else if (SCRIPT_RUNNERS.has(first) && words[1] && !words[1].startsWith('-')) {
      out.push({ token: words[1], candidates: [words[1]] });
    } else if (/\.(py|sh|R)$/.test(first)) out.push({ token: first, candidates: [first] });
  }
  return out;
}

export const MLH303: RuleDefinition<DvcContext> = {
  code: 'MLH303',
  name: 'undeclared-script',
  pillar: 'data',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A file that a stage command runs (`python src/train.py`, `python -m pkg.train`, `bash run.sh`) which is not listed in the stage `deps`, neither itself nor through a parent directory.',
    why: 'DVC only reruns a stage when a dependency changes. Code the stage runs but does not depend on can change without `dvc repro` noticing, so results silently go stale.',
    example: 'stages:\n  train:\n    cmd: python src/train.py\n    deps:\n      - data/train.csv\n',
    exampleLanguage: 'yaml',
    fix: '**Add `<script>` to deps** inserts the script into the stage `deps`, keeping the file\'s indentation.',
  },
  async check(ctx, report) {
    const seen = new Set<string>();
    for (const stage of ctx.file.stages) {
      for (const ref of scriptsRunBy(cmdText(stage))) {
        if (ref.token.includes('${')) continue;
        let found: string | undefined;
        for (const c of ref.candidates) {
          const abs = joinPath(stage.wdirAbs, c);
          if (!isInside(ctx.workspaceRoot, abs)) continue;
          const st = await ctx.fs.stat(abs);
          if (st?.kind === 'file') {
            found = abs;
            break;
          }
        }
        if (!found) continue;
        if (stage.deps.some((d) => isInside(d.absPath, found!))) continue;
        const relative = relativePath(stage.wdirAbs, found);
        const range = rangeInCmd(ctx, stage, ref.token);
        const message = `Stage '${stage.name}' runs '${relative}' but does not depend on it; changes to the script will not rerun the stage.`;
        const key = onceKey(range, message);
        if (seen.has(key)) continue;
        seen.add(key);
        const edit = addDependencyEdit(ctx, stage, relative);
        report({
          path: ctx.dvcYamlPath,
          range,
          message,
          ...(edit ? { fixes: [{ title: `Add \`${relative}\` to deps`, edit, isPreferred: true }] } : {}),
        });
      }
    }
  },
};

/**
 * One insertion that adds `- <path>` to the stage's deps. The indentation is copied from the file:
 * the existing deps items if any, otherwise the stage's other keys and the file's list style
 * (`key:\n- item` vs `key:\n  - item`). Comments and everything else stay untouched.
 */
export function addDependencyEdit(ctx: DvcContext, stage: DvcStage, depPath: string): WorkspaceEdit | undefined {
  const text = ctx.file.text;
  const li = ctx.file.lineIndex;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const layout = stage.layout;
  const quoted = /^[\w./@+-]+$/.test(depPath) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(depPath) ? depPath : JSON.stringify(depPath);
  const insertAt = (offset: number, newText: string): WorkspaceEdit => {
    const pos = li.positionAt(offset);
    return { operations: [{ kind: 'edit', path: ctx.dvcYamlPath, edits: [{ range: { start: pos, end: pos }, newText }] }] };
  };
  const deps = layout.depsValue;
  if (deps && deps.flow) {
    // `[a, b]`: insert before the closing bracket.
    const close = text.lastIndexOf(']', deps.end);
    if (close < deps.start) return undefined;
    return insertAt(close, deps.items.length ? `, ${quoted}` : quoted);
  }
  if (deps && deps.items.length) {
    const lastItem = deps.items[deps.items.length - 1]!;
    const itemLine = li.positionAt(lastItem[0]).line;
    const lineText = li.lineText(itemLine);
    const dash = /^(\s*)-\s/.exec(lineText);
    if (!dash) return undefined;
    const endLine = li.positionAt(lastItem[1]).line;
    return insertAt(li.lineEnd(endLine), `${eol}${dash[1]}- ${quoted}`);
  }
  const stageKeyIndent = layout.cmdKeyStart !== undefined ? li.positionAt(layout.cmdKeyStart).character : undefined;
  if (stageKeyIndent === undefined) return undefined;
  const seqIndent = ' '.repeat(stageKeyIndent + listIndentStyle(text));
  if (layout.depsKeyStart !== undefined) {
    // `deps:` with no value: add the first item under it.
    const line = li.positionAt(layout.depsKeyStart).line;
    return insertAt(li.lineEnd(line), `${eol}${seqIndent}- ${quoted}`);
  }
  if (layout.cmdValueEnd === undefined) return undefined;
  // No deps key: add it right after the cmd entry (which may span several lines).
  const cmdEndLine = li.positionAt(Math.max(layout.cmdKeyStart!, layout.cmdValueEnd - 1)).line;
  const indent = ' '.repeat(stageKeyIndent);
  return insertAt(li.lineEnd(cmdEndLine), `${eol}${indent}deps:${eol}${seqIndent}- ${quoted}`);
}

/** How far block-sequence dashes sit right of their key in this file (0 or 2 usually). */
function listIndentStyle(text: string): number {
  const re = /^( *)[^\s#-][^:\n]*:[ \t]*\r?\n( *)- /gm;
  const m = re.exec(text);
  return m ? Math.max(0, m[2]!.length - m[1]!.length) : 2;
}
