/**
 * The Python parser behind every cell and `.py` analysis: tree-sitter-python 0.25 on web-tree-sitter 0.27.
 *
 * Why tree-sitter and not @lezer/python (measured by test/oracle/measure-parsers.ts on the shared corpus
 * of real notebooks; numbers in the analysis report): both parse match, walrus, PEP 695/701 and except*
 * cleanly and both are error tolerant, but tree-sitter is faster per cell and, decisively, its tree
 * carries field names for every scope construct (`left`/`right` of an assignment, `alias` of an import,
 * `guard` of a case clause, ...). Lezer's tree is built for highlighting: its nodes are positional and a
 * scope walk over it would have to re-derive the grammar. Node offsets are UTF-16 code units, the same
 * unit as JavaScript strings and LSP positions.
 *
 * This is the only file of the engine that touches the disk: web-tree-sitter loads its runtime wasm and
 * the grammar wasm itself. Callers that cannot allow that pass the bytes instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
// A require-style import on purpose: the bundles are CommonJS, and web-tree-sitter's ESM build calls
// createRequire(import.meta.url), which is undefined once esbuild turns it into CommonJS.
import TreeSitter = require('web-tree-sitter');

const { Language, Parser } = TreeSitter;
type Tree = TreeSitter.Tree;
export type SyntaxNode = TreeSitter.Node;

export interface PythonParserOptions {
  /** Path to, or bytes of, `web-tree-sitter.wasm`. Default: next to the bundle, else the npm package. */
  runtimeWasm?: string | Uint8Array;
  /** Path to, or bytes of, `tree-sitter-python.wasm`. Default: next to the bundle, else the npm package. */
  languageWasm?: string | Uint8Array;
}

let parser: TreeSitter.Parser | null = null;
let initialising: Promise<void> | null = null;

/** Bundles in dist/ carry both wasm files next to themselves (esbuild.mjs copies them there). */
function besideThisScript(fileName: string): string | null {
  const candidate = path.join(__dirname, fileName);
  return existsSync(candidate) ? candidate : null;
}

function fromPackage(specifier: string): string | null {
  try {
    return require.resolve(specifier);
  } catch {
    return null;
  }
}

function defaultLanguageWasm(): string {
  const found =
    besideThisScript('tree-sitter-python.wasm') ??
    (() => {
      const pkg = fromPackage('tree-sitter-python/package.json');
      return pkg ? path.join(path.dirname(pkg), 'tree-sitter-python.wasm') : null;
    })();
  if (!found) throw new Error('tree-sitter-python.wasm not found next to the bundle nor in node_modules');
  return found;
}

function runtimeModuleOptions(runtimeWasm: string | Uint8Array | undefined): Record<string, unknown> {
  if (runtimeWasm instanceof Uint8Array) return { wasmBinary: runtimeWasm };
  const file =
    runtimeWasm ?? besideThisScript('web-tree-sitter.wasm') ?? fromPackage('web-tree-sitter/web-tree-sitter.wasm');
  return file ? { locateFile: () => file } : {};
}

/** Loads the runtime and the grammar once; later calls return the same promise. */
export function initPythonParser(opts: PythonParserOptions = {}): Promise<void> {
  if (parser) return Promise.resolve();
  if (!initialising) {
    initialising = (async () => {
      await Parser.init(runtimeModuleOptions(opts.runtimeWasm));
      const language = await Language.load(opts.languageWasm ?? defaultLanguageWasm());
      const ready = new Parser();
      ready.setLanguage(language);
      parser = ready;
    })().catch((error: unknown) => {
      initialising = null; // let a later call retry, e.g. with explicit paths
      throw error;
    });
  }
  return initialising;
}

export function isPythonParserReady(): boolean {
  return parser !== null;
}

/**
 * Parses Python source. The caller owns the returned tree and must call `tree.delete()`: trees live in
 * wasm memory that JavaScript's garbage collector does not see.
 */
export function parsePython(source: string): Tree {
  if (!parser) throw new Error('initPythonParser() must complete before parsePython()');
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
