import type { PythonEnvironment } from '../environment/installedDistributions';
import { normalizeName } from '../python/pep503';
import { HOSTED_RUNTIME_MODULES, NOTEBOOK_KERNEL_MODULES, tableImportNamesOf, tableLookup } from './distributionTable';
import { isFirstParty, type FirstPartyModules } from './firstParty';
import { stdlibStatus, type PythonTarget } from './stdlib';

/** Where an absolute import comes from, as far as declaring dependencies is concerned. */
export type ImportOrigin =
  | { kind: 'stdlib' }
  | { kind: 'first-party' }
  /** Provided by the notebook kernel or a hosted notebook runtime; nothing to declare. */
  | { kind: 'runtime-provided' }
  | {
      kind: 'third-party';
      /** Normalized distribution names that provide the module; the first is the one to suggest. Empty when none is known. */
      distributions: string[];
      /** How the distributions were found: the installed environment's metadata, our table, or "import name = distribution name". */
      source: 'environment' | 'table' | 'guess';
      /** Set when the module was in the standard library but the project's Python no longer has it. */
      removedFromStdlibIn?: number;
    };

export interface ImportResolverOptions {
  environment?: PythonEnvironment;
  target?: PythonTarget;
  firstParty?: FirstPartyModules;
}

/**
 * Maps import names to distributions and back. Precedence: the installed environment's metadata
 * (`top_level.txt`/`RECORD`), then the built-in table, then the identity guess.
 */
export class ImportResolver {
  private readonly environmentProviders = new Map<string, string[]>();

  constructor(private readonly options: ImportResolverOptions = {}) {
    for (const dist of options.environment?.distributions.values() ?? []) {
      for (const name of dist.importNames) {
        const list = this.environmentProviders.get(name) ?? [];
        if (!list.includes(dist.normalizedName)) list.push(dist.normalizedName);
        this.environmentProviders.set(name, list);
      }
    }
  }

  get target(): PythonTarget {
    return this.options.target ?? {};
  }

  /**
   * Classifies an absolute import (`module` is the full dotted name; relative imports are always the
   * project's own). `fromDirectory` is the folder of the importing file, `inNotebook` whether it is a
   * notebook (whose kernel provides IPython).
   */
  classify(module: string, fromDirectory?: string, inNotebook = false): ImportOrigin {
    // A keystroke in a notebook asks again about every import of its 1,000 cells: the answer is a
    // function of the arguments and of what the resolver was built with, so it is kept. Callers only read it.
    const key = `${inNotebook ? 1 : 0}${fromDirectory === undefined ? '\u0001' : `\u0000${fromDirectory}`}\u0000${module}`;
    let origin = this.classified.get(key);
    if (!origin) this.classified.set(key, (origin = this.classifyUncached(module, fromDirectory, inNotebook)));
    return origin;
  }

  private readonly classified = new Map<string, ImportOrigin>();

  private classifyUncached(module: string, fromDirectory: string | undefined, inNotebook: boolean): ImportOrigin {
    const top = module.split('.')[0] ?? module;
    if (this.options.firstParty && isFirstParty(this.options.firstParty, top, fromDirectory)) return { kind: 'first-party' };
    if ([...HOSTED_RUNTIME_MODULES].some((m) => module === m || module.startsWith(m + '.'))) return { kind: 'runtime-provided' };
    if (inNotebook && NOTEBOOK_KERNEL_MODULES.has(top)) return { kind: 'runtime-provided' };
    const std = stdlibStatus(top, this.target);
    if (std.kind === 'stdlib') return { kind: 'stdlib' };
    const found = this.distributionsFor(module);
    return std.kind === 'removed' ? { kind: 'third-party', ...found, removedFromStdlibIn: std.removedIn } : { kind: 'third-party', ...found };
  }

  /** The distributions that may provide `module`, the one to suggest first. */
  distributionsFor(module: string): { distributions: string[]; source: 'environment' | 'table' | 'guess' } {
    const top = module.split('.')[0] ?? module;
    const fromEnvironment = this.environmentProviders.get(top) ?? [];
    const fromTable = tableLookup(module);
    // A dotted table entry (google.cloud.storage) is more specific than a namespace package's top_level.txt (google).
    if (fromTable && fromTable.prefix.includes('.')) {
      return { distributions: unique([...fromTable.distributions, ...fromEnvironment]), source: fromEnvironment.length ? 'environment' : 'table' };
    }
    if (fromEnvironment.length) return { distributions: unique([...fromEnvironment, ...(fromTable?.distributions ?? [])]), source: 'environment' };
    if (fromTable) return { distributions: [...fromTable.distributions], source: 'table' };
    if (stdlibStatus(top, this.target).kind === 'removed') return { distributions: [], source: 'guess' };
    return { distributions: [normalizeName(top)], source: 'guess' };
  }

  /**
   * The import names a declared distribution provides (dotted for namespace packages). The
   * environment's metadata wins when it has the distribution; otherwise the table plus guesses from
   * the name (`foo-bar` → `foo_bar`, and `google-cloud-x` → `google.cloud.x`).
   */
  importNamesOf(distribution: string): string[] {
    const normalized = normalizeName(distribution);
    const installed = this.options.environment?.distributions.get(normalized);
    if (installed?.importNames.length) return unique([...installed.importNames, ...tableImportNamesOf(normalized)]);
    const fromTable = tableImportNamesOf(normalized);
    if (fromTable.length) return fromTable;
    return unique([normalized.replace(/-/g, '_'), normalized.replace(/-/g, '.')]);
  }
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
