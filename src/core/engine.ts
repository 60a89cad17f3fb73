import type { Finding } from './diagnostics';
import { DEFAULT_EDITOR_SETTINGS, readProjectConfig, resolveSeverity, type EditorSettings, type ProjectConfig } from './config';
import { environmentCandidates, findEnvironment, type EnvironmentHints, type EnvironmentLookup, type PythonEnvironment } from './environment/installedDistributions';
import type { FileSystem } from './fs/fileSystem';
import { readTextFile } from './fs/fileSystem';
import { basename, isInside, relativePath } from './fs/paths';
import { assignProjects, isSecondaryMarker, projectForFile, scanOfFiles, scanWorkspace, type PythonProject, type WorkspaceScan } from './project/discovery';
import { parsePyproject, type PyprojectFile } from './pyproject/pyprojectFile';
import { buildDependencyContext, type DependencyContext } from './rules/dependencies/context';
import { dependencyRules } from './rules/dependencies';
import { createDvcContext, dvcRules, type DvcContext } from './rules/dvc';
import { HashCache } from './dvc/hashCache';
import type { NotebookInput } from './notebook/model';
import {
  buildNotebookProjectFacts,
  createNotebookContext,
  createProjectImportsContext,
  filterCellSuppressions,
  notebookRules,
  projectImportRules,
  readNotebookContext,
  type NotebookContext,
  type NotebookProjectFacts,
} from './rules/notebooks';
import type { FileDigester, HashProgress } from './dvc/hashing';
import type { CellAnalyzerPool } from './analysis/analyzerPool';
import { isKnownRuleCode } from './rules/registry';
import { createStructureContext, structureRules } from './rules/structure';
import { computeReadiness, type ProjectMeasures, type ReadinessReport } from './readiness';
import { measureAnnotationCoverage } from './rules/structure/annotationCoverage';
import type { RuleDefinition } from './rules/rule';
import { isSuppressed, parseSuppressions } from './suppressions';
import { compileGlobs } from './text/globs';
import { hashingProgress, throwIfCancelled, type ProgressCallback } from './progress';

/** How a caller follows and stops long work: progress through a callback, cancellation through a signal. */
export interface WorkOptions {
  /** Aborting it stops the work, which then rejects with WorkCancelledError. */
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface EngineOptions {
  fs: FileSystem;
  /** Stat-keyed DVC hash cache, shared across checks; the adapter persists it outside the repo. */
  hashCache?: HashCache;
  /** Hashes DVC file contents off the main thread (the adapters' worker pool); in-process when absent. */
  fileDigester?: FileDigester;
  workspaceRoot: string;
  /** In an untrusted workspace nothing is executed and the Python environment is not read. */
  trusted: boolean;
  editorSettings?: EditorSettings;
  /** Worker threads for cold notebook analysis (the CLI and server pass one on multi-core machines). */
  cellAnalyzer?: CellAnalyzerPool;
  /** Where the adapter knows the Python environment may be (`--python`, VIRTUAL_ENV, CONDA_PREFIX). */
  environmentHints?: EnvironmentHints;
  /** The user's home folder: discovery never climbs above it. */
  homeDir?: string;
  /**
   * Check these files alone instead of walking `workspaceRoot`: for a file outside every project
   * (a notebook in the temp folder), whose folder's other contents are none of its business.
   */
  onlyFiles?: string[];
  /**
   * Folders the user named (`ml-hygiene check bench/.generated/repo`): walked even where the walk
   * from `workspaceRoot` would skip them (a hidden, excluded or build folder on the way), as Ruff
   * checks a path it is given. What lies inside them follows the usual rules.
   */
  requestedFolders?: string[];
}

/**
 * The analysis engine shared by the CLI and the language server. Stateless apart from the last
 * workspace scan; callers decide when to rescan (the server on file-system events).
 */
export class Engine {
  private scanResult: WorkspaceScan | undefined;
  private environments = new Map<string, Promise<EnvironmentLookup>>();

  constructor(readonly options: EngineOptions) {
    this.hashCache = options.hashCache ?? new HashCache();
  }

  get fs(): FileSystem {
    return this.options.fs;
  }

