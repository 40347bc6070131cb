/** A failure to load what to serve or to start listening, with a sentence for the user. */
export class ServeError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ServeError';
    this.code = code;
  }
}
