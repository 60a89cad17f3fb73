// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReadinessBadge, SHOW_REPORT_COMMAND } from './badge';
import { ReadinessReportPanel } from './reportPanel';
import { ReadinessSource } from './source';

export { badgeText } from './badge';
export { buttonMessageAttribute } from './reportHtml';

/** The readiness part of the extension's API (what the real-VS-Code tests drive). */
export interface ReadinessApi {
  source: ReadinessSource;
  badge: ReadinessBadge;
  report: ReadinessReportPanel;
}

/** Creates the badge and the report and registers `mlHygiene.showReadinessReport`. */
export function createReadiness(context: vscode.ExtensionContext, client: LanguageClient, ready: Promise<void>): ReadinessApi {
  const source = new ReadinessSource(client, ready);
  const badge = new ReadinessBadge(source);
  const report = new ReadinessReportPanel(client, source, context.extensionUri);
  context.subscriptions.push(
    source,
    badge,
    report,
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, (uri?: vscode.Uri) => report.show(uri instanceof vscode.Uri ? uri : undefined)),
  );
  return { source, badge, report };
}
