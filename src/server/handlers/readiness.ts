import { LSPErrorCodes, ResponseError, type Connection, type NotebookDocuments, type TextDocuments } from 'vscode-languageserver/node';
import { WorkCancelledError } from '../../core/progress';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../core/diagnostics';
import type { Engine } from '../../core/engine';
import { basename, joinPath } from '../../core/fs/paths';
import { projectForFile, type PythonProject, type WorkspaceScan } from '../../core/project/discovery';
import { CHECKS, computeReadiness, type ProjectMeasures, type ReadinessCheck, type ReadinessReport } from '../../core/readiness';
import { ruleDocsHref } from '../../core/rules/rule';
import {
  PILLAR_TITLES,
  ReadinessMethods,
  type ReadinessCheckWire,
  type ReadinessFix,
  type ReadinessLocation,
  type ReadinessParams,
  type ReadinessResult,
  type ProjectReadinessWire,
} from '../../protocol/readiness';
import { pathToUri, toLspWorkspaceEdit, uriToPath, type CellUriResolver } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { withWorkDoneProgress } from '../progress';

/** Typing bursts and `git checkout` storms end in one notification, not one per keystroke or file. */
const NOTIFY_DEBOUNCE_MS = 300;
/** LSP NotebookCellKind.Code. */
const CODE_CELL = 2;

interface Evaluation {
  scan: WorkspaceScan;
  findings: Finding[];
  /** Per project root: what the engine measured of its sources (annotation coverage). */
  measures: Map<string, ProjectMeasures>;
}

interface Evaluated {
  generation: number;
  result: Promise<Evaluation>;
}

export interface ReadinessService {
  /** Something a score may depend on changed: drop cached results and tell the client soon. */
  inputsChanged(): void;
}

/**
 * Registers `mlHygiene/readiness` and sends `mlHygiene/readinessChanged` when documents change.
 * File-system, configuration and trust changes come through `inputsChanged()`, which the server
 * calls wherever it re-checks open documents.
 */
export function registerReadiness(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  notebooks: NotebookDocuments<TextDocument>,
  stateOf: () => WorkspaceState,
): ReadinessService {
  // A whole-workspace check per request would repeat work while nothing changed (the badge asks on
  // every editor switch), so results are kept per engine until the next input change.
  let generation = 0;
  const evaluated = new WeakMap<Engine, Evaluated>();
  let timer: NodeJS.Timeout | undefined;

  const inputsChanged = (): void => {
    generation++;
    clearTimeout(timer);
    timer = setTimeout(() => void connection.sendNotification(ReadinessMethods.readinessChanged, {}), NOTIFY_DEBOUNCE_MS);
  };

  const evaluate = (engine: Engine): Promise<Evaluation> => {
    const cached = evaluated.get(engine);
    if (cached && cached.generation === generation) return cached.result;
    // The first request of a session checks the whole workspace (walk, manifests, notebooks, DVC
    // hashes): a cancellable window progress once it has run a while.
    const result = withWorkDoneProgress(connection, 'ML Hygiene: checking the workspace', async (onProgress, signal) => {
      const findings = await engine.checkWorkspace(undefined, { onProgress, signal });
      const scan = await engine.scan();
      // Measured once per evaluation, like the findings: the badge asks again on every editor switch.
      const measures = new Map<string, ProjectMeasures>();
      for (const project of scan.projects) measures.set(project.root, await engine.measures(project));
      return { scan, findings, measures };
    });
    evaluated.set(engine, { generation, result });
    // A failed evaluation must not be served again.
    result.catch(() => evaluated.delete(engine));
    return result;
  };

  const cellUri: CellUriResolver = (notebookPath, cellIndex) => {
    const notebook = notebooks.getNotebookDocument(pathToUri(notebookPath));
    return notebook?.cells.filter((c) => c.kind === CODE_CELL)[cellIndex]?.document;
  };

  documents.onDidOpen(inputsChanged);
  documents.onDidChangeContent(inputsChanged);
  documents.onDidClose(inputsChanged);

  connection.onRequest(ReadinessMethods.readiness, async (params: ReadinessParams | undefined) => {
    try {
      return await readiness(stateOf(), params ?? {}, evaluate, cellUri);
    } catch (e) {
      // The user cancelled the workspace check's progress: the request is cancelled, not failed.
      if (e instanceof WorkCancelledError) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the workspace check was cancelled');
      connection.console.error(`ml-hygiene: readiness failed: ${(e as Error)?.stack ?? e}`);
      throw e;
    }
  });

  return { inputsChanged };
}

