import type { Finding, Severity } from '../core/diagnostics';
import { relativePath } from '../core/fs/paths';
import type { NotebookRangeMapper } from './sarif';

/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns into
 * annotations on the pull request:
 *   ::error file=src/a.py,line=3,col=5,endLine=3,endColumn=9,title=MLH101::message
 * Escaping follows @actions/core: in the message `%`, CR and LF are percent-encoded; property values
 * additionally encode `:` and `,`, which would otherwise end the value.
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub has three annotation levels; information and hints become notices. */
export function annotationCommand(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

export function toGithubAnnotations(findings: Finding[], cwd: string, notebookRange?: NotebookRangeMapper): string {
  return findings
    .map((f) => {
      const props: string[] = [`file=${escapeProperty(relativePath(cwd, f.path))}`];
      let message = f.message;
      const range = f.cell === undefined ? f.range : notebookRange?.(f);
      if (range) {
        props.push(`line=${range.start.line + 1}`);
        // Columns only make sense for a single-line span; a multi-line one is marked by its lines.
        const singleLine = range.start.line === range.end.line;
        if (singleLine) props.push(`col=${range.start.character + 1}`);
        props.push(`endLine=${range.end.line + 1}`);
        if (singleLine && range.end.character > range.start.character) props.push(`endColumn=${range.end.character + 1}`);
      } else if (f.cell !== undefined) {
        message = `${f.message} (code cell ${f.cell + 1}, line ${f.range.start.line + 1})`;
      }
      props.push(`title=${escapeProperty(f.code)}`);
      return `::${annotationCommand(f.severity)} ${props.join(',')}::${escapeData(message)}`;
    })
    .join('\n');
}
