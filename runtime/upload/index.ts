/**
 * Bulk index upload through the loader: stack outputs, S3 staging (resumable, checksummed), the
 * loader agent that publishes on EFS, and the transports that run it (SSM Run Command, or a local
 * child process). `sir upload`, `sir rollback --stack` and `sir loader-agent` are thin shells over
 * these; nothing here knows the CLI (progress is reported through callbacks, failures as
 * `UploadError`s).
 */
export { UploadError, type UploadErrorCode } from './upload-error.js';
export {
  type UploadTarget,
  readRawStackOutputs,
  readStackOutputs,
  validateOutputs,
} from './stack-outputs.js';
export {
  type StagedUpload,
  contentVersion,
  prepareCorpusUpload,
  prepareIndexUpload,
  stagedKey,
} from './staged-version.js';
export { isNotFound, localEndpointConfig, makeS3Client } from './s3.js';
export { DEFAULT_PART_BYTES, MIN_PART_BYTES, stageUpload } from './stage-files.js';
export {
  LOADER_ENV_FILE,
  LOADER_ENV_VARS,
  STAGING_PREFIX,
  type LoaderSettings,
} from './loader-contract.js';
export { type AgentConfig, parseEnvFile, resolveAgentConfig } from './loader-env.js';
export { type AgentContext, agentPublish, agentRollback } from './loader-agent.js';
export {
  type AgentResult,
  agentOutcome,
  agentResultLine,
  parseAgentResult,
} from './agent-result.js';
export {
  type CommandStatus,
  type LoaderCommand,
  type LoaderResult,
  type LoaderTransport,
  agentShellCommand,
  runAgent,
} from './loader-transport.js';
export { SsmTransport, type SsmSender } from './ssm-transport.js';
export { LocalTransport } from './local-transport.js';
export {
  runUpload,
  stageVersion,
  type StagedSummary,
  type UploadEvent,
  type UploadOutcome,
  type UploadRun,
} from './upload.js';
export { waitForVersion } from './verify-health.js';
export {
  type BundledResult,
  type BundledTarget,
  type BundledVersion,
  bundledArtifactKey,
  indexVersionOf,
  listBundledVersions,
  publishBundled,
  rollbackBundled,
} from './bundled-publish.js';
export {
  BUNDLED_APP_DIR,
  BUNDLED_HANDLER,
  LIVE_ALIAS,
  bundledArtifactProblem,
  bundledLayout,
  zipBundledArtifact,
} from './bundled-artifact.js';
export {
  type BucketStack,
  type FunctionStack,
  type LoaderStack,
  type StackContext,
  type StackRequest,
  resolveStack,
} from './stack-target.js';
export { publishToStore } from './store-publish.js';
