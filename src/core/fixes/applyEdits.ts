import type { TextEdit } from '../diagnostics';
import { LineIndex } from '../text/lineIndex';

/**
 * Applies LSP-style text edits to a string, as an editor would: all ranges refer to the original
 * text, so edits are applied from the end. Overlapping edits are a bug in the fix and are refused.
 */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const li = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: li.offsetAt(e.range.start), end: li.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) throw new Error('overlapping edits');
  }
  let out = text;
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  }
  return out;
}