  get editorSettings(): EditorSettings {
    return this.options.editorSettings ?? DEFAULT_EDITOR_SETTINGS;
  }

  async scan(force = false, work: WorkOptions = {}): Promise<WorkspaceScan> {
    if (!this.scanResult || force) {
      this.scanResult = this.options.onlyFiles
        ? scanOfFiles(this.options.workspaceRoot, this.options.onlyFiles)
        : await scanWorkspace(this.fs, this.options.workspaceRoot, {
            exclude: this.editorSettings.exclude,
            ...work,
            ...(this.options.homeDir ? { home: this.options.homeDir } : {}),
            ...(this.options.requestedFolders ? { alsoWalk: this.options.requestedFolders } : {}),
          });
    }
    return this.scanResult;
  }

  invalidateScan(): void {
    this.scanResult = undefined;
  }

  invalidateEnvironments(): void {
    this.environments.clear();
  }

  async projectFor(path: string): Promise<PythonProject | undefined> {
    let scan = await this.scan();
    // A manifest the last scan did not see (created since, or opened before its watcher event):
    // it may start a project of its own, so rescan rather than attach it to a parent project.
    const name = basename(path);
    if ((name === 'pyproject.toml' || isSecondaryMarker(path)) && !scan.files.includes(path) && isInside(this.options.workspaceRoot, path) && !this.options.onlyFiles) {
      scan = await this.scan(true);
      if (!scan.files.includes(path)) {
        scan.files.push(path);
        Object.assign(scan, assignProjects(this.options.workspaceRoot, scan.files.sort(), { gitRoots: scan.gitRoots, rootIsProject: scan.rootIsProject }));
      }
    }
    return projectForFile(scan, path);
  }

  /** The project's config: `[tool.ml-hygiene]` of its pyproject.toml. */
  configFor(pyproject: PyprojectFile | undefined): ProjectConfig {
    return readProjectConfig(pyproject, isKnownRuleCode);
  }

  /** Reads the Python environment's installed distributions: only in a trusted workspace, never by running Python. */
  async environmentFor(project: PythonProject): Promise<PythonEnvironment | undefined> {
    return (await this.environmentLookup(project)).environment;
  }

  /**
   * The environment search for a project, with every place looked at (so "not installed" can say
   * where). Order: an explicit interpreter (`--python`, else the `mlHygiene.pythonPath` setting)
   * alone; else VIRTUAL_ENV, CONDA_PREFIX, `<project>/.venv`, `<project>/venv`, conda's base last.
   */
  environmentLookup(project: PythonProject): Promise<EnvironmentLookup> {
    if (!this.options.trusted) return Promise.resolve({ looked: [] });
    const configured = this.editorSettings.pythonPath;
    const hints: EnvironmentHints = { ...this.options.environmentHints };
    if (!hints.python && configured) hints.python = { path: configured, source: 'mlHygiene.pythonPath' };
    const key = `${project.root}\u0000${configured ?? ''}`;
    let lookup = this.environments.get(key);
    if (!lookup) {
      lookup = findEnvironment(this.fs, environmentCandidates(project.root, hints)).catch(() => ({ looked: [] }));
      this.environments.set(key, lookup);
    }
    return lookup;
  }

  /** The project's parsed pyproject.toml (undefined when it has none or it cannot be read). */
  async readPyproject(project: PythonProject | undefined): Promise<PyprojectFile | undefined> {
    if (!project?.pyprojectPath) return undefined;
    const r = await readTextFile(this.fs, project.pyprojectPath);
    if (!r.ok) return undefined;
    // One check reads a project's pyproject.toml several times (dependencies, structure, each
    // dvc.yaml, readiness); it is parsed again only when its text changed.
    const known = this.pyprojects.get(project.pyprojectPath);
    if (known?.text === r.text) return known.parsed;
    const parsed = parsePyproject(project.pyprojectPath, r.text);
    this.pyprojects.set(project.pyprojectPath, { text: r.text, parsed });
    return parsed;
  }

  private pyprojects = new Map<string, { text: string; parsed: PyprojectFile }>();