/** The readiness of the project containing `params.uri`; without one (or outside every project), of every project. */
export async function readiness(
  state: WorkspaceState,
  params: ReadinessParams,
  evaluate: (engine: Engine) => Promise<Evaluation>,
  cellUri?: CellUriResolver,
): Promise<ReadinessResult> {
  const target = params.uri ? uriToPath(params.uri) : undefined;
  if (target) {
    const engine = await state.engineFor(target);
    const project = await engine.projectFor(target);
    if (project) {
      const { scan, findings, measures } = await evaluate(engine);
      const report = computeReadiness(project, findings, scan, await engine.ruleOffFor(project), measures.get(project.root));
      return { projects: [await toWire(state, report, project, scan, findings, cellUri)] };
    }
  }
  const projects: ProjectReadinessWire[] = [];
  for (const folder of state.folders) {
    const engine = await state.engineFor(joinPath(folder, '.'));
    const { scan, findings, measures } = await evaluate(engine);
    for (const project of scan.projects) {
      const report = computeReadiness(project, findings, scan, await engine.ruleOffFor(project), measures.get(project.root));
      projects.push(await toWire(state, report, project, scan, findings, cellUri));
    }
  }
  return { projects };
}

async function toWire(
  state: WorkspaceState,
  report: ReadinessReport,
  project: PythonProject,
  scan: WorkspaceScan,
  findings: Finding[],
  cellUri: CellUriResolver | undefined,
): Promise<ProjectReadinessWire> {
  const own = findings.filter((f) => projectForFile(scan, f.path) === project);
  const pillars = [];
  for (const p of report.pillars) {
    const checks: ReadinessCheckWire[] = [];
    for (const c of p.checks) checks.push(await checkToWire(state, c, own, cellUri));
    pillars.push({ name: p.name, title: PILLAR_TITLES[p.name], score: p.score, weight: p.weight, checks });
  }
  return { projectRoot: report.projectRoot, projectUri: pathToUri(report.projectRoot), name: basename(report.projectRoot), score: report.score, pillars };
}

async function checkToWire(state: WorkspaceState, check: ReadinessCheck, projectFindings: Finding[], cellUri: CellUriResolver | undefined): Promise<ReadinessCheckWire> {
  const wire: ReadinessCheckWire = {
    id: check.id,
    passed: check.passed,
    applicable: check.applicable,
    weight: check.weight,
    message: check.message,
    codes: check.codes,
    findings: check.findings,
    ...(check.share !== undefined ? { share: check.share } : {}),
    ...(check.code ? { docs: { code: check.code, href: ruleDocsHref(check.code) } } : {}),
  };
  if (check.passed || !check.applicable) return wire;
  if (check.file) wire.open = await location(state, check.file, check.range, check.cell);
  const fix = firstFix(state, check, projectFindings, cellUri);
  if (fix) wire.fix = fix;
  return wire;
}

async function location(state: WorkspaceState, path: string, range: ReadinessCheck['range'], cell: number | undefined): Promise<ReadinessLocation> {
  const stat = await state.fs.stat(path);
  return {
    uri: pathToUri(path),
    path,
    ...(range ? { range } : {}),
    ...(cell !== undefined ? { cell } : {}),
    ...(stat?.kind === 'directory' ? { folder: true } : {}),
  };
}

/**
 * The first fix of the check's failing findings, in report order: usually the finding "Open" shows;
 * a later one when the first has no fix (or its fix cannot be expressed, e.g. a cell edit of a
 * notebook that is not open).
 */
function firstFix(state: WorkspaceState, check: ReadinessCheck, projectFindings: Finding[], cellUri: CellUriResolver | undefined): ReadinessFix | undefined {
  const definition = CHECKS.find((c) => c.id === check.id);
  if (!definition || definition.evaluate) return undefined;
  const counts = definition.counts ?? ((f: Finding) => definition.codes.includes(f.code));
  const versionOf = (uri: string) => state.documents.get(uri)?.version ?? null;
  for (const finding of projectFindings.filter(counts)) {
    const fix = finding.fixes?.[0];
    if (!fix || (!fix.edit && !fix.command)) continue;
    let edit;
    try {
      edit = fix.edit ? toLspWorkspaceEdit(fix.edit, versionOf, cellUri) : undefined;
    } catch {
      continue;
    }
    return {
      title: fix.title,
      ...(edit ? { edit } : {}),
      ...(fix.command ? { command: { title: fix.command.title, command: fix.command.id, ...(fix.command.arguments ? { arguments: fix.command.arguments } : {}) } } : {}),
      target: {
        uri: pathToUri(finding.path),
        path: finding.path,
        range: finding.range,
        ...(finding.cell !== undefined ? { cell: finding.cell } : {}),
      },
    };
  }
  return undefined;
}
