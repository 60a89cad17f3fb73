import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionParams,
  type Hover,
  type HoverParams,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { completeToolConfig, hoverToolConfig, type AssistKind } from '../../core/pyproject/toolConfigAssist';
import { allRules } from '../../core/rules/registry';

/** LSP adapter of src/core/pyproject/toolConfigAssist.ts: completion and hover in pyproject.toml. */
const KINDS: Record<AssistKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  rule: CompletionItemKind.EnumMember,
  selector: CompletionItemKind.Module,
  value: CompletionItemKind.Value,
};

/** Characters after which the client should ask again: a new string, array entry, table entry or value. */
export const TOOL_CONFIG_TRIGGERS = ['"', '[', '{', ',', '=', ' '];

function pyprojectDocument(documents: TextDocuments<TextDocument>, uri: string): TextDocument | undefined {
  return /(^|\/)pyproject\.toml$/.test(uri) ? documents.get(uri) : undefined;
}

export function toolConfigCompletion(documents: TextDocuments<TextDocument>, params: CompletionParams): CompletionItem[] | null {
  const doc = pyprojectDocument(documents, params.textDocument.uri);
  if (!doc) return null;
  const entries = completeToolConfig(doc.getText(), doc.offsetAt(params.position), allRules());
  if (!entries) return null;
  return entries.map((e) => {
    const range = { start: doc.positionAt(e.replaceStart), end: doc.positionAt(e.replaceEnd) };
    return {
      label: e.label,
      kind: KINDS[e.kind],
      detail: e.detail,
      documentation: { kind: MarkupKind.Markdown, value: e.documentation },
      textEdit: { range, newText: e.insertText },
      insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: e.sortText,
      // The client filters on what is typed in the range; a quote before it is not part of the word.
      filterText: e.label,
    };
  });
}

export function toolConfigHover(documents: TextDocuments<TextDocument>, params: HoverParams): Hover | null {
  const doc = pyprojectDocument(documents, params.textDocument.uri);
  if (!doc) return null;
  const h = hoverToolConfig(doc.getText(), doc.offsetAt(params.position), allRules());
  if (!h) return null;
  return { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: { start: doc.positionAt(h.start), end: doc.positionAt(h.end) } };
}
