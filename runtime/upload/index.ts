/**
 * Bulk index upload through the loader: stack outputs, S3 staging (resumable, checksummed), the
 * loader agent that publishes on EFS, and the transports that run it (SSM Run Command, or a local
 * child process). `sir upload`, `sir rollback --stack` and `sir loader-agent` are thin shells over
 * these.
 */
export { UploadError, type UploadErrorCode } from './upload-error.js';
export {
  type UploadTarget,
  readRawStackOutputs,
  readStackOutputs,
  validateOutputs,
} from './stack-outputs.js';
export {
  DEFAULT_STAGING_PREFIX,
  type StagedUpload,
  contentVersion,
  prepareCorpusUpload,
  prepareIndexUpload,
  stagedKey,
} from './staged-version.js';
export { isNotFound, localEndpointConfig, makeS3Client } from './s3.js';
export { DEFAULT_PART_BYTES, MIN_PART_BYTES, stageUpload } from './stage-files.js';
export {
  type AgentConfig,
  LOADER_ENV_FILE,
  parseEnvFile,
  resolveAgentConfig,
} from './loader-env.js';
export {
  type AgentResult,
  agentPublish,
  agentResultLine,
  agentRollback,
  parseAgentResult,
} from './loader-agent.js';
export {
  type CommandStatus,
  type LoaderResult,
  type LoaderTransport,
  agentShellCommand,
  runOnLoader,
} from './loader-transport.js';
export { SsmTransport, type SsmSender } from './ssm-transport.js';
export { LocalTransport } from './local-transport.js';
export { runUpload, agentOutcome, stageWithProgress, type UploadOutcome } from './upload.js';
export { waitForVersion } from './verify-health.js';
export { resolveStack } from './stack-target.js';
