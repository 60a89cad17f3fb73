// The Pipeline graph page (bundled by esbuild into dist/pipelineGraph.js, loaded with the page's CSP
// nonce). It draws what the extension posts: the stages as boxes colored by status with theme
// colors (media/pipelineGraph.css), laid out top-down by dagre, an arrow per producer → consumer.
// A click (or Enter) on a stage asks the extension to reveal it in its dvc.yaml.
import { graphlib, layout } from '@dagrejs/dagre';
import type { PipelineGraphNodeWire, PipelineGraphPageMessage, PipelineGraphUpdate, PipelineGraphWire } from '../protocol/protocol';

declare function acquireVsCodeApi(): { postMessage(message: PipelineGraphPageMessage): void };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const PADDING_X = 14;
const LINE_HEIGHT = 17;
const PADDING_Y = 9;
const MAX_DESCRIPTION = 48;

function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number> = {}, parent?: Element): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  parent?.appendChild(element);
  return element;
}

function shorten(text: string): string {
  return text.length > MAX_DESCRIPTION ? text.slice(0, MAX_DESCRIPTION - 1) + '…' : text;
}

/** One stage: a rounded box with the name and the status line; sized to its text, placed later. */
function stageElement(node: PipelineGraphNodeWire, parent: SVGElement): { group: SVGGElement; width: number; height: number } {
  const group = svg('g', { class: `node status-${node.status}`, 'data-id': node.id, 'data-status': node.status, tabindex: 0, role: 'button' }, parent);
  const title = svg('title', {}, group);
  title.textContent = `${node.stage} (${node.dvcfile}): ${node.description}. Click to show it in dvc.yaml.`;
  group.setAttribute('aria-label', `${node.stage}: ${node.description}`);
  const box = svg('rect', { class: 'box', rx: 6, ry: 6 }, group);
  const name = svg('text', { class: 'name' }, group);
  name.textContent = node.stage;
  const status = svg('text', { class: 'status' }, group);
  status.textContent = shorten(node.description);
  const width = Math.ceil(Math.max(name.getBBox().width, status.getBBox().width)) + 2 * PADDING_X;
  const height = 2 * LINE_HEIGHT + 2 * PADDING_Y;
  box.setAttribute('width', String(width));
  box.setAttribute('height', String(height));
  name.setAttribute('x', String(PADDING_X));
  name.setAttribute('y', String(PADDING_Y + LINE_HEIGHT - 4));
  status.setAttribute('x', String(PADDING_X));
  status.setAttribute('y', String(PADDING_Y + 2 * LINE_HEIGHT - 4));
  return { group, width, height };
}

function render(graph: PipelineGraphWire): void {
  const main = document.getElementById('graph')!;
  const problems = document.getElementById('problems')!;
  problems.replaceChildren(
    ...graph.unreadable.map((u) => {
      const p = document.createElement('p');
      p.className = 'problem';
      p.textContent = `${u.dvcfile} could not be read: ${u.message}`;
      return p;
    }),
  );
  if (!graph.nodes.length) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = 'No DVC stages in this workspace.';
    main.replaceChildren(p);
    vscode.postMessage({ type: 'rendered', nodes: [], edges: 0 });
    return;
  }
  const root = svg('svg', { class: 'pipeline', role: 'img', 'aria-label': 'Pipeline stages and their dependencies' });
  const defs = svg('defs', {}, root);
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
  svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);
  const edgeLayer = svg('g', { class: 'edges' }, root);
  const nodeLayer = svg('g', { class: 'nodes' }, root);
  // Text is measured in the live document, so boxes fit the theme's font.
  main.replaceChildren(root);

  const g = new graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 44, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const elements = new Map<string, SVGGElement>();
  for (const node of graph.nodes) {
    const { group, width, height } = stageElement(node, nodeLayer);
    elements.set(node.id, group);
    g.setNode(node.id, { width, height });
  }
  for (const e of graph.edges) if (e.from !== e.to) g.setEdge(e.from, e.to);
  layout(g);

  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    elements.get(id)?.setAttribute('transform', `translate(${n.x - n.width / 2}, ${n.y - n.height / 2})`);
  }
  for (const e of graph.edges) {
    if (e.from === e.to) continue;
    const points = (g.edge(e.from, e.to) as { points?: { x: number; y: number }[] } | undefined)?.points ?? [];
    if (points.length < 2) continue;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    const path = svg('path', { class: 'edge', d, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }, edgeLayer);
    const title = svg('title', {}, path);
    title.textContent = e.paths.join(', ');
  }
  const size = g.graph() as { width?: number; height?: number };
  root.setAttribute('width', String(Math.ceil(size.width ?? 0)));
  root.setAttribute('height', String(Math.ceil(size.height ?? 0)));
  root.setAttribute('viewBox', `0 0 ${Math.ceil(size.width ?? 0)} ${Math.ceil(size.height ?? 0)}`);

  // Reported from the DOM itself, so the extension's API says what the page really shows.
  const drawn = [...document.querySelectorAll<SVGGElement>('g.node')].map((el) => ({ id: el.dataset.id ?? '', status: el.dataset.status ?? '' }));
  vscode.postMessage({ type: 'rendered', nodes: drawn, edges: document.querySelectorAll('path.edge').length });
}

function stageOf(target: EventTarget | null): string | undefined {
  return target instanceof Element ? (target.closest('g.node') as SVGGElement | null)?.dataset.id : undefined;
}

document.addEventListener('click', (event) => {
  const id = stageOf(event.target);
  if (id) vscode.postMessage({ type: 'reveal', id });
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const id = stageOf(event.target);
  if (!id) return;
  event.preventDefault();
  vscode.postMessage({ type: 'reveal', id });
});
window.addEventListener('message', (event: MessageEvent<PipelineGraphUpdate>) => {
  if (event.data?.type === 'graph') render(event.data.graph);
});
vscode.postMessage({ type: 'ready' });
