import type { Finding, Pillar } from '../diagnostics';
import { basename, dirname, isInside, joinPath } from '../fs/paths';
import { projectForFile, type PythonProject, type WorkspaceScan } from '../project/discovery';
import { codeFiles, notebookFiles, packageDirs } from '../rules/structure/context';
import { DATA_DIR_NAMES } from '../rules/structure/MLH405-untracked-data-dir';
import { isEnvFile } from '../rules/structure/MLH406-committed-env-file';
import { isDockerfile } from '../rules/structure/dockerfile';
import type { Range } from '../text/lineIndex';
import { CHECKS, PILLAR_ORDER, PILLAR_WEIGHTS, type CheckDefinition, type ProjectFacts, type ProjectMeasures } from './checks';

export { CHECKS, PILLAR_WEIGHTS, type CheckDefinition, type ProjectFacts, type ProjectMeasures } from './checks';
export { formatReadinessText, toReadinessJson, type ReadinessJson } from './format';

export interface ReadinessCheck {
  id: string;
  pillar: Pillar;
  passed: boolean;
  /** False when the check does not apply to this project (no notebooks, no dvc.yaml...): it does not count. */
  applicable: boolean;
  weight: number;
  message: string;
  /** Absolute path of the file to open: the first failing finding's, or the evidence of a pass. */
  file?: string;
  range?: Range;
  /** Notebook findings: the code cell the range is relative to. */
  cell?: number;
  /** The rule to link to: the failing finding's code, else the check's main rule. */
  code?: string;
  /** Every rule code this check is made of. */
  codes: string[];
  /** How many findings failed it. */
  findings: number;
  /** 0-1 for a check scored by a figure (annotation coverage): the part of its weight it earned. Pass/fail checks have none. */
  share?: number;
}

export interface PillarReadiness {
  name: Pillar;
  /** 0–100, or null when no check of the pillar applies to the project. */
  score: number | null;
  weight: number;
  checks: ReadinessCheck[];
}

export interface ReadinessReport {
  projectRoot: string;
  /** 0–100: the pillar scores weighted by PILLAR_WEIGHTS, over the pillars that apply. */
  score: number;
  pillars: PillarReadiness[];
}

/** Facts about the project's layout that decide which checks apply. */
export function projectFacts(project: PythonProject, scan: WorkspaceScan): ProjectFacts {
  const owns = (p: string) => isInside(project.root, p) && projectForFile(scan, p) === project;
  const files = scan.files.filter(owns);
  const code = codeFiles(project.root, files);
  const packages = packageDirs(project.root, files);
  const dvcFiles = files.filter((f) => basename(f) === 'dvc.yaml' || (f.endsWith('.dvc') && basename(f) !== '.dvc'));
  return {
    hasCode: code.length > 0,
    hasNotebooks: notebookFiles(files).length > 0,
    hasPackage: packages.length > 0,
    packageDirs: packages,
    pyTypedFiles: files.filter((f) => basename(f) === 'py.typed'),
    dvcFiles,
    hasDvcPipeline: dvcFiles.some((f) => basename(f) === 'dvc.yaml'),
    hasDataDirs: DATA_DIR_NAMES.some((name) => scan.directories.includes(joinPath(project.root, name))),
    hasEnvFiles: files.some(isEnvFile),
    declaresPythonVersion: project.pyprojectPath !== undefined || project.pythonVersionPath !== undefined,
    hasPyproject: project.pyprojectPath !== undefined,
    hasDockerfile: files.some(isDockerfile),
    hasLockfile: files.some((f) => dirname(f) === project.root && /^(uv|poetry|pdm)\.lock$|^pylock(\.[^.]+)?\.toml$/.test(basename(f))),
    hasProductionEntryPoints: code.length > 0 || files.some((f) => /^(Makefile|makefile|GNUmakefile|Justfile|justfile|.*\.sh)$/.test(basename(f))),
  };
}

/**
 * The readiness of one project from the findings of every rule (all projects' findings may be
 * passed; only this project's count). Checks that do not apply are listed but do not count, and a
 * pillar none of whose checks applies drops out of the weighting, so a project without notebooks
 * is not rewarded for their absence, nor punished.
 */