  async dependencyContext(project: PythonProject): Promise<DependencyContext> {
    const pyproject = await this.readPyproject(project);
    const config = this.configFor(pyproject);
    const environment = await this.environmentFor(project);
    return buildDependencyContext({
      fs: this.fs,
      workspaceRoot: this.options.workspaceRoot,
      project,
      config,
      ...(pyproject ? { pyproject } : {}),
      ...(environment ? { environment } : {}),
    });
  }

  /** Runs rules over one context and turns their reports into findings (severity, config, suppressions). */
  async runRules<Ctx>(rules: RuleDefinition<Ctx>[], ctx: Ctx, config: ProjectConfig, textOf: (path: string) => string | undefined, reportFailuresOn?: string): Promise<Finding[]> {
    const findings: Finding[] = [];
    const excluded = this.excludedBy(config);
    for (const rule of rules) {
      try {
        await rule.check(ctx, (input) => {
          const severity = resolveSeverity(rule.code, input.severity ?? rule.defaultSeverity, config, this.editorSettings);
          if (severity === 'off') return;
          if (excluded(input.path)) return;
          findings.push({
            path: input.path,
            ...(input.cell !== undefined ? { cell: input.cell } : {}),
            range: input.range,
            code: rule.code,
            severity,
            message: input.message,
            ...(input.fixes?.length ? { fixes: input.fixes } : {}),
            ...(input.unnecessary ? { unnecessary: true } : {}),
          });
        });
      } catch (e) {
        // One broken rule must not take the others (or the server) down; say which one failed.
        findings.push({
          path: reportFailuresOn ?? (ctx as { project?: PythonProject }).project?.pyprojectPath ?? this.options.workspaceRoot,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          code: rule.code,
          severity: 'information',
          message: `ML Hygiene could not run ${rule.code} (${rule.name}): ${(e as Error)?.message ?? e}`,
        });
      }
    }
    return filterSuppressed(findings, textOf);
  }

  /** Files the project's `exclude` and the editor's `mlHygiene.exclude` leave out (absolute paths). */
  private excludedBy(config: ProjectConfig): (path: string) => boolean {
    const matches = compileGlobs([...config.exclude, ...this.editorSettings.exclude]);
    // A notebook's findings all name the same file: match the globs once per path, not per finding.
    const answers = new Map<string, boolean>();
    return (path) => {
      let answer = answers.get(path);
      if (answer === undefined) answers.set(path, (answer = matches(relativePath(this.options.workspaceRoot, path))));
      return answer;
    };
  }

  async checkDependencies(project: PythonProject, known?: DependencyContext): Promise<Finding[]> {
    const ctx = known ?? (await this.dependencyContext(project));
    const findings = await this.runRules(dependencyRules, ctx, ctx.config, ctx.textOf);
    if (ctx.pyproject) findings.push(...configProblems(ctx));
    return findings;
  }

  readonly hashCache: HashCache;

  /** MLH4xx: project-level checks, reported on the project's pyproject.toml (or its most relevant file). */
  async checkStructure(project: PythonProject): Promise<Finding[]> {
    const scan = await this.scan();
    const pyproject = await this.readPyproject(project);
    const config = this.configFor(pyproject);
    const ctx = createStructureContext({ fs: this.fs, workspaceRoot: this.options.workspaceRoot, scan, project, config, ...(pyproject ? { pyproject } : {}) });
    return this.runRules(structureRules, ctx, config, ctx.textOf);
  }

  /** Packaging and type-checker findings that land on the project's pyproject.toml, shown while it is edited next to MLH1xx. */
  async checkPyprojectStructure(project: PythonProject): Promise<Finding[]> {
    if (!project.pyprojectPath) return [];
    return (await this.checkStructure(project)).filter((f) => f.path === project.pyprojectPath && PYPROJECT_STRUCTURE_RULES.has(f.code));
  }

