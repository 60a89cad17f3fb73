/**
 * Scoping held to CPython on thousands of real files: for every .py file of the machine's python3
 * standard library, each function, lambda and comprehension scope the engine builds must classify
 * every name the scope uses (local / global / free) the way CPython's compiler does, as its `symtable`
 * module reports it (test/oracle/symtable_scopes.py). Files CPython itself rejects (the stdlib keeps a
 * few deliberately broken test inputs) are excluded and counted. One known difference is allowed for:
 * the engine does not mangle private names (see sameWhenDemangled).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeModule, type ScopeObserver } from '../../../src/core/analysis/cellAnalysis';
import type { MaskedCell } from '../../../src/core/analysis/magics';
import { parseModule } from '../../../src/core/python/parser';
import { stdlibFiles } from '../../helpers/stdlib';

const SCRIPT = path.join(__dirname, '..', '..', 'oracle', 'symtable_scopes.py');

interface TheirScope {
  kind: 'function' | 'lambda' | 'comprehension';
  name: string;
  line: number;
  symbols: Record<string, 'local' | 'global' | 'free'>;
}

interface OurScope {
  kind: TheirScope['kind'];
  name: string;
  line: number;
  classify: (name: string) => 'local' | 'global' | 'free';
}

const COMPREHENSION_NAMES: Record<string, string> = { ListComp: 'listcomp', SetComp: 'setcomp', DictComp: 'dictcomp', GeneratorExp: 'genexpr' };

function theirScopes(sources: string[]): Array<{ scopes?: TheirScope[]; error?: string }> {
  const input = sources.map((source, id) => JSON.stringify({ id, source })).join('\n') + '\n';
  const run = spawnSync('python3', [SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`symtable_scopes.py failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as { scopes?: TheirScope[]; error?: string });
}

function ourScopes(source: string): OurScope[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
  }
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const scopes: OurScope[] = [];
  const observer: ScopeObserver = {
    scope: (_id, kind, name, start, classify) => scopes.push({ kind, name: kind === 'comprehension' ? COMPREHENSION_NAMES[name]! : kind === 'lambda' ? 'lambda' : name, line: lineOf(start), classify }),
  };
  // A .py module is analysed as written: no IPython magics to mask.
  const unmasked: MaskedCell = { masked: source, magics: [], opaque: false, discardWrites: false, statementWrappers: new Map(), magicWrites: [] };
  analyzeModule(parseModule(source), unmasked, observer);
  return scopes;
}

/**
 * The engine does not mangle private names: inside a class, the compiler reads `__x` as `_Class__x`
 * (symtable reports that name). Such a name is compared under its written form.
 */
function sameWhenDemangled(ours: OurScope, name: string, expected: string): boolean {
  for (let at = name.indexOf('__', 2); at > 1; at = name.indexOf('__', at + 1)) {
    const written = name.slice(at);
    if (name[0] === '_' && !written.endsWith('__') && ours.classify(written) === expected) return true;
  }
  return false;
}

export interface SymtableAgreement {
  files: number;
  rejected: number;
  scopes: number;
  symbols: number;
  disagreements: string[];
}

export function compareWithSymtable(files: string[], sources: string[]): SymtableAgreement {
  const result: SymtableAgreement = { files: files.length, rejected: 0, scopes: 0, symbols: 0, disagreements: [] };
  const BATCH = 200;
  for (let b = 0; b < sources.length; b += BATCH) {
    const theirs = theirScopes(sources.slice(b, b + BATCH));
    theirs.forEach((answer, i) => {
      const file = files[b + i]!;
      if (!answer.scopes) {
        result.rejected++;
        return;
      }
      const ours = ourScopes(sources[b + i]!);
      const unmatched = new Set(ours.keys());
      for (const scope of answer.scopes) {
        const index = ours.findIndex((o, k) => unmatched.has(k) && o.kind === scope.kind && o.line === scope.line && o.name === scope.name);
        result.scopes++;
        if (index < 0) {
          result.disagreements.push(`${file}:${scope.line}: no ${scope.kind} scope ${scope.name} of ours`);
          continue;
        }
        unmatched.delete(index);
        for (const [name, expected] of Object.entries(scope.symbols)) {
          result.symbols++;
          const got = ours[index]!.classify(name);
          if (got !== expected && !sameWhenDemangled(ours[index]!, name, expected)) result.disagreements.push(`${file}:${scope.line}: ${scope.name}: ${name} is ${expected} for CPython, ${got} for us`);
        }
      }
      for (const k of unmatched) result.disagreements.push(`${file}:${ours[k]!.line}: ${ours[k]!.kind} scope ${ours[k]!.name} CPython does not have`);
    });
  }
  return result;
}

describe('scoping against CPython symtable', () => {
  const files = stdlibFiles();
  it('classifies every name of every function, lambda and comprehension scope of the standard library as CPython does', { skip: !files.length && 'no python3' }, () => {
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    const result = compareWithSymtable(files, sources);
    if (process.env.SYMTABLE_DISAGREEMENTS) require('node:fs').writeFileSync(process.env.SYMTABLE_DISAGREEMENTS, result.disagreements.join('\n'));
    console.log(`stdlib: ${result.files} files, ${result.rejected} rejected by CPython (excluded); ${result.scopes} scopes, ${result.symbols} names compared; ${result.disagreements.length} disagreements`);
    assert.deepEqual(result.disagreements.slice(0, 30), []);
    assert.ok(result.scopes > 10_000, `only ${result.scopes} scopes compared`);
  });
});
