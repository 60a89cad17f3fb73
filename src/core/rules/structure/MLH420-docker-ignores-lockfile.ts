import { dirname } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { buildContextOf, projectDockerfiles } from './dockerfile';
import { lockfileBypasses } from './lockfileBypass';

export const dockerIgnoresLockfile: RuleDefinition<StructureContext> = {
  code: 'MLH420',
  name: 'docker-ignores-lockfile',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A Dockerfile `RUN` that installs dependencies without the project\'s lockfile while one exists (`uv.lock`, `poetry.lock`, `pdm.lock`, `pylock.toml`): `pip install -r requirements.txt` when that file is not fully pinned, `pip install .` without `--no-deps` in an application, `uv sync` without `--locked`/`--frozen` (unless `UV_LOCKED`/`UV_FROZEN` is set), or `poetry lock`/`uv lock`/`pdm lock` before the install. Reported on the command.',
    why: 'The image is what runs in production. Built without the lockfile, it gets whatever versions the index serves on the day of the build: two builds of the same commit differ, and the image no longer matches what CI tested.',
    example: 'FROM python:3.12-slim@sha256:...\nCOPY pyproject.toml uv.lock ./\nRUN pip install .   # ignores uv.lock',
    exampleLanguage: 'text',
    fix: 'Install from the lock: `RUN uv sync --locked --no-dev` (the fix adds `--locked`), `poetry install --only main`, `pdm sync --prod`, or a requirements file exported from the lock (`uv export --frozen --no-dev -o requirements.txt`) installed with `pip install --no-deps -r`.',
  },
  async check(ctx, report) {
    for (const parsed of await projectDockerfiles(ctx)) {
      // The build context is usually the Dockerfile's folder (`docker build .`), else the project root (`-f docker/Dockerfile .`).
      const bases = [...new Set([buildContextOf(parsed, ctx), dirname(parsed.path), ctx.project.root])];
      for (const b of await lockfileBypasses(ctx, parsed.commands, parsed.text, bases)) {
        report({ path: parsed.path, range: parsed.lineIndex.rangeOf(b.command.start, b.command.end), message: `Image build: ${b.message}`, ...(b.fix ? { fixes: [b.fix] } : {}) });
      }
    }
  },
};
