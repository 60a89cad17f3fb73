// Helpers of the readiness suite: the extension's API, the server's own answer, the report's buttons
// and the workbench DOM (through the harness).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../../src/client/extension';
import { ReadinessMethods, type ProjectReadinessWire, type ReadinessButtonMessage, type ReadinessCheckWire, type ReadinessResult } from '../../../../src/protocol/readiness';
import { EXTENSION_ID, activeExtension, waitFor } from '../workbench';

export { activeExtension as activeApi };

/** Asks the language server directly, bypassing the badge and the report. */
export async function serverReadiness(api: MlHygieneApi, uri?: vscode.Uri): Promise<ProjectReadinessWire> {
  const result = await api.client.sendRequest<ReadinessResult>(ReadinessMethods.readiness, uri ? { uri: uri.toString() } : {});
  assert.equal(result.projects.length, 1, `expected the fixture's one project, got ${JSON.stringify(result.projects.map((p) => p.projectRoot))}`);
  return result.projects[0]!;
}

export function checkOf(project: ProjectReadinessWire, id: string): ReadinessCheckWire {
  const check = project.pillars.flatMap((p) => p.checks).find((c) => c.id === id);
  assert.ok(check, `the report has no ${id} check`);
  return check;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

export interface RenderedButton {
  label: string;
  message: ReadinessButtonMessage;
}

/** Every `<button data-message=…>label</button>` of the report's HTML, its payload decoded as the page script decodes it. */
export function buttonsIn(html: string): RenderedButton[] {
  const out: RenderedButton[] = [];
  for (const m of html.matchAll(/<button\b[^>]*\bdata-message="([^"]*)"[^>]*>([^<]*)<\/button>/g)) {
    const json = m[1]!.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
    out.push({ label: m[2]!, message: JSON.parse(json) as ReadinessButtonMessage });
  }
  return out;
}

let queries = 0;

/**
 * The innerText of every element of the workbench page matching `selector`, read by the harness
 * (test/vscode/run.mjs answers `[mlh-dom]` log lines): what the status bar really shows.
 */
export async function queryWorkbench(selector: string, timeoutMs = 10_000): Promise<string[]> {
  const dir = process.env.MLH_VSCODE_DOM_DIR;
  assert.ok(dir, 'MLH_VSCODE_DOM_DIR is not set by the harness');
  const id = `readiness${process.pid}-${++queries}`;
  console.log(`[mlh-dom] ${JSON.stringify({ id, selector })}`);
  const file = path.join(dir, `${id}.json`);
  await waitFor(`the harness to answer the DOM query ${selector}`, () => fs.existsSync(file), timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as { texts?: string[]; error?: string };
  if (answer.error !== undefined) throw new Error(`DOM query ${selector} failed: ${answer.error}`);
  return answer.texts ?? [];
}

/** The badge as the workbench renders it: status-bar entries carry `<extension id>.<item id>` as their element id. */
export const BADGE_ELEMENT = `[id="${EXTENSION_ID}.mlHygiene.readiness"]`;
