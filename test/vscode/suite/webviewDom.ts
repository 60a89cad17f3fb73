// Reading and clicking inside a webview, through the harness (test/vscode/run.mjs answers `[mlh-dom]`
// log lines with `"webview": true` from the webview's own frames, with Playwright). The extension
// host cannot see a webview's DOM; this is what the person in front of the workbench sees and clicks.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './workbench';

export interface WebviewElements {
  /** textContent of each matching element. */
  texts: string[];
  /** Per element, the asked attributes' values (null when absent). */
  attributes: Record<string, string | null>[];
  /** Per element, the computed values of the asked CSS properties (when asked). */
  styles?: Record<string, string>[];
}

let queries = 0;

async function ask(query: { selector: string; attributes?: string[]; styles?: string[]; click?: boolean; webview?: boolean }, timeoutMs: number): Promise<WebviewElements> {
  const dir = process.env.MLH_VSCODE_DOM_DIR;
  assert.ok(dir, 'MLH_VSCODE_DOM_DIR is not set by the harness');
  // Each bundle (a test file, screenshot.js) has its own copy of this counter: the random part keeps
  // their ids, and so their answer files, apart.
  const id = `webview-${randomUUID()}-${++queries}`;
  console.log(`[mlh-dom] ${JSON.stringify({ id, webview: true, ...query })}`);
  const file = path.join(dir, `${id}.json`);
  await waitFor(`the harness to answer the webview query ${query.selector}`, () => fs.existsSync(file), timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as WebviewElements & { error?: string };
  if (answer.error !== undefined) throw new Error(`webview query ${query.selector} failed: ${answer.error}`);
  return answer;
}

/** The elements matching `selector` in the first webview frame that has any (none: empty lists). */
export function queryWebview(selector: string, attributes: string[] = [], timeoutMs = 10_000): Promise<WebviewElements> {
  return ask({ selector, attributes }, timeoutMs);
}

/** Like queryWebview, with the computed value of each CSS property in `styles` per element. */
export function queryWebviewStyles(selector: string, styles: string[], attributes: string[] = [], timeoutMs = 10_000): Promise<Required<WebviewElements>> {
  return ask({ selector, attributes, styles }, timeoutMs) as Promise<Required<WebviewElements>>;
}

/** Clicks the first element matching `selector` inside a webview with the mouse; fails when none matches. */
export async function clickInWebview(selector: string, timeoutMs = 10_000): Promise<void> {
  const answer = await ask({ selector, click: true }, timeoutMs);
  assert.ok(answer.texts.length > 0, `nothing in any webview matches ${selector}, so nothing was clicked`);
}

/** Clicks the first element of the workbench itself (not a webview) matching `selector`; fails when none does. */
export async function clickInWorkbench(selector: string, timeoutMs = 10_000): Promise<void> {
  const answer = (await ask({ selector, click: true, webview: false }, timeoutMs)) as unknown as { texts?: string[] };
  assert.ok((answer.texts ?? []).length > 0, `nothing in the workbench matches ${selector}, so nothing was clicked`);
}
