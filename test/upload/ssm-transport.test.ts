/**
 * SsmTransport with a fake SSM client: the exact SendCommand request, status polling through
 * Pending/InProgress/Delayed to each final status, output streamed as it grows, and retries of
 * throttling and InvocationDoesNotExist — without waiting in real time (injected clock and sleep).
 */
import assert from 'node:assert/strict';
import { GetCommandInvocationCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import {
  SsmTransport,
  UploadError,
  agentShellCommand,
  type LoaderCommand,
  type LoaderTransport,
} from '../../runtime/upload/index.js';

/** Starts `command` and waits for it: the transport interface, without reading an agent result. */
async function startAndWait(
  transport: LoaderTransport,
  command: LoaderCommand,
  onOutput?: Parameters<LoaderTransport['wait']>[1],
) {
  return transport.wait(await transport.start(command), onOutput);
}

type Step = { error: string } | { Status: string; out?: string; err?: string; code?: number };

function awsError(name: string): Error {
  const e = new Error(`${name}: simulated`);
  e.name = name;
  return e;
}

/** A fake SSMClient: SendCommand answers `sendSteps` in turn, GetCommandInvocation `steps` in turn. */
function fakeSsm(steps: Step[], sendSteps: Array<{ error: string } | 'ok'> = ['ok']) {
  const calls: Array<{ name: string; input: unknown }> = [];
  const client = {
    async send(command: unknown) {
      if (command instanceof SendCommandCommand) {
        calls.push({ name: 'SendCommand', input: command.input });
        const step = sendSteps.shift() ?? 'ok';
        if (step !== 'ok') throw awsError(step.error);
        return { Command: { CommandId: 'cmd-123' } };
      }
      if (command instanceof GetCommandInvocationCommand) {
        calls.push({ name: 'GetCommandInvocation', input: command.input });
        const step = steps.length > 1 ? steps.shift()! : steps[0]!;
        if ('error' in step) throw awsError(step.error);
        return {
          Status: step.Status,
          StandardOutputContent: step.out ?? '',
          StandardErrorContent: step.err ?? '',
          ResponseCode: step.code ?? -1,
        };
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  let clock = 0;
  const sleeps: number[] = [];
  const transport = new SsmTransport({
    client: client as never,
    instanceId: 'i-0abc',
    region: 'eu-west-1',
    executionTimeoutSeconds: 900,
    pollMs: 1000,
    maxPollMs: 8000,
    waitMs: 60_000,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
  return { transport, calls, sleeps };
}

const publish = {
  args: ['publish', '--version', 'up-0123456789abcdef'],
  comment: 'sir upload: publish up-0123456789abcdef',
};

describe('upload: SSM transport', () => {
  it('sends exactly one AWS-RunShellScript command to the loader instance', async () => {
    const { transport, calls } = fakeSsm([{ Status: 'Success', out: 'done\n', code: 0 }]);
    await startAndWait(transport, publish);
    assert.deepEqual(calls[0], {
      name: 'SendCommand',
      input: {
        InstanceIds: ['i-0abc'],
        DocumentName: 'AWS-RunShellScript',
        Comment: 'sir upload: publish up-0123456789abcdef',
        TimeoutSeconds: 600,
        Parameters: {
          commands: [agentShellCommand(['publish', '--version', 'up-0123456789abcdef'])],
          executionTimeout: ['900'],
        },
      },
    });
    assert.deepEqual(calls[1], {
      name: 'GetCommandInvocation',
      input: { CommandId: 'cmd-123', InstanceId: 'i-0abc' },
    });
  });

  it('polls Pending → InProgress → Delayed → InProgress → Success, streaming only new output', async () => {
    const { transport, sleeps } = fakeSsm([
      { Status: 'Pending' },
      { Status: 'InProgress', out: 'reading\n' },
      { Status: 'Delayed', out: 'reading\n' },
      { Status: 'InProgress', out: 'reading\ndownloading\n', err: 'warn\n' },
      {
        Status: 'Success',
        out: 'reading\ndownloading\n{"sirLoaderAgent":1}\n',
        err: 'warn\n',
        code: 0,
      },
    ]);
    const chunks: string[] = [];
    const result = await startAndWait(transport, publish, (chunk, stream) =>
      chunks.push(`${stream}:${chunk}`),
    );
    assert.equal(result.status, 'Success');
    assert.equal(result.exitCode, 0);
    assert.deepEqual(chunks, [
      'stdout:reading\n',
      'stdout:downloading\n',
      'stderr:warn\n',
      'stdout:{"sirLoaderAgent":1}\n',
    ]);
    assert.deepEqual(sleeps, [1000, 1000, 1000, 1000]);
  });

  it('backs off (doubling, capped) while nothing changes and polls fast again when output arrives', async () => {
    const quiet = Array.from({ length: 6 }, () => ({ Status: 'InProgress' }));
    const { transport, sleeps } = fakeSsm([
      ...quiet,
      { Status: 'InProgress', out: 'x\n' },
      { Status: 'Success', out: 'x\n', code: 0 },
    ]);
    await startAndWait(transport, publish);
    assert.deepEqual(sleeps, [1000, 2000, 4000, 8000, 8000, 8000, 1000]);
  });

  for (const status of ['Failed', 'TimedOut', 'Cancelled'] as const) {
    it(`returns the final status ${status} with the output`, async () => {
      const { transport } = fakeSsm([
        { Status: 'InProgress' },
        { Status: 'Cancelling' },
        { Status: status, err: 'sir loader-agent: boom\n', code: status === 'Failed' ? 1 : -1 },
      ]);
      const result = await startAndWait(transport, publish);
      assert.equal(result.status, status);
      assert.equal(result.errorOutput, 'sir loader-agent: boom\n');
      assert.equal(result.exitCode, status === 'Failed' ? 1 : undefined);
    });
  }

  it('retries InvocationDoesNotExist and throttling with exponential backoff', async () => {
    const { transport, sleeps, calls } = fakeSsm(
      [
        { error: 'InvocationDoesNotExist' },
        { error: 'ThrottlingException' },
        { error: 'ThrottlingException' },
        { Status: 'Success', code: 0 },
      ],
      [{ error: 'ThrottlingException' }, 'ok'],
    );
    const result = await startAndWait(transport, publish);
    assert.equal(result.status, 'Success');
    assert.equal(calls.filter((c) => c.name === 'SendCommand').length, 2);
    assert.deepEqual(sleeps, [1000, 1000, 2000, 4000]);
  });

  it('gives up on throttling at the deadline with a sentence naming the call and how to follow', async () => {
    const { transport } = fakeSsm([{ error: 'ThrottlingException' }]);
    await assert.rejects(startAndWait(transport, publish), (err: unknown) => {
      assert.ok(err instanceof UploadError);
      assert.match(
        err.message,
        /SSM GetCommandInvocation on i-0abc failed after \d+ attempts: ThrottlingException/,
      );
      return true;
    });
  });

  it('does not retry other errors, and explains an unknown instance', async () => {
    const { transport, calls } = fakeSsm([], [{ error: 'InvalidInstanceId' }]);
    await assert.rejects(
      transport.start(publish),
      /InvalidInstanceId.*not running or not registered with SSM/,
    );
    assert.equal(calls.length, 1);
  });

  it('points a caller without permission at the stack upload policy', async () => {
    const { transport, calls } = fakeSsm([], [{ error: 'AccessDeniedException' }]);
    await assert.rejects(
      transport.start(publish),
      /AccessDeniedException.*attach the stack's upload policy \(pulumi stack output uploadPolicyArn\)/,
    );
    assert.equal(calls.length, 1);
  });

  it('stops waiting after waitMs while the command is still running, naming how to follow it', async () => {
    const { transport } = fakeSsm([{ Status: 'InProgress' }]);
    await assert.rejects(
      startAndWait(transport, publish),
      /did not finish within 60 s; it may still be running: aws ssm get-command-invocation --region eu-west-1 --command-id cmd-123 --instance-id i-0abc/,
    );
  });

  it('runs /usr/local/bin/sir by absolute path, after the bootstrap check', () => {
    const script = agentShellCommand(['publish', '--version', 'up-1']);
    assert.equal(
      script.split('\n').at(-1),
      '/usr/local/bin/sir loader-agent publish --version up-1',
    );
  });
});
