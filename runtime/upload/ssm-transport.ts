/**
 * `SsmTransport`: runs the loader agent on the loader instance with SSM Run Command
 * (`AWS-RunShellScript`), then polls `GetCommandInvocation` until the invocation reaches a final
 * status, streaming the output as it grows. No inbound port, no key pair: the instance's SSM agent
 * polls SSM over the VPC's interface endpoints.
 *
 * Retries, all bounded by the wait deadline: `InvocationDoesNotExist` (SSM needs a moment after
 * SendCommand before the invocation exists) and throttling errors, with exponential backoff.
 */
import {
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import {
  type CommandStatus,
  type LoaderCommand,
  type LoaderResult,
  type LoaderTransport,
  type OutputListener,
  TERMINAL_STATUSES,
  agentShellCommand,
} from './loader-transport.js';
import { errorMessage } from '../log/logger.js';
import { UploadError } from './upload-error.js';

/** The one method of SSMClient used here, so tests can inject a fake. */
export type SsmSender = Pick<SSMClient, 'send'>;

export interface SsmTransportOptions {
  client: SsmSender;
  instanceId: string;
  region: string;
  /** Seconds the agent may run on the instance (AWS-RunShellScript's executionTimeout). Default 3600. */
  executionTimeoutSeconds?: number;
  /** First poll interval; backoff doubles it up to `maxPollMs`. Default 1000 / 15000. */
  pollMs?: number;
  maxPollMs?: number;
  /** How long `wait` waits in total before giving up (the command keeps running). Default execution timeout + 5 min. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InvocationDoesNotExist',
]);

function errorName(err: unknown): string {
  return (err as { name?: string; Code?: string })?.name ?? (err as { Code?: string })?.Code ?? '';
}

export class SsmTransport implements LoaderTransport {
  readonly description: string;
  readonly #o: Required<Omit<SsmTransportOptions, 'waitMs'>> & { waitMs: number };

  constructor(options: SsmTransportOptions) {
    const executionTimeoutSeconds = options.executionTimeoutSeconds ?? 3600;
    this.#o = {
      executionTimeoutSeconds,
      pollMs: 1000,
      maxPollMs: 15_000,
      waitMs: (executionTimeoutSeconds + 300) * 1000,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
      ...options,
    };
    this.description = `loader instance ${options.instanceId} via SSM Run Command`;
  }

  async start({ args, comment }: LoaderCommand): Promise<string> {
    const input = {
      InstanceIds: [this.#o.instanceId],
      DocumentName: 'AWS-RunShellScript',
      Comment: comment.slice(0, 100),
      TimeoutSeconds: 600,
      Parameters: {
        commands: [agentShellCommand(args)],
        executionTimeout: [String(this.#o.executionTimeoutSeconds)],
      },
    };
    const sent = await this.#retrying(
      'SendCommand',
      () => this.#o.client.send(new SendCommandCommand(input)),
      this.#o.now() + 120_000,
    );
    const id = sent.Command?.CommandId;
    if (!id)
      throw new UploadError(
        'transport-failed',
        `SSM SendCommand to ${this.#o.instanceId} returned no CommandId; check the loader is running and registered with SSM`,
      );
    return id;
  }

  async wait(commandId: string, onOutput?: OutputListener): Promise<LoaderResult> {
    const deadline = this.#o.now() + this.#o.waitMs;
    let stdoutSeen = 0;
    let stderrSeen = 0;
    let idle = 0;
    for (let polls = 0; polls < 1_000_000; polls++) {
      const inv = await this.#retrying(
        'GetCommandInvocation',
        () =>
          this.#o.client.send(
            new GetCommandInvocationCommand({
              CommandId: commandId,
              InstanceId: this.#o.instanceId,
            }),
          ),
        deadline,
      );
      const out = inv.StandardOutputContent ?? '';
      const err = inv.StandardErrorContent ?? '';
      if (out.length > stdoutSeen) onOutput?.(out.slice(stdoutSeen), 'stdout');
      if (err.length > stderrSeen) onOutput?.(err.slice(stderrSeen), 'stderr');
      const grew = out.length > stdoutSeen || err.length > stderrSeen;
      stdoutSeen = Math.max(stdoutSeen, out.length);
      stderrSeen = Math.max(stderrSeen, err.length);
      const status = (inv.Status ?? 'Pending') as CommandStatus;
      if (TERMINAL_STATUSES.has(status)) {
        return {
          status,
          output: out,
          errorOutput: err,
          ...(inv.ResponseCode !== undefined && inv.ResponseCode >= 0
            ? { exitCode: inv.ResponseCode }
            : {}),
        };
      }
      // Poll often while output flows; back off (doubling, capped) while nothing changes.
      idle = grew ? 0 : idle + 1;
      const delay = Math.min(this.#o.pollMs * 2 ** Math.max(idle - 1, 0), this.#o.maxPollMs);
      if (this.#o.now() + delay > deadline) break;
      await this.#o.sleep(delay);
    }
    throw new UploadError(
      'transport-failed',
      `the loader command ${commandId} did not finish within ${Math.round(this.#o.waitMs / 1000)} s; it may still be running: ${this.followHint(commandId)}`,
    );
  }

  followHint(commandId: string): string {
    return `aws ssm get-command-invocation --region ${this.#o.region} --command-id ${commandId} --instance-id ${this.#o.instanceId}`;
  }

  /** Calls `call`, retrying throttling and not-yet-existing invocations with backoff until `deadline`. */
  async #retrying<R>(what: string, call: () => Promise<R>, deadline: number): Promise<R> {
    let delay = this.#o.pollMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const name = errorName(err);
        if (!RETRYABLE.has(name) || this.#o.now() + delay > deadline || attempt >= 200) {
          throw new UploadError(
            'transport-failed',
            `SSM ${what} on ${this.#o.instanceId} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${name ? `${name}: ` : ''}${errorMessage(err)}${hintFor(name)}`,
          );
        }
        await this.#o.sleep(delay);
        delay = Math.min(delay * 2, this.#o.maxPollMs);
      }
    }
  }
}

function hintFor(name: string): string {
  if (name === 'InvalidInstanceId')
    return '; the loader is not running or not registered with SSM yet (it needs a minute after pulumi up), or loaderInstanceId is stale';
  if (name === 'AccessDeniedException')
    return "; your AWS credentials need ssm:SendCommand on the loader and ssm:GetCommandInvocation: attach the stack's upload policy (pulumi stack output uploadPolicyArn)";
  return '';
}