  /**
   * What readiness scores by a figure rather than by findings: the share of the package's public
   * functions that are fully annotated (MLH422's count, excluded files left out). Cheap after a
   * check: the files' parses are memoized by text.
   */
  async measures(project: PythonProject): Promise<ProjectMeasures> {
    const scan = await this.scan();
    const pyproject = await this.readPyproject(project);
    const config = this.configFor(pyproject);
    const ctx = createStructureContext({ fs: this.fs, workspaceRoot: this.options.workspaceRoot, scan, project, config, ...(pyproject ? { pyproject } : {}) });
    const coverage = await measureAnnotationCoverage(ctx, this.excludedBy(config));
    if (!coverage) return {};
    const first = coverage.incomplete[0];
    return { annotationCoverage: { annotated: coverage.annotated, total: coverage.total, ...(first ? { first: { path: first.path, range: first.range } } : {}) } };
  }

  /** The readiness score of each project (only those under `paths`, when given) from every rule's findings. */
  async readiness(paths?: string[], work: WorkOptions = {}): Promise<ReadinessReport[]> {
    const findings = await this.checkWorkspace(undefined, work);
    const scan = await this.scan();
    const wanted = paths?.length ? (root: string) => paths.some((p) => isInside(p, root) || isInside(root, p)) : () => true;
    const reports: ReadinessReport[] = [];
    for (const p of scan.projects.filter((p) => wanted(p.root))) reports.push(computeReadiness(p, findings, scan, await this.ruleOffFor(p), await this.measures(p)));
    return reports;
  }

  /** Which rules the project's configuration (and the editor's settings) turn off. */
  async ruleOffFor(project: PythonProject): Promise<(code: string) => boolean> {
    const config = this.configFor(await this.readPyproject(project));
    return (code) => resolveSeverity(code, 'warning', config, this.editorSettings) === 'off';
  }

