import { parseRequirement } from '../../python/pep508';

/**
 * Package installs written as IPython magics (`!pip install x`, `%pip install x`, `%conda install x`,
 * `!python -m pip install x`, `!uv pip install x`). Magic lines are shell text, not Python, so they are
 * tokenised here on whitespace; every token keeps its offset in the cell.
 */
export interface InstalledPackage {
  /** The requirement as it can be declared (`transformers>=4.40`); quotes stripped, conda `=` pins dropped. */
  requirement: string;
  normalizedName: string;
  /** Cell offsets of the token (without surrounding quotes). */
  start: number;
  end: number;
  installer: 'pip' | 'conda' | 'uv';
}

// Options whose next token is a value, not a package.
const OPTIONS_WITH_VALUE = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--prefix', '--root', '--upgrade-strategy', '--platform', '--python-version', '--implementation', '--abi',
  '--no-binary', '--only-binary', '--channel', '-n', '--name', '-p', '--progress-bar', '--cache-dir', '--src', '--log', '--proxy',
  '--retries', '--timeout', '--trusted-host', '--config-settings', '-C', '--global-option', '--install-option', '--python', '--index',
]);

/** Conda package names that differ from the PyPI distribution (and conda-only packages, mapped to nothing). */
const CONDA_TO_PYPI: Record<string, string | null> = {
  pytorch: 'torch',
  'py-xgboost': 'xgboost',
  'py-opencv': 'opencv-python',
  opencv: 'opencv-python',
  'pytorch-cuda': null,
  cudatoolkit: null,
  'cuda-toolkit': null,
  cudnn: null,
  python: null,
  pip: null,
  mkl: null,
  ffmpeg: null,
  nodejs: null,
  git: null,
};

interface Token {
  text: string;
  start: number;
}

/** Packages installed by one magic line (`text` starting at cell offset `offset`). */
export function installedPackages(text: string, offset: number): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  const tokens: Token[] = [...text.matchAll(/[^\s]+/g)].map((m) => ({ text: m[0], start: offset + m.index! }));
  // `a && b; c || d`: each command separately.
  const commands: Token[][] = [[]];
  for (const t of tokens) {
    if (t.text === '&&' || t.text === '||' || t.text === ';' || t.text === '|') commands.push([]);
    else commands[commands.length - 1]!.push(t);
  }
  for (const command of commands) out.push(...packagesOfCommand(command));
  return out;
}

/**
 * The installer a command starts with: `pip`, `pip3`, `uv pip`, `<python> -m pip` (`python3`,
 * `{sys.executable}`, ...), `conda`/`mamba`/`micromamba`, optionally after `sudo`. Anything else
 * (`echo pip install x`) installs nothing.
 */
function installerOf(before: string[]): InstalledPackage['installer'] | undefined {
  const words = before[0] === 'sudo' ? before.slice(1) : before;
  const isPip = (w: string | undefined) => w !== undefined && /^pip\d*(\.\d+)?$/.test(w);
  if (words.length === 1 && isPip(words[0])) return 'pip';
  if (words.length === 1 && /^(conda|mamba|micromamba)$/.test(words[0]!)) return 'conda';
  if (words.length === 2 && words[0] === 'uv' && isPip(words[1])) return 'uv';
  if (words.length === 3 && words[1] === '-m' && isPip(words[2])) return 'pip';
  return undefined;
}

function packagesOfCommand(tokens: Token[]): InstalledPackage[] {
  const words = tokens.map((t) => t.text.replace(/^[!%]+/, ''));
  const installAt = words.indexOf('install');
  if (installAt < 1) return [];
  const installer = installerOf(words.slice(0, installAt));
  if (!installer) return [];
  const out: InstalledPackage[] = [];
  for (let i = installAt + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    let text = token.text;
    if (OPTIONS_WITH_VALUE.has(text) || (installer === 'conda' && text === '-c')) {
      i++;
      continue;
    }
    if (text.startsWith('-')) continue; // -q, -U, --upgrade, --yes, --index-url=...
    if (/[{}$`]/.test(text)) continue; // IPython or shell interpolation: the package is not known here
    let start = token.start;
    const quote = /^(['"])(.*)\1$/.exec(text);
    if (quote) {
      text = quote[2]!;
      start += 1;
    }
    if (text.includes('://') || text.startsWith('.') || text.startsWith('/') || text.includes('/') || /\.(whl|zip|tar\.gz|tgz)$/i.test(text)) continue;
    let requirementText = text;
    if (installer === 'conda') {
      const channelSplit = text.lastIndexOf('::');
      const name = (channelSplit >= 0 ? text.slice(channelSplit + 2) : text).split(/[=<>!~ ]/)[0]!;
      const mapped = Object.hasOwn(CONDA_TO_PYPI, name.toLowerCase()) ? CONDA_TO_PYPI[name.toLowerCase()] : name;
      if (!mapped) continue;
      requirementText = mapped;
    }
    const parsed = parseRequirement(requirementText);
    if (!parsed.ok) continue;
    out.push({ requirement: requirementText, normalizedName: parsed.requirement.normalizedName, start, end: start + text.length, installer });
  }
  return out;
}
