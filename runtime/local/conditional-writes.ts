/**
 * Conditional PutObject for fauxqs. S3 accepts `If-None-Match: *` (create only if absent) and
 * `If-Match: <etag>` (replace only that version) on PutObject and answers 412 PreconditionFailed
 * otherwise; fauxqs 2.4.1 implements conditions on GET only. This hook adds them to fauxqs's own
 * Fastify app: a conditional PUT takes a lock on its key (so two racing writers are serialised
 * and exactly one wins, as in S3), checks the key with an in-process HEAD and either answers 412
 * or lets fauxqs's handler store the object; the lock is released when the response is sent.
 * Everything else is fauxqs as is.
 */
import type { FastifyInstance } from 'fastify';

const KEY_LOCK = Symbol('sir-conditional-write-lock');

type LockedRequest = { [KEY_LOCK]?: () => void };

/** Serialises async work per key. */
class KeyLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async acquire(key: string): Promise<() => void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}

const unquote = (etag: string | undefined) => etag?.replace(/^W\//, '').replace(/"/g, '');

function preconditionFailed(condition: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
    '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
    `<Condition>${condition}</Condition></Error>`
  );
}

const NO_SUCH_KEY =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>' +
  '<Message>The specified key does not exist.</Message></Error>';

/** Adds conditional PutObject to a fauxqs app built with `buildApp()` (before it listens). */
export function addConditionalWrites(app: FastifyInstance): void {
  const locks = new KeyLocks();
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'PUT') return;
    const ifNoneMatch = request.headers['if-none-match'];
    const ifMatch = request.headers['if-match'];
    if (ifNoneMatch === undefined && ifMatch === undefined) return;
    const path = request.url.split('?')[0]!;
    // Bucket-level PUTs (create bucket, lifecycle) carry no conditions worth honouring.
    if (path.split('/').filter(Boolean).length < 2) return;
    const release = await locks.acquire(path);
    (request as unknown as LockedRequest)[KEY_LOCK] = release;
    const head = await app.inject({ method: 'HEAD', url: path });
    const exists = head.statusCode === 200;
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && exists) {
      return reply
        .code(412)
        .header('content-type', 'application/xml')
        .send(preconditionFailed('If-None-Match'));
    }
    if (ifMatch !== undefined) {
      if (!exists)
        return reply.code(404).header('content-type', 'application/xml').send(NO_SUCH_KEY);
      const current = unquote(head.headers.etag as string | undefined);
      const wanted = ifMatch.split(',').map((t) => unquote(t.trim()));
      if (!wanted.includes('*') && !wanted.includes(current)) {
        return reply
          .code(412)
          .header('content-type', 'application/xml')
          .send(preconditionFailed('If-Match'));
      }
    }
  });
  const release = async (request: object) => {
    const locked = request as LockedRequest;
    locked[KEY_LOCK]?.();
    delete locked[KEY_LOCK];
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}
