import { randomBytes } from 'node:crypto';
// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ProjectReadinessWire, ReadinessButtonMessage } from '../../protocol/readiness';
import { applyFix, openDocs, openLocation, type ButtonOutcome } from './actions';
import { renderReportPage } from './reportHtml';
import { activeTarget, type ReadinessSource } from './source';

const VIEW_TYPE = 'mlHygiene.readinessReport';

/** A message the webview posted and what handling it did. */
export interface ReportMessageEvent {
  message: ReadinessButtonMessage;
  outcome: ButtonOutcome;
}

/** What the page reports after loading: its scores and buttons, read from its own DOM. */
export interface RenderedPage {
  scores: number[];
  buttons: Array<{ label: string; message: ReadinessButtonMessage }>;
}

function isRenderedPage(value: unknown): value is RenderedPage & { type: 'rendered' } {
  const m = value as { type?: unknown; scores?: unknown; buttons?: unknown } | null;
  return !!m && m.type === 'rendered' && Array.isArray(m.scores) && Array.isArray(m.buttons);
}

export function isButtonMessage(value: unknown): value is ReadinessButtonMessage {
  const m = value as Partial<ReadinessButtonMessage> | null;
  return !!m && (m.command === 'fix' || m.command === 'open' || m.command === 'docs') && typeof m.projectRoot === 'string' && typeof m.checkId === 'string';
}

/**
 * The Readiness report: one webview panel, re-rendered from the server's answer whenever an input
 * changes. Its buttons post `{command, projectRoot, checkId}`; the extension looks the check up in
 * a fresh answer, so a Fix never applies an edit computed for an older version of the file.
 */
export class ReadinessReportPanel implements vscode.Disposable {
  panel: vscode.WebviewPanel | undefined;
  /** What the panel shows now. */
  projects: ProjectReadinessWire[] = [];
  /** The HTML the webview was last given. */
  html = '';
  private target: vscode.Uri | undefined;
  private readonly rendered = new vscode.EventEmitter<ProjectReadinessWire[]>();
  /** Fires after each render (tests wait on it). */
  readonly onDidRender = this.rendered.event;
  private readonly received = new vscode.EventEmitter<ReportMessageEvent>();
  /** Fires for every message the webview posts, once it has been handled. */
  readonly onDidHandleMessage = this.received.event;
  /** What the webview's page last said it shows (media/report.js posts it on load). */
  page: RenderedPage | undefined;
  private readonly pageLoaded = new vscode.EventEmitter<RenderedPage>();
  readonly onDidLoadPage = this.pageLoaded.event;
  private readonly disposables: vscode.Disposable[] = [this.rendered, this.received, this.pageLoaded];
  private sequence = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly source: ReadinessSource,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(source.onDidChange(() => void (this.panel && this.refresh())));
  }

  /** Opens (or focuses) the report on the project of `uri`, else of the active editor. */
  async show(uri?: vscode.Uri): Promise<vscode.WebviewPanel> {
    this.target = uri ?? activeTarget();
    if (!this.panel) {
      const media = vscode.Uri.joinPath(this.extensionUri, 'media');
      this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'ML Readiness', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [media] });
      this.panel.iconPath = vscode.Uri.joinPath(media, 'ml-hygiene.svg');
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.html = '';
        this.page = undefined;
      });
      this.panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isRenderedPage(message)) {
          this.page = { scores: message.scores, buttons: message.buttons };
          this.pageLoaded.fire(this.page);
        } else void this.handle(message);
      });
    } else this.panel.reveal();
    await this.refresh();
    return this.panel;
  }

  async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const mine = ++this.sequence;
    let projects: ProjectReadinessWire[];
    try {
      projects = (await this.source.request(this.target)).projects;
    } catch {
      return;
    }
    if (mine !== this.sequence || this.panel !== panel) return;
    this.projects = projects;
    const webview = panel.webview;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const html = renderReportPage(projects, this.source.thresholds, {
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
    });
    // The nonce changes each render, so compare without it: an unchanged report keeps its scroll position.
    if (withoutNonce(html) !== withoutNonce(this.html)) webview.html = html;
    this.html = html;
    panel.title = projects.length === 1 ? `ML Readiness ${projects[0]!.score}: ${projects[0]!.name}` : 'ML Readiness';
    this.rendered.fire(projects);
  }

  /**
   * Handles a message the webview posted. Tests call this with the same payload the page's button
   * carries, since the webview's DOM is out of the extension host's reach.
   */
  async handle(message: unknown): Promise<ButtonOutcome | undefined> {
    if (!isButtonMessage(message)) return undefined;
    let outcome: ButtonOutcome;
    try {
      outcome = await this.run(message);
    } catch (e) {
      outcome = { command: message.command, unavailable: (e as Error)?.message ?? String(e) };
      void vscode.window.showErrorMessage(`ML Hygiene: ${outcome.unavailable}`);
    }
    this.received.fire({ message, outcome });
    return outcome;
  }

  private async run(message: ReadinessButtonMessage): Promise<ButtonOutcome> {
    // Ask again rather than trust the rendered report: the file may have changed since.
    const fresh = (await this.source.request(vscode.Uri.file(message.projectRoot))).projects.find((p) => p.projectRoot === message.projectRoot);
    const check = fresh?.pillars.flatMap((p) => p.checks).find((c) => c.id === message.checkId);
    if (!check) return { command: message.command, unavailable: `the check ${message.checkId} is no longer reported` };
    switch (message.command) {
      case 'fix':
        if (!check.fix) {
          void vscode.window.showInformationMessage(check.passed ? `ML Hygiene: ${message.checkId} passes now.` : `ML Hygiene: ${message.checkId} has no automatic fix.`);
          return { command: 'fix', unavailable: check.passed ? 'the check passes now' : 'no automatic fix' };
        }
        return applyFix(this.client, check.fix);
      case 'open':
        if (!check.open) return { command: 'open', unavailable: 'the check points at no file' };
        return openLocation(check.open);
      case 'docs':
        if (!check.docs) return { command: 'docs', unavailable: 'the check has no rule page' };
        return openDocs(this.extensionUri, check.docs);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function withoutNonce(html: string): string {
  return html.replace(/nonce-[^']*'|nonce="[^"]*"/g, '');
}
