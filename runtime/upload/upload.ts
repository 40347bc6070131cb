/**
 * `sir upload`'s flow, once its inputs are resolved: stage the files in the staging bucket (with a
 * progress bar showing bytes/s and ETA), run the loader agent through the transport and stream its
 * output, read the new live version from its final line, and optionally wait until the search
 * API serves it. Progress and the agent's output go to stderr; the result goes to stdout.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CliIO } from '../cli/command.js';
import { formatBytes, ProgressBar } from '../cli/progress.js';
import { type AgentResult, parseAgentResult } from './loader-agent.js';
import { AGENT_MESSAGE_PREFIX } from './loader-contract.js';
import type { LoaderResult, LoaderTransport } from './loader-transport.js';
import { type StagedUpload, stagedVersionPrefix } from './staged-version.js';
import { stageUpload } from './stage-files.js';
import { UploadError } from './upload-error.js';
import { waitForVersion } from './verify-health.js';

export interface UploadRun {
  upload: StagedUpload;
  s3: S3Client;
  bucket: string;
  prefix: string;
  transport: LoaderTransport;
  /** False: start the agent and return (`--no-wait`). */
  wait: boolean;
  verify?: { url: string; timeoutMs?: number };
  partBytes?: number;
}

export interface UploadOutcome {
  version: string;
  staged: { uploaded: number; skipped: number; sentBytes: number; seconds: number };
  /** Present when waited for. */
  agent?: AgentResult;
  /** The transport's id of the agent run (SSM CommandId, local pid). */
  commandId: string;
  verifiedAfterSeconds?: number;
}

export async function runUpload(run: UploadRun, io: CliIO): Promise<UploadOutcome> {
  const { upload } = run;
  const stagedSummary = await stageWithProgress(run, io);
  const command = {
    args: ['publish', '--version', upload.version],
    comment: `sir upload: publish ${upload.version}`,
  };

  if (!run.wait) {
    const id = await run.transport.start(command);
    io.stderr.write(
      `loader agent started on ${run.transport.description} (${id}); not waiting. Follow it with: ${run.transport.followHint(id)}\n`,
    );
    return { version: upload.version, staged: stagedSummary, commandId: id };
  }

  io.stderr.write(`publishing on ${run.transport.description}\n`);
  const id = await run.transport.start(command);
  const result = await run.transport.wait(id, prefixedLines(io, 'loader: '));
  const agent = agentOutcome(result, run.transport, id);
  io.stderr.write(
    `${agent.version} is live${agent.result === 'already-live' ? ' (it already was)' : agent.previous ? ` (was ${agent.previous})` : ''}\n`,
  );
  const outcome: UploadOutcome = {
    version: upload.version,
    staged: stagedSummary,
    agent,
    commandId: id,
  };
  if (run.verify) {
    io.stderr.write(`waiting for ${run.verify.url}/health to report ${agent.version}\n`);
    const verified = await waitForVersion(
      run.verify.url,
      agent.version,
      run.verify.timeoutMs !== undefined ? { timeoutMs: run.verify.timeoutMs } : {},
    );
    outcome.verifiedAfterSeconds = verified.seconds;
    io.stderr.write(
      `the search API serves ${agent.version} (after ${verified.seconds.toFixed(1)} s)\n`,
    );
  }
  return outcome;
}

/**
 * Stages an upload in the bucket with the progress bar (bytes/s, ETA; a line every 10% when not a
 * terminal) and a summary line on stderr. Also what `sir jobs submit --stack` stages a corpus with.
 */
export async function stageWithProgress(
  run: Pick<UploadRun, 'upload' | 's3' | 'bucket' | 'prefix' | 'partBytes'>,
  io: CliIO,
): Promise<UploadOutcome['staged']> {
  const { upload, bucket, prefix } = run;
  const total = upload.files.reduce((sum, f) => sum + f.bytes, 0);
  const where = `s3://${bucket}/${stagedVersionPrefix(prefix, upload.version)}`;
  io.stderr.write(
    `staging version ${upload.version} (${upload.kind}, ${upload.files.length} file(s), ${formatBytes(total)}) to ${where}\n`,
  );
  const bar = new ProgressBar(io.stderr, 'uploading');
  const started = performance.now();
  const staged = await stageUpload({
    client: run.s3,
    bucket,
    prefix,
    upload,
    ...(run.partBytes !== undefined ? { partBytes: run.partBytes } : {}),
    onSkip: (f) =>
      io.stderr.write(`already staged and verified (SHA-256 matches), skipped: ${f.path}\n`),
    onProgress: (p) => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? p.sentBytes / seconds : 0;
      bar.update(
        p.sentBytes,
        p.totalBytes,
        `${formatBytes(p.sentBytes)}/${formatBytes(p.totalBytes)} ${formatBytes(rate)}/s`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  bar.done(
    `staged ${upload.version}: sent ${formatBytes(staged.sentBytes)} in ${seconds.toFixed(1)} s` +
      (staged.sentBytes > 0
        ? ` (${formatBytes(staged.sentBytes / Math.max(seconds, 1e-3))}/s)`
        : '') +
      (staged.skipped.length > 0
        ? `, ${staged.skipped.length} file(s) already there skipped (${formatBytes(staged.skippedBytes)})`
        : ''),
  );
  return {
    uploaded: staged.uploaded.length,
    skipped: staged.skipped.length,
    sentBytes: staged.sentBytes,
    seconds,
  };
}

/** The agent's result, or an error quoting what it said when it failed. */
export function agentOutcome(
  result: LoaderResult,
  transport: LoaderTransport,
  id: string,
): AgentResult {
  const parsed = parseAgentResult(result.output);
  if (result.status === 'Success' && parsed) return parsed;
  const said = [...result.errorOutput.split('\n'), ...result.output.split('\n')]
    .map((l) => l.trim())
    .filter((l) => l.startsWith(AGENT_MESSAGE_PREFIX));
  const reason =
    said.length > 0
      ? said[said.length - 1]!.slice(AGENT_MESSAGE_PREFIX.length).trim()
      : lastLines(result.errorOutput || result.output);
  const exit = result.exitCode !== undefined ? `, exit code ${result.exitCode}` : '';
  throw new UploadError(
    'loader-failed',
    result.status === 'Success'
      ? `the loader agent on ${transport.description} finished but printed no result line; see its output (${transport.followHint(id)})`
      : `the loader agent on ${transport.description} ended with status ${result.status}${exit}: ${reason || 'no output'}`,
  );
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

/** An output listener writing whole lines to stderr with a prefix. */
export function prefixedLines(io: CliIO, prefix: string): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (!line.startsWith('{"sirLoaderAgent"')) io.stderr.write(`${prefix}${line}\n`);
  };
}
