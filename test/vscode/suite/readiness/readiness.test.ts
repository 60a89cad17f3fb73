// Issue 6 in a real VS Code: the status-bar badge, the Readiness report webview and its buttons, and
// the getting-started walkthrough, from the packaged .vsix on the readiness-project fixture (a tidy
// uv project without `requires-python`, whose MLH108 fix raises the score, and an untracked data/).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../../src/client/extension';
import type { ReadinessButtonMessage } from '../../../../src/protocol/readiness';
import { suite, suiteSetup, teardown, test } from '../tdd';
import { readFixtureText, revertIfDirty, showFile, waitFor, workspaceFile } from '../workbench';
import { BADGE_ELEMENT, activeApi, buttonsIn, checkOf, queryWorkbench, serverReadiness } from './support';
import { clickInWebview, queryWebview } from '../webviewDom';
import type { ReportMessageEvent } from '../../../../src/client/readiness/reportPanel';

const pyproject = workspaceFile('pyproject.toml');
const SHOW_REPORT = 'mlHygiene.showReadinessReport';

/** The tone the badge must show for `score` under the configured thresholds. */
function expectedBackground(score: number): string | undefined {
  const config = vscode.workspace.getConfiguration('mlHygiene.readiness');
  const errorBelow = config.get<number>('errorBelow');
  const warningBelow = config.get<number>('warningBelow');
  assert.equal(typeof errorBelow, 'number', 'mlHygiene.readiness.errorBelow is contributed');
  assert.equal(typeof warningBelow, 'number', 'mlHygiene.readiness.warningBelow is contributed');
  if (score < errorBelow!) return 'statusBarItem.errorBackground';
  if (score < warningBelow!) return 'statusBarItem.warningBackground';
  return undefined;
}

