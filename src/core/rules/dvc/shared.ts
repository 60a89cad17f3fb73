import type { DvcContext } from '../../dvc/context';
import type { DvcStage } from '../../dvc/dvcYaml';
import type { Range } from '../../text/lineIndex';

/** Source text of each cmd node of a stage with its start offset (raw, before interpolation). */
export function cmdSources(ctx: DvcContext, stage: DvcStage): { text: string; start: number }[] {
  return stage.cmdNodes.map(([s, e]) => ({ text: ctx.file.text.slice(s, e), start: s }));
}

/** The range of `needle` inside the stage's cmd source, else the whole cmd. */
export function rangeInCmd(ctx: DvcContext, stage: DvcStage, needle: string): Range {
  for (const src of cmdSources(ctx, stage)) {
    const at = src.text.indexOf(needle);
    if (at >= 0) return ctx.file.lineIndex.rangeOf(src.start + at, src.start + at + needle.length);
  }
  return stage.cmdRange ?? stage.nameRange;
}

/** The resolved command as one string (a list cmd runs its entries in order). */
export function cmdText(stage: DvcStage): string {
  return Array.isArray(stage.cmd) ? stage.cmd.join('\n') : (stage.cmd ?? '');
}

/** Splits a shell command line into simple commands and those into words (quotes respected). */
export function shellCommands(cmd: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) word += cmd[++i];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      if (cmd[i + 1] !== '\n') word += cmd[i + 1];
      inWord = true;
      i++;
    } else if (c === '\n' || c === ';' || c === '|' || c === '&') {
      endCommand();
    } else if (c === ' ' || c === '\t') endWord();
    else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Dedupes findings that generated stages (foreach/matrix) would repeat on the same template range. */
export function onceKey(range: Range, message: string): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}|${message}`;
}
