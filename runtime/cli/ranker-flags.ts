/**
 * The ranker flags shared by `sir search`, `sir run` and `sir eval`, derived from the engine's
 * ranker table: one flag per ranker parameter, its help line (ranker, meaning, range, default)
 * and its translation into engine options.
 */
import { CliError, numberFlag } from './command.js';
import {
  DEFAULT_RANKER,
  RANKERS,
  RANKER_PARAMS,
  RANKER_TABLE,
  rankerOfParam,
  validateRankerParams,
  type RankerName,
  type RankerParams,
} from '../engine/index.js';

export const rankerFlagSpec: Record<string, { type: 'string' }> = {
  ranker: { type: 'string' },
  ...Object.fromEntries(RANKER_PARAMS.map((p) => [p.name, { type: 'string' as const }])),
};

const flagColumn = (text: string) => `  ${text.padEnd(16)}  `;

export const rankerFlagHelp = `Ranker options:
${flagColumn('--ranker NAME')}${RANKER_TABLE.map((r) => (r.name === DEFAULT_RANKER ? `${r.name} (default)` : r.name)).join(', ')}
${RANKER_PARAMS.map(
  (p) =>
    `${flagColumn(`--${p.name} N`)}${rankerOfParam(p.name)!.name}: ${p.meaning}, ${p.min} to ${p.max} (default ${p.default})`,
).join('\n')}`;

export function rankerOptions(values: Record<string, string | boolean | string[] | undefined>): {
  ranker: RankerName;
  params: RankerParams;
} {
  const ranker = (values.ranker as string | undefined) ?? DEFAULT_RANKER;
  if (!RANKERS.includes(ranker))
    throw new CliError(`--ranker must be one of ${RANKERS.join(', ')}, got "${ranker}"`, 2);
  const params: Record<string, number> = {};
  for (const p of RANKER_PARAMS) {
    const value = values[p.name] as string | undefined;
    if (value !== undefined)
      params[p.name] = numberFlag(value, p.name, p.default, { min: p.min, max: p.max });
  }
  return validateRankerParams(ranker, params);
}
