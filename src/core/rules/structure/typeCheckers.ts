import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { basename, dirname, isInside, joinPath } from '../../fs/paths';
import { TomlDocument } from '../../toml/tomlDocument';
import { parseIni } from '../../text/iniFile';
import type { Range } from '../../text/lineIndex';
import { projectForFile } from '../../project/discovery';
import type { StructureContext } from './context';

export type TypeCheckerTool = 'mypy' | 'pyright' | 'basedpyright' | 'pytype' | 'ty';

/** One global setting of a type checker's configuration, with the range of `key = value`. */
export interface TypeCheckerSetting {
  key: string;
  /** TOML/JSON values as parsed; INI values as strings. */
  value: unknown;
  range: Range;
  /** The range of the value alone (for fixes that replace it). */
  valueRange: Range;
  /** JSON/TOML strings keep their quotes in the file; INI values have none. */
  quoted: boolean;
}

/** A type checker's configuration found in the project or a folder above it. */
export interface TypeCheckerConfig {
  tool: TypeCheckerTool;
  path: string;
  /** The `[tool.mypy]`/`[mypy]` header, or the start of a config file of its own. */
  range: Range;
  /** Global settings only: per-module sections (`[[tool.mypy.overrides]]`, `[mypy-pkg.*]`) are not here. */
  settings: TypeCheckerSetting[];
}

const PYPROJECT_TOOLS: TypeCheckerTool[] = ['mypy', 'pyright', 'basedpyright', 'pytype', 'ty'];
const INI_FILES = ['mypy.ini', '.mypy.ini', 'setup.cfg', 'tox.ini'];
const JSON_FILES: Array<[string, TypeCheckerTool]> = [['pyrightconfig.json', 'pyright']];

/** The folders whose configuration applies to the project: its root and each parent up to the workspace root. */
function configDirs(ctx: StructureContext): string[] {
  const dirs: string[] = [];
  for (let d = ctx.project.root; isInside(ctx.workspaceRoot, d); d = dirname(d)) {
    dirs.push(d);
    if (d === ctx.workspaceRoot || d === '/') break;
  }
  return dirs;
}

/** Several rules ask for the same files in one project check: read and parse them once per context. */
const typeCheckerConfigsCache = new WeakMap<StructureContext, Promise<TypeCheckerConfig[]>>();

/**
 * Every type-checker configuration that applies to the project, with ranges on each global
 * setting. Files are read through the context, so `# ml-hygiene: ignore[...]` in them works.
 */
export function typeCheckerConfigs(ctx: StructureContext): Promise<TypeCheckerConfig[]> {
  let known = typeCheckerConfigsCache.get(ctx);
  if (!known) typeCheckerConfigsCache.set(ctx, (known = typeCheckerConfigsUncached(ctx)));
  return known;
}

