/** How many jobs `GET /jobs` lists: by default, and at most. */
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
