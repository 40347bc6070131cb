/**
 * The analysis every JavaScript library in the benchmark is given, so that they index the same
 * terms as our engine (title and text as one field, Porter, Lucene stop words): lowercase, split on
 * anything that is not a letter or digit, drop the 33 Lucene English stop words, Porter-stem with
 * lunr's stemmer (memoised).
 */
import lunr from 'lunr';

export const LUCENE_STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

const SPLIT = /[^\p{L}\p{N}]+/u;
const stems = new Map<string, string>();

export function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = String(lunr.stemmer(new lunr.Token(word, {})));
    stems.set(word, s);
  }
  return s;
}

export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const tok of text.toLowerCase().split(SPLIT)) {
    if (tok && !LUCENE_STOP_WORDS.has(tok)) out.push(stem(tok));
  }
  return out;
}