export function computeReadiness(
  project: PythonProject,
  findings: Finding[],
  scan: WorkspaceScan,
  isRuleOff: (code: string) => boolean = () => false,
  measures?: ProjectMeasures,
): ReadinessReport {
  const own = findings.filter((f) => projectForFile(scan, f.path) === project);
  const facts: ProjectFacts = { ...projectFacts(project, scan), typeCheckerConfigured: !own.some((f) => f.code === 'MLH401'), ...(measures ? { measures } : {}) };
  const pillars: PillarReadiness[] = PILLAR_ORDER.map((name) => {
    const checks = CHECKS.filter((c) => c.pillar === name).map((c) => evaluateCheck(c, own, facts, isRuleOff));
    const applicable = checks.filter((c) => c.applicable);
    const total = applicable.reduce((s, c) => s + c.weight, 0);
    const earned = applicable.reduce((s, c) => s + c.weight * earnedShare(c), 0);
    return { name, score: total ? Math.round((100 * earned) / total) : null, weight: PILLAR_WEIGHTS[name], checks };
  });
  let weighted = 0;
  let weights = 0;
  for (const p of pillars) {
    if (p.score === null) continue;
    // Weight the exact share, not the rounded pillar score, so rounding happens once.
    const checks = p.checks.filter((c) => c.applicable);
    const share = checks.reduce((s, c) => s + c.weight * earnedShare(c), 0) / checks.reduce((s, c) => s + c.weight, 0);
    weighted += p.weight * share;
    weights += p.weight;
  }
  return { projectRoot: project.root, score: weights ? Math.round((100 * weighted) / weights) : 0, pillars };
}

/** A pass/fail check earns all of its weight or none; a measured one its share. */
const earnedShare = (c: ReadinessCheck): number => c.share ?? (c.passed ? 1 : 0);

function evaluateCheck(def: CheckDefinition, findings: Finding[], facts: ProjectFacts, isRuleOff: (code: string) => boolean): ReadinessCheck {
  const base = { id: def.id, pillar: def.pillar, weight: def.weight, codes: def.codes };
  // A check whose every rule the project turned off cannot fail, so it must not count as passed either.
  if (def.codes.length && def.codes.every(isRuleOff)) {
    return { ...base, passed: true, applicable: false, message: `Not counted: ${def.codes.join(', ')} ${def.codes.length === 1 ? 'is' : 'are'} turned off in the configuration.`, findings: 0, code: def.codes[0]! };
  }
  const reason = def.notApplicable?.(facts);
  if (reason !== undefined) return { ...base, passed: true, applicable: false, message: `Not applicable: ${reason}.`, findings: 0, ...(def.codes[0] ? { code: def.codes[0] } : {}) };
  if (def.evaluate) {
    const outcome = def.evaluate(facts);
    return {
      ...base,
      passed: outcome.passed,
      applicable: true,
      message: outcome.message,
      findings: 0,
      ...(outcome.file ? { file: outcome.file } : {}),
      ...(outcome.range ? { range: outcome.range } : {}),
      // The rule to link to, as for every other kind of check.
      ...(def.codes[0] ? { code: def.codes[0] } : {}),
      ...(outcome.share !== undefined ? { share: outcome.share } : {}),
    };
  }
  const counts = def.counts ?? ((f: Finding) => def.codes.includes(f.code));
  const failing = findings.filter(counts);
  const missing = failing.length ? undefined : def.missingEvidence?.(facts);
  if (missing) return { ...base, passed: false, applicable: true, message: missing, findings: 0, ...(def.codes[0] ? { code: def.codes[0] } : {}) };
  if (!failing.length) return { ...base, passed: true, applicable: true, message: def.passMessage, findings: 0, ...(def.codes[0] ? { code: def.codes[0] } : {}) };
  const first = failing[0]!;
  const more = failing.length - 1;
  return {
    ...base,
    passed: false,
    applicable: true,
    message: `${first.message}${more ? ` (and ${more} more finding${more === 1 ? '' : 's'})` : ''}`,
    file: first.path,
    range: first.range,
    ...(first.cell !== undefined ? { cell: first.cell } : {}),
    code: first.code,
    findings: failing.length,
  };
}
