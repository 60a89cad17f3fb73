// Issue 14 §3 in a real VS Code, from the packaged .vsix on the dvc-project fixture: the Pipeline
// graph webview. What the page draws is read from the webview's own DOM (nested iframes, through the
// harness and Playwright), a stage is clicked there with the mouse, and the editor must reveal it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../../src/client/extension';
import { suite, suiteSetup, test } from '../tdd';
import { activeExtension, locate, readFixtureText, waitFor, workspaceFile } from '../workbench';
import { clickInWebview, clickInWorkbench, queryWebview, queryWebviewStyles } from '../webviewDom';
import { EDGES, REPORTS_DVC_YAML, TRAIN_EDIT, breakTrainAndAddReport, nodeClasses } from './graph';

const SHOW_GRAPH = 'mlHygiene.showPipelineGraph';

/** id → status class, as the dvc.lock of the fixture makes them (five stages reproduced, export never run). */
const FIXTURE: [string, string][] = [
  ['dvc.yaml:prepare', 'status-up-to-date'],
  ['dvc.yaml:featurize', 'status-up-to-date'],
  ['dvc.yaml:train', 'status-up-to-date'],
  ['dvc.yaml:evaluate@train', 'status-up-to-date'],
  ['dvc.yaml:evaluate@test', 'status-up-to-date'],
  ['dvc.yaml:export', 'status-never-run'],
];

/** [r, g, b] of a CSS color as computed styles and theme variables write it (#rgb, #rrggbb[aa], rgb(a)()). */
function rgb(color: string): number[] {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim())?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  }
  const parts = /^rgba?\(([^)]+)\)$/.exec(color.trim())?.[1]?.split(/[,\s/]+/).filter(Boolean);
  assert.ok(parts && parts.length >= 3, `not a color: ${color}`);
  return parts.slice(0, 3).map(Number);
}

async function drawnEdges(): Promise<string[]> {
  const edges = await queryWebview('path.edge', ['data-from', 'data-to']);
  return edges.attributes.map((a) => `${a['data-from']} -> ${a['data-to']}`).sort();
}

