/**
 * `sir upload`'s flow, once its inputs are resolved: stage the files in the staging bucket, run the
 * loader agent through the transport, read the new live version from its result line, and
 * optionally wait until the search API serves it. It reports what happens as `UploadEvent`s (the
 * CLI draws them as a progress bar and lines on stderr) and fails with `UploadError`s.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { AgentResult } from './agent-result.js';
import { type LoaderTransport, runAgent } from './loader-transport.js';
import { type StagedKind, type StagedUpload, stagedVersionPrefix } from './staged-version.js';
import { stageUpload } from './stage-files.js';
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

export interface StagedSummary {
  uploaded: number;
  skipped: number;
  sentBytes: number;
  skippedBytes: number;
  seconds: number;
}

export interface UploadOutcome {
  version: string;
  staged: Omit<StagedSummary, 'skippedBytes'>;
  /** Present when waited for. */
  agent?: AgentResult;
  /** The transport's id of the agent run (SSM CommandId, local pid). */
  commandId: string;
  verifiedAfterSeconds?: number;
}

/** What an upload reports as it goes, in order. */
export type UploadEvent =
  | {
      type: 'staging';
      version: string;
      kind: StagedKind;
      files: number;
      bytes: number;
      /** `s3://bucket/prefix/version/` */
      where: string;
    }
  /** A file already staged with the same size and SHA-256: not sent again. */
  | { type: 'already-staged'; path: string }
  | { type: 'progress'; sentBytes: number; totalBytes: number; seconds: number }
  | ({ type: 'staged'; version: string } & StagedSummary)
  /** `--no-wait`: the agent runs on; `follow` says how a person can watch it. */
  | { type: 'agent-started'; on: string; id: string; follow: string }
  | { type: 'publishing'; on: string }
  /** One line the loader agent printed. */
  | { type: 'agent-line'; line: string }
  /** One step of a publish that runs here (a bundled stack's Lambda API calls). */
  | { type: 'step'; line: string }
  | { type: 'live'; agent: AgentResult }
  | { type: 'verifying'; url: string; version: string }
  | { type: 'verified'; version: string; seconds: number };

/**
 * Stages an upload's files in the bucket (files already there with the same SHA-256 are skipped),
 * reporting `staging`, `already-staged`, `progress` and `staged` events. The first half of
 * `runUpload`; also how `sir jobs submit --stack` stages a corpus for a build job.
 */
export async function stageVersion(
  run: Pick<UploadRun, 'upload' | 's3' | 'bucket' | 'prefix' | 'partBytes'>,
  onEvent: (event: UploadEvent) => void = () => {},
): Promise<StagedSummary> {
  const { upload, bucket, prefix } = run;
  onEvent({
    type: 'staging',
    version: upload.version,
    kind: upload.kind,
    files: upload.files.length,
    bytes: upload.files.reduce((sum, f) => sum + f.bytes, 0),
    where: `s3://${bucket}/${stagedVersionPrefix(prefix, upload.version)}`,
  });
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const staged = await stageUpload({
    client: run.s3,
    bucket,
    prefix,
    upload,
    ...(run.partBytes !== undefined ? { partBytes: run.partBytes } : {}),
    onSkip: (f) => onEvent({ type: 'already-staged', path: f.path }),
    onProgress: (p) =>
      onEvent({
        type: 'progress',
        sentBytes: p.sentBytes,
        totalBytes: p.totalBytes,
        seconds: elapsed(),
      }),
  });
  const summary: StagedSummary = {
    uploaded: staged.uploaded.length,
    skipped: staged.skipped.length,
    sentBytes: staged.sentBytes,
    skippedBytes: staged.skippedBytes,
    seconds: elapsed(),
  };
  onEvent({ type: 'staged', version: upload.version, ...summary });
  return summary;
}

export async function runUpload(
  run: UploadRun,
  onEvent: (event: UploadEvent) => void = () => {},
): Promise<UploadOutcome> {
  const { upload } = run;
  const { skippedBytes: _, ...stagedOut } = await stageVersion(run, onEvent);
  const command = {
    args: ['publish', '--version', upload.version],
    comment: `sir upload: publish ${upload.version}`,
  };

  if (!run.wait) {
    const id = await run.transport.start(command);
    onEvent({
      type: 'agent-started',
      on: run.transport.description,
      id,
      follow: run.transport.followHint(id),
    });
    return { version: upload.version, staged: stagedOut, commandId: id };
  }

  onEvent({ type: 'publishing', on: run.transport.description });
  const { id, agent } = await runAgent(run.transport, command, (line) =>
    onEvent({ type: 'agent-line', line }),
  );
  onEvent({ type: 'live', agent });
  const outcome: UploadOutcome = {
    version: upload.version,
    staged: stagedOut,
    agent,
    commandId: id,
  };
  if (run.verify) {
    onEvent({ type: 'verifying', url: run.verify.url, version: agent.version });
    const verified = await waitForVersion(
      run.verify.url,
      agent.version,
      run.verify.timeoutMs !== undefined ? { timeoutMs: run.verify.timeoutMs } : {},
    );
    outcome.verifiedAfterSeconds = verified.seconds;
    onEvent({ type: 'verified', version: agent.version, seconds: verified.seconds });
  }
  return outcome;
}
