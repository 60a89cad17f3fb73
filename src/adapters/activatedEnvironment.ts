import path from 'node:path';
import type { EnvironmentHints } from '../core/environment/installedDistributions';
import { normalizePath } from '../core/fs/paths';

/**
 * The Python environments a process was started in, as uv and pip see them: an activated venv
 * (VIRTUAL_ENV) and an activated conda environment (CONDA_PREFIX, with CONDA_DEFAULT_ENV telling
 * conda's `base` apart). The CLI reads its shell's; the server reads the editor's, which VS Code
 * inherits from the shell it was started from (`code .` in an activated environment). The core never
 * reads process.env itself, so this is the one place that does. Relative values are taken from `cwd`.
 */
export function activatedEnvironmentHints(env: NodeJS.ProcessEnv, cwd: string): EnvironmentHints {
  const absolute = (p: string) => normalizePath(path.resolve(cwd, p));
  return {
    ...(env['VIRTUAL_ENV'] ? { virtualEnv: absolute(env['VIRTUAL_ENV']) } : {}),
    ...(env['CONDA_PREFIX'] ? { condaPrefix: absolute(env['CONDA_PREFIX']) } : {}),
    ...(env['CONDA_DEFAULT_ENV'] ? { condaDefaultEnv: env['CONDA_DEFAULT_ENV'] } : {}),
  };
}