async function waitForDrawn(what: string, expected: [string, string][], timeoutMs = 20_000): Promise<void> {
  let last: [string, string][] = [];
  await waitFor(
    what,
    async () => {
      last = await nodeClasses();
      return JSON.stringify(last) === JSON.stringify(expected);
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the webview draws ${JSON.stringify(last)}`);
  });
}

suite('pipeline-graph: the Pipeline graph webview', () => {
  let api: MlHygieneApi;
  let extension: vscode.Extension<MlHygieneApi>;

  suiteSetup(async () => {
    ({ api, extension } = await activeExtension());
  });

  test('"Show pipeline graph" is a command of the palette and a button of the Pipeline view\'s title bar that opens the graph', async () => {
    const contributes = extension.packageJSON.contributes as {
      commands: { command: string; title: string; category?: string; icon?: string }[];
      menus: Record<string, { command: string; when?: string; group?: string }[]>;
    };
    const command = contributes.commands.find((c) => c.command === SHOW_GRAPH);
    assert.deepEqual(command && [command.title, command.category], ['Show pipeline graph', 'ML Hygiene']);
    assert.ok(command?.icon, 'it has an icon for the title bar');
    assert.ok(!contributes.menus.commandPalette?.some((m) => m.command === SHOW_GRAPH && m.when === 'false'), 'not hidden from the palette');
    const title = contributes.menus['view/title']?.find((m) => m.command === SHOW_GRAPH);
    assert.equal(title?.when, 'view == mlHygiene.pipeline');
    assert.match(title?.group ?? '', /^navigation/);
    assert.ok((await vscode.commands.getCommands(true)).includes(SHOW_GRAPH), 'the command is registered');

    // The button in the Pipeline view's title bar, clicked with the mouse, opens the graph.
    api.pipelineGraph.panel?.dispose();
    await vscode.commands.executeCommand('workbench.view.extension.mlHygiene');
    await waitFor('the Pipeline view to become visible', () => api.pipelineView.visible, 10_000);
    await clickInWorkbench('.part.sidebar .title-actions a.action-label[aria-label^="Show pipeline graph"]');
    await waitFor('the title-bar button to open the graph', () => api.pipelineGraph.panel?.visible, 10_000);
  });

  test('the graph shows every stage with its status class and an arrow per dep reading an out, under a strict CSP', async () => {
    await vscode.commands.executeCommand(SHOW_GRAPH);
    const panel = api.pipelineGraph.panel;
    assert.ok(panel, 'the graph panel is open');
    await waitFor('the graph panel to be visible', () => panel.visible, 10_000);
    await waitForDrawn('the webview to draw the six stages', FIXTURE);

    // What the page said it drew agrees with its DOM, and with the server's graph.
    assert.deepEqual(api.pipelineGraph.rendered?.nodes.map((n) => [n.id, `status-${n.status}`]), FIXTURE);
    assert.deepEqual(api.pipelineGraph.graph?.nodes.map((n) => n.id), FIXTURE.map(([id]) => id));
    assert.deepEqual(await drawnEdges(), EDGES);
    // Each box reads its stage name and status line.
    const train = await queryWebview('g.node[data-id="dvc.yaml:train"] text');
    assert.deepEqual(train.texts, ['train', 'up to date']);

    const html = panel.webview.html;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    const nonce = csp && /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, `a nonce-only script policy: ${csp}`);
    assert.equal(csp, `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${panel.webview.cspSource} data:`);
    const allowed = new Set([
      panel.webview.asWebviewUri(vscode.Uri.joinPath(extension.extensionUri, 'media', 'pipelineGraph.css')).toString(),
      panel.webview.asWebviewUri(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'pipelineGraph.js')).toString(),
    ]);
    const resources = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    assert.deepEqual(new Set(resources), allowed, 'only the extension\'s own stylesheet and script');
    assert.equal([...html.matchAll(/<script\b[^>]*nonce="([^"]+)"/g)].map((m) => m[1]).join(), nonce, 'one script, with the nonce');
    assert.doesNotMatch(html, /style="|<style/, 'no inline styles');
  });

  test('each status is drawn in its theme color: the box outline is the workbench theme\'s color for it', async () => {
    await vscode.commands.executeCommand(SHOW_GRAPH);
    await waitForDrawn('the fixture graph', FIXTURE);
    // The colors the workbench's theme gives the page (VS Code sets them on the page's root element).
    const THEME: Record<string, string> = {
      'up-to-date': '--vscode-testing-iconPassed',
      'never-run': '--vscode-descriptionForeground',
    };
    // The graph page's own root (the webview's outer frame is an html page too).
    const root = await queryWebviewStyles('html:has(svg.pipeline)', Object.values(THEME));
    const boxes = await queryWebview('g.node', ['data-status']);
    const strokes = await queryWebviewStyles('g.node .box', ['stroke']);
    assert.equal(strokes.styles.length, FIXTURE.length);
    for (const [i, attributes] of boxes.attributes.entries()) {
      const status = attributes['data-status']!;
      const themeColor = root.styles[0]![THEME[status]!];
      assert.ok(themeColor, `the theme defines ${THEME[status]}`);
      assert.deepEqual(rgb(strokes.styles[i]!['stroke']!), rgb(themeColor), `${status}: outline ${strokes.styles[i]!['stroke']} is the theme's ${THEME[status]} ${themeColor}`);
    }
    assert.notDeepEqual(rgb(root.styles[0]!['--vscode-testing-iconPassed']!), rgb(root.styles[0]!['--vscode-descriptionForeground']!), 'the two statuses look different');
  });

  test('the graph refreshes live with the tree: a dep edited on disk turns train changed, a new dvc.yaml adds a stage in error with its edge', async () => {
    await vscode.commands.executeCommand(SHOW_GRAPH);
    await waitForDrawn('the fixture graph', FIXTURE);
    await breakTrainAndAddReport();
    // train and everything reading its model compare their own deps (like `dvc status`): only train changes.
    const expected: [string, string][] = FIXTURE.map(([id, status]) => [id, id === 'dvc.yaml:train' ? 'status-changed' : status]);
    expected.push(['reports/dvc.yaml:summary', 'status-error']);
    await waitForDrawn('train to turn changed and reports/dvc.yaml:summary to appear in error', expected, 30_000);
    const summary = await queryWebview('g.node[data-id="reports/dvc.yaml:summary"] text');
    assert.deepEqual(summary.texts, ['summary', "${report.top_k}: 'report' is not defined"]);
    assert.deepEqual(await drawnEdges(), [...EDGES, 'dvc.yaml:evaluate@test -> reports/dvc.yaml:summary'].sort());
    // The same data as the tree's: one server answer feeds both.
    const roots = await api.pipeline.rootsNow();
    assert.deepEqual(roots.map((r) => r.label), ['dvc.yaml', 'reports/dvc.yaml']);
    assert.equal(roots[0]!.children?.find((c) => c.label === 'train')?.status, 'changed');
    assert.ok((await readFixtureText('src/train.py')).endsWith(TRAIN_EDIT));
    assert.ok((await readFixtureText(REPORTS_DVC_YAML)).includes('${report.top_k}'));
  });

  test('a mouse click on a stage inside the webview reveals the stage\'s name in dvc.yaml', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(SHOW_GRAPH);
    await waitFor('the page to draw the graph', () => (api.pipelineGraph.rendered?.nodes.length ?? 0) >= 6, 20_000);
    const source = await readFixtureText('dvc.yaml');
    const train = locate(source, '  train:');
    await clickInWebview('g.node[data-id="dvc.yaml:train"]');
    const editor = await waitFor(
      'dvc.yaml to become the active editor',
      () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.toString() === workspaceFile('dvc.yaml').toString() && e;
      },
      10_000,
    );
    const s = editor.selection;
    assert.deepEqual([s.start.line, s.start.character, s.end.line, s.end.character], [train.line, train.character + 2, train.line, train.character + 2 + 'train'.length], 'the stage name is selected');
    assert.equal(editor.document.getText(s), 'train');
    // Beside the graph, which stays open.
    assert.ok(api.pipelineGraph.panel, 'the graph stays open');
    assert.notEqual(editor.viewColumn, api.pipelineGraph.panel.viewColumn, 'dvc.yaml opens beside the graph');

    // A click on a stage of the other dvc.yaml opens that file.
    await clickInWebview('g.node[data-id="reports/dvc.yaml:summary"]');
    await waitFor('reports/dvc.yaml to become the active editor', () => vscode.window.activeTextEditor?.document.uri.toString() === workspaceFile(REPORTS_DVC_YAML).toString(), 10_000);
    assert.equal(vscode.window.activeTextEditor!.document.getText(vscode.window.activeTextEditor!.selection), 'summary');
  });
});
