/**
 * How `sir upload` and `sir rollback --stack` run the loader agent: a `LoaderTransport` starts
 * `sir loader-agent ARGS...` on the loader and waits for its final status, streaming its output;
 * `runAgent` is the one start-and-wait both use, returning the agent's result. Two
 * implementations: `SsmTransport` (SSM Run Command, ssm-transport.ts) for AWS, and
 * `LocalTransport` (a child process, local-transport.ts) for tests and local use.
 */
import { type AgentResult, agentOutcome, isAgentResultLine } from './agent-result.js';

/** SSM Run Command's invocation statuses; the local transport uses the same words. */
export type CommandStatus =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Failed'
  | 'TimedOut'
  | 'Cancelled'
  | 'Cancelling';

export const TERMINAL_STATUSES: ReadonlySet<CommandStatus> = new Set([
  'Success',
  'Failed',
  'TimedOut',
  'Cancelled',
]);

export interface LoaderResult {
  status: CommandStatus;
  /** Everything the agent printed on stdout (SSM keeps at most the first 24,000 characters). */
  output: string;
  errorOutput: string;
  /** The exit code, when the transport knows it. */
  exitCode?: number;
}

/** New output as it arrives: `stream` says which one. */
export type OutputListener = (chunk: string, stream: 'stdout' | 'stderr') => void;

export interface LoaderCommand {
  /** What the agent gets after `sir loader-agent`, e.g. ['publish', '--version', 'up-…']. */
  args: string[];
  /** A short description for logs and the SSM console. */
  comment: string;
}

export interface LoaderTransport {
  /** Where the command runs, for messages ("instance i-0abc via SSM", "a local child process"). */
  readonly description: string;
  /** Starts the command and returns an id to `wait` for (SSM's CommandId, or a local pid). */
  start(command: LoaderCommand): Promise<string>;
  /** Waits for the command started as `id` to finish, streaming output to `onOutput`. */
  wait(id: string, onOutput?: OutputListener): Promise<LoaderResult>;
  /** How a person can follow the command started as `id` without this process. */
  followHint(id: string): string;
}

/**
 * Starts the agent, waits for it, hands every whole output line except the result line to
 * `onLine` (stdout and stderr alike, as they arrive), and returns its result with the transport's
 * id of the run. Throws `UploadError('loader-failed')` quoting the agent when it failed.
 */
export async function runAgent(
  transport: LoaderTransport,
  command: LoaderCommand,
  onLine: (line: string) => void = () => {},
): Promise<{ id: string; agent: AgentResult }> {
  const id = await transport.start(command);
  const pending = { stdout: '', stderr: '' };
  const result = await transport.wait(id, (chunk, stream) => {
    const lines = (pending[stream] + chunk).split('\n');
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) if (!isAgentResultLine(line)) onLine(line);
  });
  for (const rest of [pending.stdout, pending.stderr])
    if (rest !== '' && !isAgentResultLine(rest)) onLine(rest);
  return { id, agent: agentOutcome(result, transport, id) };
}

/** The script SSM runs on the loader: a bootstrap-status check, then `sir loader-agent ARGS`. */
export { loaderCommandScript as agentShellCommand } from './loader-contract.js';
