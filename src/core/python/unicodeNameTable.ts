/**
 * The Unicode character names that `\N{NAME}` escapes look up, as CPython 3.13 has them (Unicode 15.1,
 * its `unicodedata.unidata_version`): every name of UnicodeData.txt plus every alias of NameAliases.txt,
 * from the `@unicode/unicode-15.1.0` package (node-unicode's UCD data, the version CPython 3.13 ships).
 *
 * This module is heavy (about 200 KB of compressed data, some tens of ms to unpack), so nothing imports
 * it statically: unicodeNames.ts `require`s it the first time a source has a `\N{` escape, and the
 * bundles keep it out of themselves (esbuild.mjs builds it on its own as dist/unicodeNameTable.js, the
 * file that require finds beside them). CJK unified ideographs and Hangul syllables have names made by
 * rule, not listed here; unicodeNames.ts reads those.
 */
import names from '@unicode/unicode-15.1.0/Names/index.mjs';
import abbreviations from '@unicode/unicode-15.1.0/Names/Abbreviation/index.mjs';
import alternates from '@unicode/unicode-15.1.0/Names/Alternate/index.mjs';
import controls from '@unicode/unicode-15.1.0/Names/Control/index.mjs';
import corrections from '@unicode/unicode-15.1.0/Names/Correction/index.mjs';
import figments from '@unicode/unicode-15.1.0/Names/Figment/index.mjs';

/** Upper-case name (or alias) -> code point. */
export function unicodeNameTable(): Map<string, number> {
  const table = new Map<string, number>();
  for (const [codePoint, name] of names) {
    // Range labels ('<control>', 'CJK Ideograph Extension A', 'Hangul Syllable', 'Tangut Ideograph',
    // 'Private Use', ...) are not names: a real name is upper-case letters, digits, spaces and hyphens.
    if (isCharacterName(name)) table.set(name, codePoint);
  }
  for (const aliases of [corrections, controls, alternates, figments, abbreviations]) {
    for (const [codePoint, list] of Object.entries(aliases)) {
      for (const alias of list) if (!table.has(alias)) table.set(alias, Number(codePoint));
    }
  }
  return table;
}

function isCharacterName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 32 || c === 45)) return false;
  }
  return name.length > 0;
}
