/** A failure to load what to serve or to start listening, with a sentence for the user. */
export class ServeError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ServeError';
  }
}
