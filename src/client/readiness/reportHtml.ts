/**
 * The readiness report's HTML: a pure function of the server's report, so it can be tested
 * without a webview. Everything the page shows is escaped here; the page's only script is
 * media/report.js, which posts the `data-message` of the clicked button.
 */
import type { PillarReadinessWire, ProjectReadinessWire, ReadinessButtonMessage, ReadinessCheckWire } from '../../protocol/readiness';
import { scoreTone, type ReadinessThresholds } from './thresholds';
import { escapeHtml, webviewPage, type WebviewPageResources } from '../webviewPage';

/** The attribute a button carries; the report script posts it as is. */
export function buttonMessageAttribute(message: ReadinessButtonMessage): string {
  return `data-message="${escapeHtml(JSON.stringify(message))}"`;
}

/** Rule messages mark code with backticks, as in the CLI and the hover: show it as code. */
function formatMessage(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function renderReportPage(projects: ProjectReadinessWire[], thresholds: ReadinessThresholds, resources: WebviewPageResources): string {
  const body = projects.length
    ? projects.map((p) => renderProject(p, thresholds, projects.length > 1)).join('\n')
    : '<p class="empty">No Python project found in this workspace: add a <code>pyproject.toml</code> or <code>requirements.txt</code> (a <code>dvc.yaml</code>, <code>setup.py</code> or a git repository also makes a folder a project).</p>';
  return webviewPage('ML Hygiene: Readiness', body, resources);
}

function renderProject(project: ProjectReadinessWire, thresholds: ReadinessThresholds, showRoot: boolean): string {
  const failing = project.pillars.flatMap((p) => p.checks).filter((c) => c.applicable && !c.passed).length;
  return `<section class="project" data-project-root="${escapeHtml(project.projectRoot)}">
<header class="summary">
  <div class="score tone-${scoreTone(project.score, thresholds)}" aria-label="Readiness score ${project.score} out of 100"><span class="value">${project.score}</span><span class="of">/100</span></div>
  <div class="headline">
    <h1>Production readiness of ${escapeHtml(project.name)}</h1>
    <p class="muted">${failing ? `${failing} failing check${failing === 1 ? '' : 's'}` : 'Every applicable check passes'}${showRoot ? ` · ${escapeHtml(project.projectRoot)}` : ''}</p>
  </div>
  ${overviewChart(project.pillars, thresholds)}
</header>
${project.pillars.map((p) => renderPillar(project, p, thresholds)).join('\n')}
</section>`;
}

const BAR_WIDTH = 200;
const ROW_HEIGHT = 18;

/** One bar per pillar, its length the pillar's score: the shape of the project at a glance. */
function overviewChart(pillars: PillarReadinessWire[], thresholds: ReadinessThresholds): string {
  const labelWidth = 170;
  const height = pillars.length * ROW_HEIGHT;
  const rows = pillars.map((p, i) => {
    const y = i * ROW_HEIGHT;
    const width = p.score === null ? 0 : Math.round((BAR_WIDTH * p.score) / 100);
    const value = p.score === null ? 'n/a' : String(p.score);
    return `<text class="chart-label" x="0" y="${y + 13}">${escapeHtml(p.title)}</text>
<rect class="chart-track" x="${labelWidth}" y="${y + 3}" width="${BAR_WIDTH}" height="12" rx="2"></rect>
<rect class="chart-bar tone-${p.score === null ? 'na' : scoreTone(p.score, thresholds)}" x="${labelWidth}" y="${y + 3}" width="${width}" height="12" rx="2"></rect>
<text class="chart-value" x="${labelWidth + BAR_WIDTH + 8}" y="${y + 13}">${value}</text>`;
  });
  const width = labelWidth + BAR_WIDTH + 40;
  return `<svg class="overview" role="img" aria-label="Score per pillar" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rows.join('')}</svg>`;
}

/** One segment per check, as wide as its weight: which checks the pillar's score is made of. */
function checksChart(pillar: PillarReadinessWire): string {
  const total = pillar.checks.reduce((s, c) => s + c.weight, 0) || 1;
  let x = 0;
  const segments = pillar.checks.map((c) => {
    const width = (BAR_WIDTH * c.weight) / total;
    const state = !c.applicable ? 'na' : c.passed ? 'pass' : 'fail';
    const drawn = Math.max(width - 2, 1);
    const rect = (cls: string, from: number, w: number, title: string) => `<rect class="segment segment-${cls}" x="${from.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="10"><title>${escapeHtml(c.id)}: ${title}</title></rect>`;
    // A check scored by a figure (annotation coverage) shows the part it earned and the part it did not.
    const share = state === 'fail' ? c.share : undefined;
    const segment =
      share !== undefined && share > 0
        ? rect('pass', x, drawn * share, `${Math.floor(100 * share)}% earned`) + rect('fail', x + drawn * share, drawn * (1 - share), `${Math.floor(100 * share)}% earned`)
        : rect(state, x, drawn, state === 'na' ? 'not applicable' : state === 'pass' ? 'passed' : 'failed');
    x += width;
    return segment;
  });
  return `<svg class="checks-chart" role="img" aria-label="Checks of the pillar" width="${BAR_WIDTH}" height="10" viewBox="0 0 ${BAR_WIDTH} 10">${segments.join('')}</svg>`;
}

function renderPillar(project: ProjectReadinessWire, pillar: PillarReadinessWire, thresholds: ReadinessThresholds): string {
  // Failing checks first: they are what the reader came for.
  const order = (c: ReadinessCheckWire) => (!c.applicable ? 2 : c.passed ? 1 : 0);
  const checks = [...pillar.checks].sort((a, b) => order(a) - order(b));
  const score = pillar.score === null ? '<span class="pillar-score tone-na">n/a</span>' : `<span class="pillar-score tone-${scoreTone(pillar.score, thresholds)}">${pillar.score}</span>`;
  return `<section class="pillar" data-pillar="${pillar.name}">
<h2>${escapeHtml(pillar.title)} ${score} ${checksChart(pillar)}</h2>
<ul class="checks">
${checks.map((c) => renderCheck(project, c)).join('\n')}
</ul>
</section>`;
}

function renderCheck(project: ProjectReadinessWire, check: ReadinessCheckWire): string {
  const state = !check.applicable ? 'na' : check.passed ? 'pass' : 'fail';
  const icon = { pass: '✓', fail: '✗', na: '–' }[state];
  const buttons: string[] = [];
  if (state === 'fail') {
    const message = (command: ReadinessButtonMessage['command']): ReadinessButtonMessage => ({ command, projectRoot: project.projectRoot, checkId: check.id });
    if (check.fix) buttons.push(`<button class="primary" ${buttonMessageAttribute(message('fix'))} title="${escapeHtml(check.fix.title)}">Fix</button>`);
    if (check.open) buttons.push(`<button class="secondary" ${buttonMessageAttribute(message('open'))} title="${escapeHtml(locationLabel(project, check))}">Open</button>`);
    if (check.docs) buttons.push(`<button class="secondary" ${buttonMessageAttribute(message('docs'))} title="${escapeHtml(check.docs.code)} documentation">Docs</button>`);
  }
  const where = state === 'fail' && check.open ? `<span class="where">${escapeHtml(locationLabel(project, check))}</span>` : '';
  const fixTitle = state === 'fail' && check.fix ? `<span class="fix-title">Fix: ${escapeHtml(check.fix.title)}</span>` : '';
  return `<li class="check check-${state}" data-check-id="${escapeHtml(check.id)}">
<span class="mark" aria-hidden="true">${icon}</span>
<div class="body"><div class="message">${formatMessage(check.message)}</div><div class="meta"><span class="check-id">${escapeHtml(check.docs?.code ?? check.id)}</span>${where}${fixTitle}</div></div>
${buttons.length ? `<div class="actions">${buttons.join('')}</div>` : ''}
</li>`;
}

function locationLabel(project: ProjectReadinessWire, check: ReadinessCheckWire): string {
  const open = check.open;
  if (!open) return '';
  const relative = open.path.startsWith(project.projectRoot + '/') ? open.path.slice(project.projectRoot.length + 1) : open.path;
  const cell = open.cell !== undefined ? ` [cell ${open.cell + 1}]` : '';
  const line = open.range ? `:${open.range.start.line + 1}` : '';
  return `${relative}${cell}${line}`;
}
