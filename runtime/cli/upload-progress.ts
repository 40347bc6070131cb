/** How `sir upload` and `sir jobs submit --stack` show an upload's progress. */
import type { UploadEvent } from '../upload/index.js';
import type { CliIO } from './command.js';
import { ProgressBar, formatBytes } from './progress.js';

/**
 * Draws an upload's events on stderr: a progress bar while staging, then one line per step. Also
 * what `sir jobs submit --stack` stages a corpus with.
 */
export function progressOn(io: CliIO): (e: UploadEvent) => void {
  const bar = new ProgressBar(io.stderr, 'uploading');
  const line = (text: string) => io.stderr.write(`${text}\n`);
  return (e) => {
    switch (e.type) {
      case 'staging':
        return line(
          `staging version ${e.version} (${e.kind}, ${e.files} file(s), ${formatBytes(e.bytes)}) to ${e.where}`,
        );
      case 'already-staged':
        return line(`already staged and verified (SHA-256 matches), skipped: ${e.path}`);
      case 'progress': {
        const rate = e.seconds > 0 ? e.sentBytes / e.seconds : 0;
        return bar.update(
          e.sentBytes,
          e.totalBytes,
          `${formatBytes(e.sentBytes)}/${formatBytes(e.totalBytes)} ${formatBytes(rate)}/s`,
        );
      }
      case 'staged':
        return bar.done(
          `staged ${e.version}: sent ${formatBytes(e.sentBytes)} in ${e.seconds.toFixed(1)} s` +
            (e.sentBytes > 0
              ? ` (${formatBytes(e.sentBytes / Math.max(e.seconds, 1e-3))}/s)`
              : '') +
            (e.skipped > 0
              ? `, ${e.skipped} file(s) already there skipped (${formatBytes(e.skippedBytes)})`
              : ''),
        );
      case 'agent-started':
        return line(
          `loader agent started on ${e.on} (${e.id}); not waiting. Follow it with: ${e.follow}`,
        );
      case 'publishing':
        return line(`publishing on ${e.on}`);
      case 'agent-line':
        return line(`loader: ${e.line}`);
      case 'step':
        return line(e.line);
      case 'live': {
        const a = e.agent;
        return line(
          `${a.version} is live${a.result === 'already-live' ? ' (it already was)' : a.previous ? ` (was ${a.previous})` : ''}`,
        );
      }
      case 'verifying':
        return line(`waiting for ${e.url}/health to report ${e.version}`);
      case 'verified':
        return line(`the search API serves ${e.version} (after ${e.seconds.toFixed(1)} s)`);
    }
  };
}
