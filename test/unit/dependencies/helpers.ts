import { Engine } from '../../../src/core/engine';
import type { Finding } from '../../../src/core/diagnostics';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import type { EditorSettings } from '../../../src/core/config';

export const ROOT = '/ws';

export async function check(files: Record<string, string | Uint8Array>, opts: { trusted?: boolean; editorSettings?: EditorSettings } = {}): Promise<{ findings: Finding[]; fs: MemoryFileSystem; engine: Engine }> {
  const fs = new MemoryFileSystem(files, ROOT);
  const engine = new Engine({ fs, workspaceRoot: ROOT, trusted: opts.trusted ?? false, ...(opts.editorSettings ? { editorSettings: opts.editorSettings } : {}) });
  // These tests are about the dependency pillar: project-level checks (MLH4xx) have their own suites.
  const findings = (await engine.checkWorkspace()).filter((f) => f.code.startsWith('MLH1'));
  return { findings, fs, engine };
}

export function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

/** The text a finding's range covers, computed from the file content (tests compare against the source text). */
export function coveredText(text: string, f: Finding): string {
  const lines = text.split('\n');
  if (f.range.start.line === f.range.end.line) return lines[f.range.start.line]!.slice(f.range.start.character, f.range.end.character);
  const parts = [lines[f.range.start.line]!.slice(f.range.start.character)];
  for (let l = f.range.start.line + 1; l < f.range.end.line; l++) parts.push(lines[l]!);
  parts.push(lines[f.range.end.line]!.slice(0, f.range.end.character));
  return parts.join('\n');
}

export const UV_LOCK = `version = 1
revision = 2
requires-python = ">=3.11"

[[package]]
name = "churn"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "pandas" },
    { name = "scikit-learn" },
]

[package.metadata]
requires-dist = [
    { name = "pandas" },
    { name = "scikit-learn", specifier = ">=1.3" },
]

[[package]]
name = "pandas"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "scikit-learn"
version = "1.5.2"
source = { registry = "https://pypi.org/simple" }
`;
