// Helpers for the suites that look at the Pipeline view and at what the extension starts:
// the extension's exported API, the tree it shows, the workbench's DOM and the machine's processes.
// (Used by suite/dvc-project and suite/untrusted.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../../src/client/extension';
import type { PipelineTreeNode } from '../../../../src/protocol/protocol';
import { activeExtension, waitFor } from '../workbench';

export type { PipelineTreeNode };

export { activeExtension };

/** The stage nodes of the tree's only dvc.yaml root, in the order the view shows them. */
export function stagesOf(roots: PipelineTreeNode[]): PipelineTreeNode[] {
  assert.equal(roots.length, 1, `expected one dvc.yaml root, got ${JSON.stringify(roots.map((r) => r.label))}`);
  const root = roots[0]!;
  assert.equal(root.kind, 'dvcfile');
  return root.children ?? [];
}

export function stageNamed(roots: PipelineTreeNode[], name: string): PipelineTreeNode {
  const stage = stagesOf(roots).find((s) => s.label === name);
  assert.ok(stage, `no stage ${name} in the tree; it has ${JSON.stringify(stagesOf(roots).map((s) => s.label))}`);
  return stage;
}

/** `kind label = description` per child: compact, and the whole list shows up in a failure message. */
export function describeChildren(stage: PipelineTreeNode): string[] {
  return (stage.children ?? []).map((c) => `${c.kind} ${c.label} = ${c.description ?? ''}`);
}

/** Opens the ML Hygiene view container and waits until the Pipeline view is visible with its rows. */
export async function showPipelineView(api: MlHygieneApi): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.mlHygiene');
  await waitFor('the Pipeline view to become visible', () => api.pipelineView.visible, 10_000);
}

let queries = 0;

async function askWorkbench<T>(query: { selector: string; parts?: string[] }, timeoutMs: number): Promise<T> {
  const dir = process.env.MLH_VSCODE_DOM_DIR;
  assert.ok(dir, 'MLH_VSCODE_DOM_DIR is not set by the harness');
  const id = `q${process.pid}-${++queries}`;
  console.log(`[mlh-dom] ${JSON.stringify({ id, ...query })}`);
  const file = path.join(dir, `${id}.json`);
  await waitFor(`the harness to answer the DOM query ${query.selector}`, () => fs.existsSync(file), timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as T & { error?: string };
  if (answer.error !== undefined) throw new Error(`DOM query ${query.selector} failed: ${answer.error}`);
  return answer;
}

/**
 * The innerText of every element of the workbench page matching `selector`, read by the harness
 * (test/vscode/run.mjs answers `[mlh-dom]` log lines). For what the `vscode` API does not expose:
 * notifications, rendered tree rows.
 */
export async function queryWorkbench(selector: string, timeoutMs = 10_000): Promise<string[]> {
  return (await askWorkbench<{ texts: string[] }>({ selector }, timeoutMs)).texts;
}

/** Like queryWorkbench, but per element the innerText of each sub-selector in `parts` (null when absent). */
export async function queryWorkbenchParts(selector: string, parts: string[], timeoutMs = 10_000): Promise<(string | null)[][]> {
  return (await askWorkbench<{ parts: (string | null)[][] }>({ selector, parts }, timeoutMs)).parts;
}

/** The Pipeline view's visible rows as "label" or "label — description". */
export async function renderedPipelineRows(): Promise<string[]> {
  const rows = await queryWorkbenchParts(PIPELINE_ROWS, ['.label-name', '.label-description']);
  return rows.map(([label, description]) => (description ? `${label} — ${description}` : String(label)));
}

/** The notification center's messages (toasts do not show in this headless workbench; the center does). */
export async function notificationMessages(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return await queryWorkbench(NOTIFICATIONS);
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/** Rows of the ML Hygiene view container (the Pipeline view) as the workbench renders them. */
export const PIPELINE_ROWS = '[id="workbench.view.extension.mlHygiene"] .monaco-list-row';
/** Entries of the notification center. */
export const NOTIFICATIONS = '.notifications-center .notification-list-item';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** Every process this user can see, read from /proc (arguments joined by spaces). */
export function processes(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // The process ended while we read it.
    }
  }
  return out;
}

/** Processes whose command line runs this extension's language server bundle. */
export function languageServerProcesses(extension: vscode.Extension<unknown>): ProcessInfo[] {
  const serverJs = path.join(extension.extensionPath, 'dist', 'server.js');
  return processes().filter((p) => p.cmdline.includes(serverJs));
}

/** Processes whose command line mentions the installed extension's folder at all. */
export function processesOfExtension(extension: vscode.Extension<unknown>): ProcessInfo[] {
  return processes().filter((p) => p.pid !== process.pid && p.cmdline.includes(extension.extensionPath));
}

export interface SpawnCall {
  fn: string;
  command: string;
  stack: string;
}

const SPAWNING = ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const;

/**
 * Records every child_process call made in the extension host from now on (until `stop`), with the
 * stack that made it, then lets the call through. Catches processes too short-lived for /proc.
 */
export function recordSpawns(): { calls: SpawnCall[]; stop(): void } {
  const childProcess = require('node:child_process') as Record<(typeof SPAWNING)[number], (...args: unknown[]) => unknown>;
  const calls: SpawnCall[] = [];
  const originals = SPAWNING.map((fn) => [fn, childProcess[fn]] as const);
  for (const [fn, original] of originals) {
    childProcess[fn] = function (this: unknown, ...args: unknown[]) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 100;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      calls.push({ fn, command: String(args[0]), stack });
      return original.apply(this, args);
    };
  }
  return {
    calls,
    stop: () => {
      for (const [fn, original] of originals) childProcess[fn] = original;
    },
  };
}
