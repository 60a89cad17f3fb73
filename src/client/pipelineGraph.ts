import { randomBytes } from 'node:crypto';
// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { PipelineGraphPageMessage, PipelineGraphUpdate, PipelineGraphWire } from '../protocol/protocol';
import { revealInDvcYaml, type PipelineTreeProvider } from './pipelineTree';
import { webviewPage, type WebviewPageResources } from './webviewPage';

const VIEW_TYPE = 'mlHygiene.pipelineGraph';

/** What the page last said it draws (its own DOM, posted after each render). */
export interface RenderedGraph {
  nodes: { id: string; status: string }[];
  edges: number;
}

export function pipelineGraphHtml(resources: WebviewPageResources): string {
  const body = `<header>
  <ul class="legend" aria-label="Stage status">
    <li class="status-up-to-date"><span class="swatch"></span>up to date</li>
    <li class="status-changed"><span class="swatch"></span>changed</li>
    <li class="status-never-run"><span class="swatch"></span>never run</li>
    <li class="status-error"><span class="swatch"></span>error</li>
  </ul>
</header>
<div id="problems" role="status"></div>
<main id="graph"><p class="empty">Loading the pipeline…</p></main>`;
  return webviewPage('Pipeline graph', body, resources);
}

/**
 * The Pipeline graph: a webview that draws the Pipeline tree's data as a DAG. The data is the
 * server's `mlHygiene/pipelineTree` answer, shared with the tree (the client analyses nothing), so
 * it refreshes exactly when the tree does. Layout and drawing happen in the page (dist/pipelineGraph.js).
 */
export class PipelineGraphPanel implements vscode.Disposable {
  panel: vscode.WebviewPanel | undefined;
  /** The graph last sent to the page. */
  graph: PipelineGraphWire | undefined;
  /** What the page last reported it drew. */
  rendered: RenderedGraph | undefined;
  private readonly didRender = new vscode.EventEmitter<RenderedGraph>();
  /** Fires each time the page has drawn a graph (tests wait on it). */
  readonly onDidRender = this.didRender.event;
  private readonly disposables: vscode.Disposable[] = [this.didRender];
  private pageReady = false;
  /** The JSON of the graph the current page draws: an unchanged answer is not drawn again (scroll and focus stay). */
  private drawn: string | undefined;
  private sequence = 0;

  constructor(
    private readonly pipeline: PipelineTreeProvider,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(pipeline.onDidChangeTreeData(() => void (this.panel && this.update())));
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const roots = [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(this.extensionUri, 'dist')];
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Pipeline graph', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: roots, retainContextWhenHidden: false });
    this.panel = panel;
    this.pageReady = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'ml-hygiene.svg');
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.rendered = undefined;
      this.graph = undefined;
    });
    panel.webview.onDidReceiveMessage((m: PipelineGraphPageMessage) => void this.receive(m));
    // A hidden webview is torn down; when it shows again its page starts over and says `ready`.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.pageReady = false;
    });
    panel.webview.html = pipelineGraphHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'pipelineGraph.css')).toString(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'pipelineGraph.js')).toString(),
    });
    return panel;
  }

  private async receive(message: PipelineGraphPageMessage): Promise<void> {
    if (message?.type === 'ready') {
      this.pageReady = true;
      this.drawn = undefined;
      await this.update();
    } else if (message?.type === 'reveal' && typeof message.id === 'string') {
      await this.reveal(message.id);
    } else if (message?.type === 'rendered' && Array.isArray(message.nodes)) {
      this.rendered = { nodes: message.nodes, edges: message.edges };
      this.didRender.fire(this.rendered);
    }
  }

  /** Shows the stage's name in its dvc.yaml: in the editor that already shows that file, else beside the graph. */
  async reveal(id: string): Promise<void> {
    const node = this.graph?.nodes.find((n) => n.id === id);
    if (!node) return;
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'file' && e.document.uri.fsPath === node.dvcYamlPath);
    await revealInDvcYaml({ id: node.id, kind: 'stage', label: node.stage, dvcYaml: node.dvcYamlPath, range: node.range }, shown?.viewColumn ?? vscode.ViewColumn.Beside);
  }

  private async update(): Promise<void> {
    const panel = this.panel;
    if (!panel || !this.pageReady) return;
    const mine = ++this.sequence;
    let graph: PipelineGraphWire;
    try {
      graph = (await this.pipeline.resultNow()).graph ?? { nodes: [], edges: [], unreadable: [] };
    } catch {
      return; // The server is restarting: the next tree refresh brings the graph.
    }
    if (mine !== this.sequence || this.panel !== panel) return;
    this.graph = graph;
    const json = JSON.stringify(graph);
    if (json === this.drawn) return;
    this.drawn = json;
    const update: PipelineGraphUpdate = { type: 'graph', graph };
    await panel.webview.postMessage(update);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
