// `npx ml-hygiene check .` from the npm tarball: what `npm pack` ships is enough to run the CLI
// (bundles and workers in dist/, no runtime dependencies), installed offline into a project.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/repoSnapshot';

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

describe('the packed tarball', { timeout: 300_000 }, () => {
  let tarball = '';
  let files: string[] = [];
  let app = '';

  before(() => {
    // `npm test` builds dist/ first; on its own, this test builds it (the tarball's prepack script
    // does the same in a clean checkout, see the pre-commit test).
    if (!existsSync(path.join(REPO_ROOT, 'dist/cli.js'))) assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT }).status, 0);
    const out = mkdtempSync(path.join(tmpdir(), 'mlh-pack-'));
    const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], REPO_ROOT);
    assert.equal(pack.status, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(out, info!.filename);
    files = info!.files.map((f) => f.path).sort();
    app = path.join(out, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'churn-service', private: true }));
    const install = npm(['install', '--offline', '--no-save', tarball], app);
    assert.equal(install.status, 0, install.stderr);
  });

  test('ships the built CLI with its workers, the schemas and grammars, and no sources', () => {
    for (const f of ['dist/cli.js', 'dist/server.js', 'dist/extension.js', 'dist/dvcHashWorker.js', 'dist/cellAnalysisWorker.js', 'dist/unicodeNameTable.js', 'dist/pipelineGraph.js', 'schemas/pyproject.schema.json', 'syntaxes/toml.tmLanguage.json', 'README.md', 'LICENSE', 'package.json'])
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.deepEqual(files.filter((f) => /^(src|test|scripts|bench|examples|node_modules)\/|\.map$|\.ts$/.test(f)), []);
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: object };
    assert.equal(pkg.dependencies, undefined, 'everything is bundled: no runtime dependencies to fetch');
  });

  test('npx ml-hygiene check . reports the problems of a project', () => {
    const project = path.join(app, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'pyproject.toml'), '[project]\nname = "churn-service"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["pandas>=>2", "requests>=2.31"]\n');
    const text = spawnSync('npx', ['--no-install', 'ml-hygiene', 'check', '.'], { cwd: project, encoding: 'utf8' });
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^pyproject\.toml:5:\d+: error MLH105 Invalid requirement `pandas>=>2`/m);
    assert.match(text.stdout, /^pyproject\.toml:5:\d+: warning MLH102 /m);
    const json = spawnSync('npx', ['--no-install', 'ml-hygiene', 'check', '.', '--format', 'json'], { cwd: project, encoding: 'utf8' });
    const parsed = JSON.parse(json.stdout) as { version: number; diagnostics: Array<{ file: string; code: string; severity: string }> };
    assert.equal(parsed.version, 1);
    assert.ok(parsed.diagnostics.some((d) => d.file === 'pyproject.toml' && d.code === 'MLH105' && d.severity === 'error'));
    // The binary is the installed tarball's, not this checkout's.
    const which = spawnSync('npm', ['exec', '--no-install', '--', 'node', '-e', 'console.log(require.resolve("ml-hygiene/package.json"))'], { cwd: project, encoding: 'utf8' });
    assert.match(which.stdout.trim(), new RegExp(`^${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/node_modules/ml-hygiene/package\\.json$`));
  });
});