  /** The DVC context of one dvc.yaml (parsed, with native status) and its MLH3xx findings. */
  async checkDvc(dvcYamlPath: string, signal?: AbortSignal, onProgress?: (p: HashProgress) => void): Promise<{ ctx: DvcContext; findings: Finding[] }> {
    const ctx = await createDvcContext(this.fs, dvcYamlPath, {
      workspaceRoot: this.options.workspaceRoot,
      hashCache: this.hashCache,
      ...(this.options.fileDigester ? { digester: this.options.fileDigester } : {}),
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    const pyproject = await this.readPyproject(await this.projectFor(dvcYamlPath));
    const textOf = (path: string) => (path === ctx.dvcYamlPath ? ctx.file.text : undefined);
    return { ctx, findings: await this.runRules(dvcRules, ctx, this.configFor(pyproject), textOf, dvcYamlPath) };
  }

  private factsCache = new Map<string, Promise<NotebookProjectFacts>>();

  /**
   * What notebook rules know of a project (declared dependencies, import resolution, DVC-tracked
   * paths). Cached: a keystroke in a cell must not re-read the lockfile. Callers invalidate it when
   * a manifest, lockfile or environment changes (`invalidateProjectCaches`).
   */
  notebookFacts(project: PythonProject): Promise<NotebookProjectFacts> {
    let facts = this.factsCache.get(project.root);
    if (!facts) {
      facts = (async () => buildNotebookProjectFacts(await this.dependencyContext(project), { workspaceFiles: (await this.scan()).files }))();
      this.factsCache.set(project.root, facts);
      facts.catch(() => this.factsCache.delete(project.root));
    }
    return facts;
  }

  invalidateProjectCaches(): void {
    this.factsCache.clear();
  }

  /**
   * MLH2xx findings of one notebook: from disk, or from the editor's synced cells (`input`). With
   * `importsOfThisNotebookOnly`, MLH110 for this notebook's imports is added (the editor's live view).
   */
  async checkNotebook(path: string, input?: NotebookInput, importsOfThisNotebookOnly = false): Promise<{ ctx: NotebookContext; findings: Finding[] }> {
    const project = await this.projectFor(path);
    const facts = project ? await this.notebookFacts(project) : undefined;
    const options = { ...(facts ? { project: facts } : {}), ...(this.options.cellAnalyzer ? { analyzer: this.options.cellAnalyzer } : {}) };
    const ctx = input ? await createNotebookContext(input, options) : await readNotebookContext(this.fs, path, options);
    const config = facts?.config ?? this.configFor(undefined);
    const findings = filterCellSuppressions(ctx, await this.runRules(notebookRules, ctx, config, () => undefined, path));
    if (importsOfThisNotebookOnly && facts?.project) {
      const imports = await this.undeclaredImportsOf(facts, path, [ctx]);
      findings.push(...filterCellSuppressions(ctx, imports));
    }
    return { ctx, findings };
  }

  /**
   * A `.py` file's findings as the editor shows them while it is edited: MLH110 for its own imports,
   * and the project checks that point at code (MLH404, MLH408, MLH411, MLH416, MLH422) where they land on it.
   */
  async checkPythonFile(path: string): Promise<Finding[]> {
    const project = await this.projectFor(path);
    if (!project) return [];
    const imports = await this.undeclaredImportsOf(await this.notebookFacts(project), path, []);
    const structure = (await this.checkStructure(project)).filter((f) => f.path === path && CODE_FILE_STRUCTURE_RULES.has(f.code));
    return [...imports, ...structure];
  }

  /**
   * MLH110 for one file's imports only (a notebook given as its context, or a `.py` file), so a
   * keystroke does not re-read every notebook of the project. MLH111 (declared but unused anywhere)
   * needs the whole project and stays a workspace check.
   */
  private async undeclaredImportsOf(facts: NotebookProjectFacts, path: string, notebooks: NotebookContext[]): Promise<Finding[]> {
    if (!facts.project) return [];
    const isNotebook = notebooks.length > 0;
    const local = { ...facts, project: { ...facts.project, notebookPaths: isNotebook ? [path] : [], pythonPaths: isNotebook ? [] : [path] } };
    const ctx = await createProjectImportsContext(local, { fs: this.fs, notebooks });
    const textOf = (p: string) => ctx.sites.find((s) => s.path === p && s.cell === undefined)?.lines.text ?? facts.textOf(p);
    const findings = await this.runRules(projectImportRules, ctx, facts.config, textOf, path);
    return findings.filter((f) => f.code === 'MLH110' && f.path === path);
  }

  /** MLH110/MLH111 across the project's notebooks and `.py` files. */
  async checkProjectImports(project: PythonProject, notebooks: NotebookContext[] = [], pythonTexts?: ReadonlyMap<string, string>): Promise<Finding[]> {
    const facts = await this.notebookFacts(project);
    const ctx = await createProjectImportsContext(facts, { fs: this.fs, notebooks, ...(pythonTexts ? { pythonTexts } : {}) });
    const textOf = (p: string) => ctx.sites.find((s) => s.path === p && s.cell === undefined)?.lines.text ?? facts.textOf(p);
    const findings = await this.runRules(projectImportRules, ctx, facts.config, textOf, project.pyprojectPath ?? project.root);
    // Cell-level `# ml-hygiene: ignore[...]` of the notebooks we have contexts for.
    const byPath = new Map(notebooks.map((n) => [n.path, n]));
    const kept: Finding[] = [];
    for (const f of findings) {
      const nb = f.cell !== undefined ? byPath.get(f.path) : undefined;
      if (!nb || filterCellSuppressions(nb, [f]).length) kept.push(f);
    }
    return kept;
  }

  /** Every dvc.yaml of the workspace. */
  async dvcFiles(): Promise<string[]> {
    const scan = await this.scan();
    return scan.projects.flatMap((p) => p.dvcYamlPaths).sort();
  }

  /** Every finding of every project in the workspace (or only those under `paths`). */
  async checkWorkspace(paths?: string[], work: WorkOptions = {}): Promise<Finding[]> {
    const scan = await this.scan(false, work);
    const findings: Finding[] = [];
    // Progress counts the files checked one by one: each project's manifests, dvc.yaml files and notebooks.
    const total = scan.projects.reduce((n, p) => n + 1 + p.dvcYamlPaths.length + p.notebookPaths.length, 0);
    let done = 0;
    const checked = (path: string) => {
      done++;
      work.onProgress?.({ task: 'check', message: `checked ${relativePath(this.options.workspaceRoot, path) || '.'}`, percentage: Math.floor((100 * done) / Math.max(total, 1)) });
    };
    // With worker threads, two projects are checked at once: one's manifests, lockfile and DVC
    // files are read while the other's notebooks are parsed. Findings are sorted in the end.
    const projectsInFlight = this.options.cellAnalyzer ? PROJECTS_IN_FLIGHT : 1;
    for (const projectFindings of await mapInOrder(scan.projects, projectsInFlight, (project) => this.checkProject(project, scan, work, checked))) findings.push(...projectFindings);
    // A notebook outside every project gets its own checks (hidden state, secrets, ...), nothing project-wide.
    for (const nb of scan.looseNotebooks) findings.push(...(await this.checkNotebook(nb)).findings);
    const wanted = paths?.length ? (p: string) => paths.some((root) => isInside(root, p)) : () => true;
    return sortFindings(findings.filter((f) => wanted(f.path)));
  }

  private async checkProject(project: PythonProject, scan: WorkspaceScan, work: WorkOptions, checked: (path: string) => void): Promise<Finding[]> {
    const { signal, onProgress } = work;
    const findings: Finding[] = [];
    throwIfCancelled(signal);
    // One dependency context per project serves its MLH1xx rules and its notebooks' facts.
    const deps = await this.dependencyContext(project);
    if (!this.factsCache.has(project.root)) this.factsCache.set(project.root, buildNotebookProjectFacts(deps, { workspaceFiles: scan.files }));
    findings.push(...(await this.checkDependencies(project, deps)));
    findings.push(...(await this.checkStructure(project)));
    checked(project.pyprojectPath ?? project.root);
    const onHashProgress = onProgress ? (p: HashProgress) => onProgress(hashingProgress(this.options.workspaceRoot, p)) : undefined;
    for (const dvcYaml of project.dvcYamlPaths) {
      throwIfCancelled(signal);
      findings.push(...(await this.checkDvc(dvcYaml, signal, onHashProgress)).findings);
      checked(dvcYaml);
    }
    // With worker threads, several notebooks are in flight: while the workers parse one notebook's
    // cells, this thread reads the next and runs the rules on the last. Results keep their order.
    const inFlight = this.options.cellAnalyzer ? NOTEBOOKS_IN_FLIGHT : 1;
    const notebooks = await mapInOrder(project.notebookPaths, inFlight, async (nb) => {
      throwIfCancelled(signal);
      const result = await this.checkNotebook(nb);
      checked(nb);
      return result;
    });
    for (const c of notebooks) findings.push(...c.findings);
    findings.push(...(await this.checkProjectImports(project, notebooks.map((c) => c.ctx))));
    return findings;
  }
}

/** Project checks whose findings land on a `.py` file, shown while that file is edited. */
const CODE_FILE_STRUCTURE_RULES = new Set(['MLH404', 'MLH408', 'MLH411', 'MLH416', 'MLH422', 'MLH423']);

/** Project checks about pyproject.toml's own content (type-checker tables, [build-system], version), shown on it in the editor. */
const PYPROJECT_STRUCTURE_RULES = new Set(['MLH409', 'MLH410', 'MLH412', 'MLH413', 'MLH414', 'MLH415']);

const NOTEBOOKS_IN_FLIGHT = 4;
const PROJECTS_IN_FLIGHT = 2;

/** `items.map(fn)` with at most `limit` calls pending at once; results in the order of `items`. */
async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

function configProblems(ctx: DependencyContext): Finding[] {
  const li = ctx.pyproject ? ctx.lineIndexOf(ctx.pyproject.path) : undefined;
  if (!li || !ctx.pyproject) return [];
  return ctx.config.problems.map((p) => ({
    path: ctx.pyproject!.path,
    range: li.rangeOf(p.start, p.end),
    code: 'MLH113',
    severity: 'error' as const,
    message: p.message,
  }));
}

function filterSuppressed(findings: Finding[], textOf: (path: string) => string | undefined): Finding[] {
  const cache = new Map<string, ReturnType<typeof parseSuppressions>>();
  return findings.filter((f) => {
    if (f.cell !== undefined) return true; // notebook cells handle their own suppressions
    let directives = cache.get(f.path);
    if (!directives) {
      const text = textOf(f.path);
      cache.set(f.path, (directives = text ? parseSuppressions(text) : []));
    }
    return !isSuppressed(directives, f.code, f.range.start.line);
  });
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      (a.cell ?? -1) - (b.cell ?? -1) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
