/**
 * The ranker flags shared by `sir search`, `sir run` and `sir eval`: one definition of the flags,
 * their help text and their translation into engine options.
 */
import { CliError, numberFlag } from './command.js';
import { RANKERS, type RankerName, type RankerParams } from '../engine/index.js';

export const rankerFlagSpec = {
  ranker: { type: 'string' },
  k1: { type: 'string' },
  b: { type: 'string' },
  mu: { type: 'string' },
  lambda: { type: 'string' },
  s: { type: 'string' },
  delta: { type: 'string' },
} as const;

export const rankerFlagHelp = `Ranker options:
  --ranker NAME     bm25 (default), dirichlet, jelinek-mercer, pivoted, absolute-discount
  --k1 N --b N      BM25 (defaults 0.9 and 0.4)
  --mu N            Dirichlet prior (default 2000)
  --lambda N        Jelinek-Mercer (0 < lambda < 1, default 0.7)
  --s N             pivoted length normalisation (0..1, default 0.2)
  --delta N         absolute discount (0 < delta < 1, default 0.7)`;

export function rankerOptions(values: Partial<Record<keyof typeof rankerFlagSpec, string>>): {
  ranker: RankerName;
  params: RankerParams;
} {
  const ranker = (values.ranker ?? 'bm25') as RankerName;
  if (!RANKERS.includes(ranker)) {
    throw new CliError(`--ranker must be one of ${RANKERS.join(', ')}, got "${values.ranker}"`, 2);
  }
  const params: RankerParams = {};
  for (const name of ['k1', 'b', 'mu', 'lambda', 's', 'delta'] as const) {
    if (values[name] !== undefined) params[name] = numberFlag(values[name], name, 0);
  }
  return { ranker, params };
}