async function typeCheckerConfigsUncached(ctx: StructureContext): Promise<TypeCheckerConfig[]> {
  const out: TypeCheckerConfig[] = [];
  for (const dir of configDirs(ctx)) {
    const pyprojectPath = joinPath(dir, 'pyproject.toml');
    const text = await ctx.readText(pyprojectPath);
    if (text !== undefined && /\[tool\.|tool\s*=|^\s*tool\./m.test(text)) {
      const doc = ctx.pyproject?.path === pyprojectPath ? ctx.pyproject.toml : new TomlDocument(text);
      out.push(...fromToml(doc, pyprojectPath, ctx));
    }
    for (const name of INI_FILES) {
      const path = joinPath(dir, name);
      const iniText = await ctx.readText(path);
      if (iniText === undefined || !/^\[mypy\]/m.test(iniText)) continue;
      const li = ctx.lineIndexOf(path)!;
      for (const section of parseIni(iniText)) {
        if (section.name !== 'mypy') continue;
        out.push({
          tool: 'mypy',
          path,
          range: li.rangeOf(section.start, section.end),
          settings: section.entries.map((e) => {
            const valueStart = e.end - e.value.split('\n').pop()!.length;
            return { key: e.key, value: e.value, range: li.rangeOf(e.start, e.end), valueRange: li.rangeOf(e.value.includes('\n') ? e.end : valueStart, e.end), quoted: false };
          }),
        });
      }
    }
    for (const [name, tool] of JSON_FILES) {
      const path = joinPath(dir, name);
      const jsonText = await ctx.readText(path);
      if (jsonText === undefined) continue;
      const li = ctx.lineIndexOf(path)!;
      const root = safeParseJson(jsonText);
      const settings: TypeCheckerSetting[] = [];
      if (root?.type === 'object') {
        for (const prop of root.children ?? []) {
          const [key, value] = prop.children ?? [];
          if (!key || !value || typeof key.value !== 'string') continue;
          settings.push({ key: key.value, value: value.type === 'object' || value.type === 'array' ? undefined : value.value, range: li.rangeOf(prop.offset, prop.offset + prop.length), valueRange: li.rangeOf(value.offset, value.offset + value.length), quoted: value.type === 'string' });
        }
      }
      out.push({ tool, path, range: li.rangeOf(0, 0), settings });
    }
    if (dir === ctx.project.root) {
      const ty = joinPath(dir, 'ty.toml');
      if ((await ctx.fs.stat(ty).catch(() => undefined))?.kind === 'file') out.push({ tool: 'ty', path: ty, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, settings: [] });
    }
  }
  return out;
}

/**
 * The configurations that live in the project's own files. A monorepo's shared config in a parent
 * folder applies to every project below it, but is reported once, by the project that owns it.
 */
export async function ownTypeCheckerConfigs(ctx: StructureContext): Promise<TypeCheckerConfig[]> {
  return (await typeCheckerConfigs(ctx)).filter((c) => projectForFile(ctx.scan, c.path) === ctx.project);
}

function fromToml(doc: TomlDocument, path: string, ctx: StructureContext): TypeCheckerConfig[] {
  if (!doc.ast) return [];
  const out: TypeCheckerConfig[] = [];
  const li = ctx.lineIndexOf(path)!;
  for (const tool of PYPROJECT_TOOLS) {
    const table = doc.get(['tool', tool]);
    if (!table || typeof table !== 'object' || Array.isArray(table)) continue;
    const entry = doc.find(['tool', tool]);
    // `[tool.mypy]` is a header; `tool.mypy.strict = true` under `[tool]` has only dotted keys.
    const firstKey = entry ?? doc.children(['tool', tool])[0];
    const range = entry
      ? entry.value.type === 'TOMLTable'
        ? li.rangeOf(entry.value.range[0], entry.keyRange[1] + 1)
        : li.rangeOf(entry.keyRange[0], entry.keyRange[1])
      : firstKey
        ? li.rangeOf(firstKey.keyRange[0], firstKey.keyRange[1])
        : li.rangeOf(0, 0);
    const settings: TypeCheckerSetting[] = [];
    for (const child of doc.children(['tool', tool])) {
      const key = child.path[child.path.length - 1]!;
      if (key === 'overrides' || child.value.type === 'TOMLTable') continue;
      const value = (table as Record<string, unknown>)[key];
      const quoted = child.value.type === 'TOMLValue' && child.value.kind === 'string';
      settings.push({ key, value, range: li.rangeOf(child.keyRange[0], child.value.range[1]), valueRange: li.rangeOf(child.value.range[0], child.value.range[1]), quoted });
    }
    out.push({ tool, path, range, settings });
  }
  return out;
}

function safeParseJson(text: string): JsonNode | undefined {
  try {
    return parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  } catch {
    return undefined;
  }
}

/** The file name a configuration is known by in messages: `pyproject.toml [tool.mypy]`, `mypy.ini`. */
export function describeConfig(config: TypeCheckerConfig): string {
  const name = basename(config.path);
  if (name === 'pyproject.toml') return `\`[tool.${config.tool}]\``;
  if (name === 'setup.cfg' || name === 'tox.ini') return `\`[mypy]\` in ${name}`;
  return `\`${name}\``;
}
