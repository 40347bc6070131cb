/**
 * `--verify URL`: polls `URL/health` until the search API reports the expected index version.
 * Lambdas pick a new version up on their next check of CURRENT, so this waits a bounded time,
 * tolerating errors and old versions meanwhile, and then says what it last saw.
 */
import { errorMessage } from '../log/logger.js';
import { UploadError } from './upload-error.js';

export interface VerifyOptions {
  /** Total time to wait. Default 120 s. */
  timeoutMs?: number;
  intervalMs?: number;
  fetchImpl?: typeof fetch;
  onPoll?: (seen: string) => void;
}

export async function waitForVersion(
  baseUrl: string,
  version: string,
  { timeoutMs = 120_000, intervalMs = 1000, fetchImpl = fetch, onPoll }: VerifyOptions = {},
): Promise<{ seconds: number; docCount?: number }> {
  const url = `${baseUrl.replace(/\/+$/, '')}/health`;
  const started = Date.now();
  let seen = 'no answer yet';
  for (let attempt = 0; attempt < 100_000; attempt++) {
    try {
      const res = await fetchImpl(url, {
        signal: AbortSignal.timeout(Math.min(10_000, timeoutMs)),
      });
      const body = (await res.json().catch(() => undefined)) as
        { version?: string; docCount?: number } | undefined;
      seen = res.ok ? `version ${body?.version ?? '(none)'}` : `HTTP ${res.status}`;
      if (res.ok && body?.version === version) {
        return {
          seconds: (Date.now() - started) / 1000,
          ...(typeof body.docCount === 'number' ? { docCount: body.docCount } : {}),
        };
      }
    } catch (err) {
      seen = `error: ${errorMessage(err)}`;
    }
    onPoll?.(seen);
    if (Date.now() - started + intervalMs > timeoutMs) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new UploadError(
    'verify-timeout',
    `${url} did not report version ${version} within ${Math.round(timeoutMs / 1000)} s (last seen: ${seen}); the version is live in the store, so the API should pick it up on its next check — look at its logs if it does not`,
  );
}
