import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReportPage } from '../../../src/client/readiness/reportHtml';
import { DEFAULT_THRESHOLDS } from '../../../src/client/readiness/thresholds';
import type { ProjectReadinessWire, ReadinessCheckWire } from '../../../src/protocol/readiness';

const RESOURCES = { cspSource: 'vscode-resource:', nonce: 'n0', styleUri: 'report.css', scriptUri: 'report.js' };

function page(checks: ReadinessCheckWire[]): string {
  const project: ProjectReadinessWire = { projectRoot: '/w', projectUri: 'file:///w', name: 'w', score: 40, pillars: [{ name: 'types', title: 'Type safety', score: 40, weight: 15, checks }] };
  return renderReportPage([project], DEFAULT_THRESHOLDS, RESOURCES);
}

const check = (id: string, weight: number, passed: boolean, share?: number): ReadinessCheckWire => ({
  id,
  passed,
  applicable: true,
  weight,
  message: id,
  codes: [],
  findings: 0,
  ...(share !== undefined ? { share } : {}),
});

/** [class, x, width] of each segment of the pillar's checks chart. */
function segments(html: string): Array<[string, number, number]> {
  const chart = /<svg class="checks-chart"[\s\S]*?<\/svg>/.exec(html)![0];
  return [...chart.matchAll(/<rect class="segment segment-(\w+)" x="([\d.]+)" y="0" width="([\d.]+)"/g)].map((m) => [m[1]!, Number(m[2]), Number(m[3])]);
}

test('the report\'s checks chart splits a check scored by a figure into the part it earned and the part it did not', () => {
  // Weights 2 + 2 over 200 px: 100 px per check, drawn 98 px wide; 25% of annotation coverage earned.
  const html = page([check('MLH401', 2, true), check('annotation-coverage', 2, false, 0.25)]);
  assert.deepEqual(segments(html), [
    ['pass', 0, 98],
    ['pass', 100, 24.5],
    ['fail', 124.5, 73.5],
  ]);
  assert.match(html, /<title>annotation-coverage: 25% earned<\/title>/);
  // Pass/fail checks, and a figure of 0%, draw one segment as before.
  assert.deepEqual(segments(page([check('MLH401', 2, false), check('annotation-coverage', 2, false, 0)])), [
    ['fail', 0, 98],
    ['fail', 100, 98],
  ]);
});
