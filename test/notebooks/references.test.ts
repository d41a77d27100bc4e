// Every chapter closes with its links: each RFC the chapter's prose cites is linked there, so a learner
// who meets "RFC 7591 §3.2.2" in a paragraph finds the document at the end of the chapter, in both editions.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { japaneseNotebooksDir, listNotebooks } from './run-notebooks.js';
import { cellsOf, sourceOf } from './suite.js';

/** The closing section's heading, as each edition names it. */
const LINKS_HEADING = /^#{2,3} (References|Links|参考文献|参考資料|参考リンク|リンク)\s*$/m;

interface ChapterText { readonly prose: string; readonly links: string | undefined }

/** The chapter's Markdown up to its last links heading, and the links section itself (to the end of that cell). */
export function chapterText(path: string): ChapterText {
  const markdown = cellsOf(path).filter((c) => c.cell_type === 'markdown').map(sourceOf);
  const last = markdown.map((text) => LINKS_HEADING.test(text)).lastIndexOf(true);
  if (last === -1) return { prose: markdown.join('\n'), links: undefined };
  const cell = markdown[last] as string;
  const at = cell.search(LINKS_HEADING);
  return { prose: [...markdown.slice(0, last), cell.slice(0, at)].join('\n'), links: cell.slice(at) };
}

/** RFC numbers named in prose ("RFC 7591 §3.2.2"); code spans are left out (`-nameopt RFC2253` is an option). */
export function citedRfcs(prose: string): string[] {
  const text = prose.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...new Set([...text.matchAll(/\bRFC (\d{4,5})\b/g)].map((m) => m[1] as string))].sort();
}

/** RFC numbers the links section links to on rfc-editor.org. */
export function linkedRfcs(links: string): string[] {
  return [...new Set([...links.matchAll(/\]\(https:\/\/www\.rfc-editor\.org\/rfc\/rfc(\d{4,5})\b/g)].map((m) => m[1] as string))].sort();
}

const chapters = [...listNotebooks(), ...listNotebooks(japaneseNotebooksDir)]
  .map((path) => [path.includes('/ja/') ? `ja/${basename(path)}` : basename(path), path]);

describe('the links that close each chapter', () => {
  it('reads RFC citations from prose, not from code spans', () => {
    expect(citedRfcs('RFC 7591 §3.2.2 and RFC 6749; `openssl x509 -nameopt RFC2253`; RFCs 7521, 7522')).toEqual(['6749', '7591']);
    expect(linkedRfcs('[RFC 7591](https://www.rfc-editor.org/rfc/rfc7591) · [§2](https://www.rfc-editor.org/rfc/rfc6749.html#section-2) · RFC 9110')).toEqual(['6749', '7591']);
  });

  it.each(chapters)('%s links every RFC its prose cites', (_name, path) => {
    const { prose, links } = chapterText(path);
    expect(links, 'no closing links section (a "### Links" or "## References" heading)').toBeDefined();
    const linked = linkedRfcs(links ?? '');
    expect(citedRfcs(prose).filter((rfc) => !linked.includes(rfc)), 'RFCs cited in the chapter but not linked in its closing section').toEqual([]);
  });
});
