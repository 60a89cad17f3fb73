// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { ProjectReadinessWire } from '../../protocol/readiness';
import { activeTarget, type ReadinessSource } from './source';
import { scoreTone, type ReadinessThresholds } from './thresholds';

export const SHOW_REPORT_COMMAND = 'mlHygiene.showReadinessReport';
const BADGE_ID = 'mlHygiene.readiness';

/** `$(shield) ML 72`: the status-bar text for a score. */
export function badgeText(score: number): string {
  return `$(shield) ML ${score}`;
}

/**
 * The status-bar badge for the project of the active editor, plus a language status item on
 * pyproject.toml (ruff-vscode's pattern). Both show what the server reports; clicking opens the report.
 */
export class ReadinessBadge implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  readonly languageStatus: vscode.LanguageStatusItem;
  /** The project the badge shows, as the server last reported it. */
  current: ProjectReadinessWire | undefined;
  private readonly updated = new vscode.EventEmitter<ProjectReadinessWire | undefined>();
  /** Fires after each refresh, with what the badge now shows (tests wait on it). */
  readonly onDidUpdate = this.updated.event;
  private readonly disposables: vscode.Disposable[] = [this.updated];
  /** Answers can arrive out of order (an editor switch during a slow check): only the latest counts. */
  private sequence = 0;

  constructor(private readonly source: ReadinessSource) {
    this.item = vscode.window.createStatusBarItem(BADGE_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'ML Hygiene readiness';
    this.item.command = SHOW_REPORT_COMMAND;
    this.languageStatus = vscode.languages.createLanguageStatusItem(BADGE_ID, [{ pattern: '**/pyproject.toml' }]);
    this.languageStatus.name = 'ML Hygiene readiness';
    this.languageStatus.command = { title: 'Show report', command: SHOW_REPORT_COMMAND };
    this.disposables.push(
      this.item,
      this.languageStatus,
      source.onDidChange(() => void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => void this.refresh()),
    );
    void this.refresh();
  }

  async refresh(): Promise<ProjectReadinessWire | undefined> {
    const mine = ++this.sequence;
    let project: ProjectReadinessWire | undefined;
    try {
      project = (await this.source.request(activeTarget())).projects[0];
    } catch {
      // The server is restarting or the request was cancelled: keep showing the last score.
      return this.current;
    }
    if (mine !== this.sequence) return this.current;
    this.current = project;
    this.render(project, this.source.thresholds);
    this.updated.fire(project);
    return project;
  }

  private render(project: ProjectReadinessWire | undefined, thresholds: ReadinessThresholds): void {
    if (!project) {
      this.item.hide();
      this.languageStatus.text = 'ML readiness: no project';
      return;
    }
    const tone = scoreTone(project.score, thresholds);
    this.item.text = badgeText(project.score);
    this.item.backgroundColor = tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : tone === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `ML Hygiene readiness ${project.score} out of 100 for ${project.name}` };
    this.item.tooltip = tooltip(project);
    this.item.show();
    this.languageStatus.text = `$(shield) ML readiness ${project.score}`;
    this.languageStatus.detail = project.name;
    this.languageStatus.severity = tone === 'error' ? vscode.LanguageStatusSeverity.Error : tone === 'warning' ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The failing checks per pillar, so the reader sees what costs points without opening the report. */
export function tooltip(project: ProjectReadinessWire): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_REPORT_COMMAND] };
  md.appendMarkdown(`**ML readiness ${project.score}/100** · ${escapeMarkdown(project.name)}\n\n`);
  for (const pillar of project.pillars) {
    if (pillar.score === null) {
      md.appendMarkdown(`**${pillar.title}**: not applicable\n\n`);
      continue;
    }
    const failing = pillar.checks.filter((c) => c.applicable && !c.passed);
    md.appendMarkdown(`**${pillar.title}**: ${pillar.score}${failing.length ? '' : ' $(check)'}\n\n`);
    // Rule messages are written in markdown (backticks for code); they are shown as written.
    for (const c of failing) md.appendMarkdown(`- $(error) ${c.message}\n`);
    if (failing.length) md.appendMarkdown('\n');
  }
  md.appendMarkdown(`[Show readiness report](command:${SHOW_REPORT_COMMAND})`);
  return md;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
