/**
 * Turns a zod validation failure into a 400 problem whose `errors` name every field at fault and
 * say what the field accepts (from `ACCEPTED`), e.g. `size: an integer from 1 to 100 (got "0")`.
 */
import type { ZodError } from 'zod';
import { Problem, type FieldError } from './problem.js';
import { PARAM_NAMES } from '../engine/index.js';
import { ACCEPTED, SearchBodySchema } from './schemas.js';

/** What a route's fields accept: sentences by field name, and the fields of an object by path. */
export interface FieldVocabulary {
  accepted: Record<string, string>;
  fieldsAt(path: string): string[];
}

/** The search routes' vocabulary. */
const SEARCH_FIELDS: FieldVocabulary = {
  accepted: ACCEPTED,
  fieldsAt: (path) =>
    path.split('.')[0] === 'params' ? [...PARAM_NAMES] : Object.keys(SearchBodySchema.shape),
};

export function zodProblem(
  error: ZodError,
  target: string,
  vocabulary: FieldVocabulary = SEARCH_FIELDS,
): never {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        errors.push({
          field: [...issue.path, key].join('.'),
          message: `unknown field; accepted fields are ${vocabulary.fieldsAt(issue.path.join('.')).join(', ')}`,
        });
      continue;
    }
    const field = issue.path.length
      ? issue.path.map(String).join('.')
      : target === 'json'
        ? 'body'
        : target;
    const leaf = String(issue.path[issue.path.length - 1] ?? field);
    const accepted = vocabulary.accepted[leaf] ?? vocabulary.accepted[field];
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const message = missing
      ? `is required: ${accepted ?? 'a value'}`
      : accepted
        ? `must be ${accepted} (${issue.message})`
        : issue.message;
    errors.push({ field, message });
  }
  const detail = errors.map((e) => `${e.field} ${e.message}`).join('; ');
  throw new Problem(400, detail || 'invalid request', errors, 'invalid-parameter');
}
