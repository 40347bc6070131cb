/**
 * The analyzer and build flags of `sir index` and `sir upload --corpus`: one definition of the
 * flags, their help and their translation into build options. A stop word file is read here, on
 * the machine that has it, so `sir upload` sends the words themselves to the loader.
 */
import { readFileSync } from 'node:fs';
import { CliError, kindOfPath, numberFlag } from './command.js';
import type { BuildOptions } from '../engine/index.js';

/** Build options that can be written down and sent (no progress callback). */
export type BuildFlagOptions = Omit<BuildOptions, 'onProgress'>;

export const BUILD_FLAG_OPTIONS = {
  fields: { type: 'string' },
  'field-mode': { type: 'string' },
  stemmer: { type: 'string' },
  stopwords: { type: 'string' },
  norms: { type: 'string' },
  'memory-mb': { type: 'string' },
  'skip-bad': { type: 'boolean' },
} as const;

export const BUILD_FLAGS_HELP = `  --fields LIST          (with --corpus) corpus keys to index, comma-separated (default title,text)
  --field-mode MODE      (with --corpus) combined (default) or separate
  --stemmer NAME         (with --corpus) porter (default) or none
  --stopwords WHICH      (with --corpus) lucene (default), none, or a file with one word per line
  --norms HOW            (with --corpus) exact (default) or lucene (Lucene's lengths and query-term weights)
  --memory-mb N          (with --corpus) build memory on the loader before segments spill (default 256)
  --skip-bad             (with --corpus) skip malformed lines instead of failing`;

export interface BuildFlagValues {
  fields?: string;
  'field-mode'?: string;
  stemmer?: string;
  stopwords?: string;
  norms?: string;
  'memory-mb'?: string;
  'skip-bad'?: boolean;
}

export function buildOptionsFromFlags(v: BuildFlagValues): BuildFlagOptions {
  const options: BuildFlagOptions = {};
  if (v.fields !== undefined) {
    const fields = v.fields
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    if (fields.length === 0)
      throw new CliError('--fields must name at least one corpus key, e.g. title,text', 2);
    options.fields = fields;
  }
  if (v['field-mode'] !== undefined) {
    if (!['combined', 'separate'].includes(v['field-mode']))
      throw new CliError(`--field-mode must be combined or separate, got "${v['field-mode']}"`, 2);
    options.fieldMode = v['field-mode'] as 'combined' | 'separate';
  }
  if (v.stemmer !== undefined) {
    if (!['porter', 'none'].includes(v.stemmer))
      throw new CliError(`--stemmer must be porter or none, got "${v.stemmer}"`, 2);
    options.stemmer = v.stemmer as 'porter' | 'none';
  }
  if (v.stopwords !== undefined) {
    const kind = kindOfPath(v.stopwords);
    if (v.stopwords === 'lucene' || v.stopwords === 'none') options.stopwords = v.stopwords;
    else if (kind !== 'file')
      throw new CliError(
        `--stopwords must be lucene, none or a file of words, one per line; ${v.stopwords} ${kind === 'missing' ? 'does not exist' : kind === 'folder' ? 'is a folder' : 'is not a regular file'}`,
        2,
      );
    else {
      options.stopwords = readFileSync(v.stopwords, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
    }
  }
  if (v.norms !== undefined) {
    if (!['exact', 'lucene'].includes(v.norms))
      throw new CliError(`--norms must be exact or lucene, got "${v.norms}"`, 2);
    options.norms = v.norms as 'exact' | 'lucene';
  }
  if (v['memory-mb'] !== undefined)
    options.memoryBudgetMb = numberFlag(v['memory-mb'], 'memory-mb', 256, {
      min: 1,
      max: 65536,
      integer: true,
    });
  if (v['skip-bad']) options.skipBad = true;
  return options;
}
