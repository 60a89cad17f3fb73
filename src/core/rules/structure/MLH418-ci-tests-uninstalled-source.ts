import { joinPath, relativePath } from '../../fs/paths';
import { parseIni } from '../../text/iniFile';
import type { RuleDefinition } from '../rule';
import { ciScripts, type CiJob } from './ciCommands';
import { packageDirs, type StructureContext } from './context';
import { isProjectTarget, parseInstallCommand, type InstallCommand } from './installCommands';
import { ciWorkingDir } from './MLH417-ci-ignores-lockfile';
import type { ShellCommand } from './shellCommands';

const mentionsSrc = (value: unknown): boolean => (Array.isArray(value) ? value.some(mentionsSrc) : typeof value === 'string' && /(^|[\s,/.])src(\/?$|[\s,])/.test(value.trim()));

/** Where the tests are told to import the package from `src/` without installing it, or undefined. */
async function sourceTreeEvidence(ctx: StructureContext, job: CiJob): Promise<string | undefined> {
  if (/PYTHONPATH\s*[:=]\s*["']?[^\n]*(^|[^\w-])src\b/m.test(job.text)) return '`PYTHONPATH` points at `src`';
  if (job.commands.some((c) => /^cd\s+(\.\/)?src\/?$/.test(c.text))) return 'it runs them from `cd src`';
  if (mentionsSrc(ctx.pyproject?.toml.get(['tool', 'pytest', 'ini_options', 'pythonpath']))) return 'pytest\'s `pythonpath` puts `src` on the import path';
  for (const [name, section] of [['pytest.ini', 'pytest'], ['tox.ini', 'pytest'], ['setup.cfg', 'tool:pytest']] as const) {
    const text = await ctx.readText(joinPath(ctx.project.root, name));
    const entry = text ? parseIni(text).find((s) => s.name === section)?.entries.find((e) => e.key === 'pythonpath') : undefined;
    if (entry && mentionsSrc(entry.value.split(/\s+/))) return `pytest's \`pythonpath\` in ${name} puts \`src\` on the import path`;
  }
  for (const conftest of ['conftest.py', 'tests/conftest.py']) {
    const text = await ctx.readText(joinPath(ctx.project.root, conftest));
    if (text && /sys\.path\.(insert|append)\([^)]*['"/]src['"/)]/.test(text)) return `${conftest} adds \`src\` to \`sys.path\``;
  }
  return undefined;
}

/** Does the command install the project (or hand the job to a tool we cannot see into)? */
async function installsProject(ctx: StructureContext, install: InstallCommand, baseDir: string): Promise<boolean> {
  switch (install.tool) {
    case 'pip':
      if (install.targets.some(isProjectTarget)) return true;
      for (const file of install.requirementFiles) {
        const text = await ctx.readText(joinPath(baseDir, file));
        if (text === undefined || /^\s*(-e\s+)?(\.|\.\/|file:\.)\s*(\[.*\])?\s*$/m.test(text)) return true;
      }
      return false;
    case 'uv-sync':
    case 'uv-run':
    case 'locked-install':
      return install.installsProject;
    case 'runner':
      return true; // tox, nox, hatch, make, a script: they may well install it
    default:
      return false;
  }
}

export const ciTestsUninstalledSource: RuleDefinition<StructureContext> = {
  code: 'MLH418',
  name: 'ci-tests-uninstalled-source',
  pillar: 'structure',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A project with a `src/` layout whose CI runs pytest (or unittest) straight from the source tree, with nothing in the same CI job installing the package (each GitHub Actions job runs on a fresh machine; other CI files count as one job) (`pip install .`, `uv sync`, `uv run`, `poetry install`, `pdm install`; tox, nox, hatch, make and scripts count as installing), while something puts `src` on the import path instead: `PYTHONPATH=src`, `cd src`, pytest\'s `pythonpath = ["src"]`, or a conftest.py that edits `sys.path`. Reported on the test command.',
    why: 'The `src/` layout exists so that tests import the installed package, the one users and containers get. Tests that import `src/` directly pass while the wheel misses a module, a data file or a dependency declaration, and the first to notice is the production image.',
    example: '# .github/workflows/ci.yml, project with src/churn/\n- run: pip install -r requirements.txt\n- run: PYTHONPATH=src pytest',
    exampleLanguage: 'yaml',
    fix: 'Install the package before the tests (`uv sync --locked` then `uv run pytest`, or `pip install .` then `pytest`) and drop the `PYTHONPATH`/`pythonpath` override.',
  },
  async check(ctx, report) {
    const reportOn = (path: string, command: ShellCommand, evidence: string) => {
      const li = ctx.lineIndexOf(path);
      if (!li) return;
      report({
        path,
        range: li.rangeOf(command.start, command.end),
        message: `CI runs the tests from the source tree without installing the package (${evidence}): a wheel missing a module or a dependency would pass. Install it first (\`pip install .\` or \`uv sync --locked\`) and test that.`,
      });
    };
    const srcPackages = packageDirs(ctx.project.root, ctx.files).filter((d) => relativePath(ctx.project.root, d).startsWith('src/'));
    if (!srcPackages.length) return;
    for (const script of await ciScripts(ctx)) {
      // Judged job by job: an install in a build job does not reach the runner of the test job.
      for (const job of script.jobs) {
        const parsed = job.commands.map((command) => ({ command, install: parseInstallCommand(command.text) }));
        const firstTest = parsed.find((p) => p.install?.tool === 'test');
        if (!firstTest) continue;
        // A local composite action (`uses: ./.github/actions/setup`) may install anything.
        if (/^\s*-?\s*uses:\s*["']?\.\//m.test(job.text)) continue;
        let installs = false;
        for (const { install } of parsed) if (install && (await installsProject(ctx, install, ciWorkingDir(script.path)))) installs = true;
        if (installs) continue;
        const evidence = await sourceTreeEvidence(ctx, job);
        if (!evidence) continue;
        reportOn(script.path, firstTest.command, evidence);
      }
    }
  },
};
