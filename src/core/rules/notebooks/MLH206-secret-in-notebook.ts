import type { NotebookOutput } from '../../notebook/model';
import type { RuleDefinition } from '../rule';
import { clearOutputsFix } from './clearOutputsFix';
import { cellFacts, onForgetChecks } from './cellFacts';
import { firstLineRange, pythonCells, spanRange, type NotebookContext } from './context';
import { findGenericSecretAssignments, findProviderSecrets, isSecretName, keyBeforeLiteral, looksLikeSecretValue, lineStartOf, mayFollowAssignment, redact, scanProviderSecrets, type SecretMatch } from './secrets';

export const secretInNotebook: RuleDefinition<NotebookContext> = {
  code: 'MLH206',
  name: 'secret-in-notebook',
  pillar: 'notebooks',
  defaultSeverity: 'error',
  docs: {
    detects: 'A credential in a cell\'s source (code or comments) or in its saved outputs: AWS access key IDs, GitHub tokens (`ghp_`, `github_pat_`), OpenAI keys (`sk-`), Slack tokens (`xox.-`), Hugging Face tokens (`hf_`), Google API keys, private key blocks, and literal strings assigned to names such as `password`, `token`, `api_key` or `secret`.',
    why: 'Notebooks are committed, shared and rendered on GitHub with their outputs; a key in a cell or printed in an output is leaked to everyone who can read the repository, and stays in its history after the cell is fixed.',
    example: 'openai.api_key = "sk-proj-3xAmPl3..."   # MLH206\npassword = "hunter22"                 # MLH206',
    exampleLanguage: 'python',
    fix: 'Revoke the credential first. Then read it from the environment (`os.environ["OPENAI_API_KEY"]`) or a git-ignored `.env`, and clear the outputs that printed it (**Clear outputs of this cell**).',
  },
  check(ctx, report) {
    for (const cell of pythonCells(ctx)) {
      const source = cell.cell.source;
      for (const f of secretsInSource(cell)) {
        report({
          path: ctx.path,
          cell: cell.codeIndex,
          range: spanRange(cell, f.start, f.end),
          message: `Possible ${f.kind} (${redact(f.value ?? source.slice(f.start, f.end))}) in the notebook: anyone who can read the file can use it. Revoke it and load it from the environment.`,
        });
      }

      const outputs = cell.cell.outputs ?? [];
      outputs.forEach((output, index) => {
        const leak = leakIn(output);
        if (!leak) return;
        report({
          path: ctx.path,
          cell: cell.codeIndex,
          range: firstLineRange(cell),
          message: `Saved output ${index + 1} of this cell contains a possible ${leak}: it is committed with the notebook. Revoke it and clear the output.`,
          fixes: [clearOutputsFix(ctx.path, cell.codeIndex)],
        });
      });
    }
  },
};

/**
 * What a saved output leaks (`GitHub token (ghp_…) and 1 more`), or null. Kept per output object:
 * the server merges the same saved outputs into every keystroke's notebook while the file on disk is
 * unchanged, so a keystroke does not join and scan 1,000 cells' outputs again.
 */
function leakIn(output: NotebookOutput): string | null {
  let leak = leaks.get(output);
  if (leak === undefined) {
    const text = [output.text, output.evalue].filter((t): t is string => !!t).join('\n');
    const found = text ? [...findProviderSecrets(text), ...findGenericSecretAssignments(text)] : [];
    const first = found[0];
    leak = first ? `${first.kind} (${redact(text.slice(first.start, first.end))})${found.length > 1 ? ` and ${found.length - 1} more` : ''}` : null;
    leaks.set(output, leak);
  }
  return leak;
}

let leaks = new WeakMap<NotebookOutput, string | null>();
// A cold check (forgetCellAnalyses) scans saved outputs again too.
onForgetChecks(() => {
  leaks = new WeakMap();
});

/**
 * Secrets in a cell's source depend on the source alone (its analysis is a function of it too), so
 * they are found once per cell text (see cellFacts.ts): a keystroke re-scans one cell, not the whole notebook.
 */
const secretsInSource = cellFacts('MLH206', (cell): SecretMatch[] => {
  const source = cell.cell.source;
  // This whole answer is kept with the cell, so the provider scan is not cached a second time.
  const found: SecretMatch[] = scanProviderSecrets(source);
  const overlaps = (start: number, end: number) => found.some((f) => f.start < end && start < f.end);
  const analysis = cell.analysis;
  if (analysis.parsed) {
    for (const s of analysis.strings) {
      if (!mayFollowAssignment(source, s.start) || !looksLikeSecretValue(s.value) || overlaps(s.start, s.end)) continue;
      const key = keyBeforeLiteral(source.slice(lineStartOf(source, s.start), s.start));
      if (key && isSecretName(key)) found.push({ kind: `\`${key}\` value`, start: s.start, end: s.end, value: s.value });
    }
  } else {
    for (const g of findGenericSecretAssignments(source)) if (!overlaps(g.start, g.end)) found.push(g);
  }
  return found;
});