async function waitForBadgeScore(api: MlHygieneApi, score: number): Promise<void> {
  await waitFor(
    `the badge to show ${score}`,
    () => api.readiness.badge.current?.score === score && api.readiness.badge.item.text === `$(shield) ML ${score}`,
    20_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it shows ${JSON.stringify(api.readiness.badge.item.text)}`);
  });
}

suite('readiness-project: readiness badge and report', () => {
  let api: MlHygieneApi;
  let extension: vscode.Extension<MlHygieneApi>;
  let original: string;

  suiteSetup(async () => {
    ({ api, extension } = await activeApi());
    original = await readFixtureText('pyproject.toml');
  });

  teardown(async () => {
    await revertIfDirty(pyproject);
  });

  test('the badge shows "$(shield) ML <score>" with the server\'s score, in the threshold color, with failing checks in its tooltip', async () => {
    await showFile(pyproject);
    const server = await serverReadiness(api, pyproject);
    await waitForBadgeScore(api, server.score);
    const badge = api.readiness.badge.item;
    assert.match(badge.text, /^\$\(shield\) ML \d{1,3}$/);
    assert.equal(badge.command, SHOW_REPORT);
    const background = badge.backgroundColor;
    // ThemeColor keeps its id at run time; @types/vscode 1.91 does not declare it yet.
    assert.equal(background instanceof vscode.ThemeColor ? (background as unknown as { id: string }).id : undefined, expectedBackground(server.score));

    // What the workbench actually paints in the status bar (the codicon is an icon, not text).
    const rendered = await waitFor(
      'the status bar to render the badge',
      async () => {
        const texts = await queryWorkbench(BADGE_ELEMENT);
        return texts.some((t) => t.trim() === `ML ${server.score}`) && texts;
      },
      15_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; the status bar shows ${JSON.stringify(await queryWorkbench(BADGE_ELEMENT))}`);
    });
    assert.equal(rendered.length, 1, 'one badge');

    const tooltip = badge.tooltip;
    assert.ok(tooltip instanceof vscode.MarkdownString, 'the tooltip is markdown');
    for (const pillar of server.pillars) {
      const failing = pillar.checks.filter((c) => c.applicable && !c.passed);
      if (failing.length) assert.ok(tooltip.value.includes(`**${pillar.title}**: ${pillar.score}`), `the tooltip lists ${pillar.title}:\n${tooltip.value}`);
      for (const c of failing) assert.ok(tooltip.value.includes(c.message), `the tooltip lists the failing ${c.id}:\n${tooltip.value}`);
    }
    assert.ok(tooltip.value.includes(`command:${SHOW_REPORT}`), 'the tooltip links to the report');
  });

  test('the report opens on the badge\'s command: score, one section per pillar with a chart, strict CSP, only local resources', async () => {
    await showFile(pyproject);
    const server = await serverReadiness(api, pyproject);
    await vscode.commands.executeCommand(SHOW_REPORT);
    const report = api.readiness.report;
    const panel = report.panel;
    assert.ok(panel, 'the report panel is open');
    await waitFor('the report panel to be visible', () => panel.visible, 10_000);
    assert.deepEqual(report.projects.map((p) => p.score), [server.score]);
    const html = report.html;

    assert.ok(html.includes(`<span class="value">${server.score}</span>`), 'the score is shown');
    for (const pillar of server.pillars) {
      assert.ok(html.includes(`data-pillar="${pillar.name}"`), `a section for ${pillar.name}`);
      assert.ok(html.includes(`${pillar.title}`), `the section is titled ${pillar.title}`);
    }
    assert.equal(html.match(/<svg class="checks-chart"/g)?.length, server.pillars.length, 'a chart per pillar');
    assert.match(html, /<svg class="overview"/);
    // Type safety shows the package's annotation coverage as a figure (the fixture's one public function is annotated).
    assert.match(html, /data-check-id="annotation-coverage"[\s\S]*?100% of 1 public function fully annotated \(1\/1\)\./);

    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.ok(csp, 'the page declares a CSP');
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, `scripts need a nonce: ${csp}`);
    assert.equal(csp, `default-src 'none'; style-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${panel.webview.cspSource} data:`);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 1, 'one script');
    assert.ok(scripts[0]!.includes(`nonce="${nonce}"`), 'the script carries the nonce');
    // Every resource is a file of the installed extension's media/ folder, served by the webview.
    const media = vscode.Uri.joinPath(extension.extensionUri, 'media');
    const allowed = new Set(['report.css', 'report.js'].map((name) => panel.webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString()));
    const resources = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    assert.equal(resources.length, 2, `a stylesheet and a script: ${JSON.stringify(resources)}`);
    for (const r of resources) assert.ok(allowed.has(r), `${r} is not one of the extension's media files`);
    assert.doesNotMatch(html, /style="/, 'no inline styles (the CSP would block them)');

    // The page itself ran its script under that CSP and reports what its DOM holds.
    const page = await waitFor('the webview page to load and report what it shows', () => report.page?.scores[0] === server.score && report.page, 15_000);
    assert.deepEqual(page.scores, [server.score]);
    assert.deepEqual(page.buttons, buttonsIn(html), 'the page shows exactly the buttons of the HTML');
    assert.ok(page.buttons.length > 0, 'the fixture has failed checks with buttons');
  });

  test('clicking the Fix button of a failed check in the webview posts its message; the fix is ONE undoable edit and the badge score rises', async () => {
    await showFile(pyproject);
    const before = await serverReadiness(api, pyproject);
    await waitForBadgeScore(api, before.score);
    const pythonVersion = checkOf(before, 'python-version');
    assert.equal(pythonVersion.passed, false, 'the fixture has no requires-python');
    assert.ok(pythonVersion.fix?.edit, 'MLH108 comes with a fix');

    await vscode.commands.executeCommand(SHOW_REPORT);
    const report = api.readiness.report;
    const fixMessage: ReadinessButtonMessage = { command: 'fix', projectRoot: before.projectRoot, checkId: 'python-version' };
    // The buttons as the loaded page's DOM has them; media/report.js posts a button's message on click.
    const page = await waitFor('the webview page to load', () => report.page?.scores[0] === before.score && report.page, 15_000);
    const buttons = page.buttons;
    assert.deepEqual(buttons, buttonsIn(report.html));
    const fixButton = buttons.find((b) => JSON.stringify(b.message) === JSON.stringify(fixMessage));
    assert.ok(fixButton, `no Fix button posts ${JSON.stringify(fixMessage)}; buttons: ${JSON.stringify(buttons)}`);
    assert.equal(fixButton.label, 'Fix');
    for (const b of buttons) {
      const check = checkOf(before, b.message.checkId);
      assert.equal(check.passed, false, `only failed checks have buttons (${b.message.checkId})`);
    }

    // A real mouse click on the Fix button inside the webview's iframe: the page posts the button's
    // message and the extension handles it.
    const handled = new Promise<ReportMessageEvent>((resolve) => {
      const sub = report.onDidHandleMessage((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    // The report tab was hidden by the editor above, so its page loads again: wait for its buttons.
    const inPage = await waitFor('the Fix button in the webview page', async () => {
      const found = await queryWebview('li[data-check-id="python-version"] button', ['data-message']);
      return found.texts.length > 0 && found;
    }, 15_000);
    assert.deepEqual(inPage.texts, ['Fix', 'Open', 'Docs'].filter((label) => buttons.some((b) => b.label === label && b.message.checkId === 'python-version')));
    await clickInWebview('li[data-check-id="python-version"] button.primary');
    const event = await Promise.race([handled, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the click posted no message within 15 s')), 15_000))]);
    assert.deepEqual(event.message, fixMessage, 'the clicked button posted the Fix message');
    const outcome = event.outcome;
    assert.ok(outcome && 'applied' in outcome && outcome.applied, `the fix was applied: ${JSON.stringify(outcome)}`);

    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === pyproject.toString());
    assert.ok(document, 'the fix opened pyproject.toml');
    assert.equal(document.isDirty, true, 'the edit is in the buffer, unsaved');
    const pythonVersionFile = (await readFixtureText('.python-version')).trim();
    const fixedText = document.getText();
    const added = fixedText.split('\n').filter((line) => !original.split('\n').includes(line));
    assert.deepEqual(added, [`requires-python = ">=${pythonVersionFile}"`], 'exactly the requires-python line was added');

    const after = await serverReadiness(api, pyproject);
    assert.equal(checkOf(after, 'python-version').passed, true);
    assert.ok(after.score > before.score, `the score rises (${before.score} → ${after.score})`);
    await waitForBadgeScore(api, after.score);
    await waitFor('the report to refresh live', () => report.projects[0]?.score === after.score, 15_000);
    await waitFor('the webview page to show the new score', () => report.page?.scores[0] === after.score, 15_000);
    assert.ok(!report.page!.buttons.some((b) => b.message.checkId === 'python-version'), 'the page has no buttons for the fixed check');
    assert.match(report.html, /<li class="check check-pass" data-check-id="python-version">/);
    assert.ok(!buttonsIn(report.html).some((b) => b.message.checkId === 'python-version'), 'the fixed check has no buttons any more');

    // One edit, one undo.
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('undo');
    await waitFor('one undo to restore pyproject.toml', () => document.getText() === original, 5_000);
    await waitForBadgeScore(api, before.score);
  });

  test('Open goes to the finding and Docs opens the packaged rule page in the Markdown preview', async () => {
    await showFile(pyproject);
    const project = await serverReadiness(api, pyproject);
    await vscode.commands.executeCommand(SHOW_REPORT);
    const report = api.readiness.report;
    const untracked = checkOf(project, 'MLH405');
    assert.ok(untracked.open?.range, 'MLH405 has a place to open');

    const openMessage = buttonsIn(report.html).find((b) => b.message.command === 'open' && b.message.checkId === 'MLH405');
    assert.ok(openMessage, 'MLH405 has an Open button');
    assert.equal(openMessage.label, 'Open');
    await report.handle(openMessage.message);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), untracked.open.uri);
    assert.deepEqual(
      [editor.selection.start.line, editor.selection.start.character, editor.selection.end.line, editor.selection.end.character],
      [untracked.open.range.start.line, untracked.open.range.start.character, untracked.open.range.end.line, untracked.open.range.end.character],
    );

    const docsButton = buttonsIn(report.html).find((b) => b.message.command === 'docs' && b.message.checkId === 'MLH405');
    assert.ok(docsButton, 'MLH405 has a Docs button');
    const outcome = await report.handle(docsButton.message);
    const packaged = vscode.Uri.joinPath(extension.extensionUri, 'docs', 'rules', 'MLH405.md');
    assert.deepEqual(outcome, { command: 'docs', opened: 'packaged', target: packaged.toString() });
    const preview = await waitFor(
      'the Markdown preview of MLH405.md',
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview') && t.label.includes('MLH405')),
      10_000,
    );
    assert.ok(preview);
  });

  test('the getting-started walkthrough has the badge, pipeline, Pin and Extract steps, each with its page and a command link', async () => {
    const walkthroughs = (extension.packageJSON as { contributes: { walkthroughs?: Array<{ id: string; title: string; steps: Array<{ id: string; description: string; media: { markdown?: string } }> }> } }).contributes.walkthroughs;
    const walkthrough = walkthroughs?.find((w) => w.id === 'mlHygiene.gettingStarted');
    assert.ok(walkthrough, 'the walkthrough is contributed');
    assert.equal(walkthrough.title, 'Get started with ML Hygiene');
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['readiness', 'pipeline', 'pin', 'extract']);
    const expectedCommands = [SHOW_REPORT, 'mlHygiene.pipeline.focus', 'mlHygiene.pinAll', 'mlHygiene.extractCell'];
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const [i, step] of walkthrough.steps.entries()) {
      assert.ok(step.media.markdown, `${step.id} has a markdown page`);
      const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, step.media.markdown)));
      assert.match(page, /^# /, `${step.media.markdown} is a markdown page with a title`);
      assert.ok(step.description.includes(`(command:${expectedCommands[i]})`), `${step.id} links ${expectedCommands[i]}`);
      assert.ok(registered.has(expectedCommands[i]!), `${expectedCommands[i]} is a registered command`);
    }
  });
});
