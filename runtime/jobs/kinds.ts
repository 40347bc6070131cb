/** Every job kind the pipeline runs, by request `kind`. */
import { buildIndexKind } from './build-index/index.js';
import { evaluateKind } from './evaluate/index.js';
import type { JobKind } from './kind.js';

export const KINDS: Record<string, JobKind<any>> = {
  [buildIndexKind.name]: buildIndexKind,
  [evaluateKind.name]: evaluateKind,
};

export function kindOf(name: string): JobKind<any> | undefined {
  return Object.hasOwn(KINDS, name) ? KINDS[name] : undefined;
}
