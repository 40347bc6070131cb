/**
 * The local event-source mapping and execution environments behave like Lambda's: batches of SQS
 * records in Lambda's shape, partial batch responses, redelivery with growing receive counts,
 * dead-letter queues by redrive policy, timeouts and crashed environments failing the batch.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { makeSqsClient, type SqsEvent } from '../../runtime/jobs/index.js';
import { EventSourceMapping, failedIds } from '../../runtime/local/event-source.js';
import { ExecutionEnvironments, InProcessFunction } from '../../runtime/local/environments.js';
import { type LocalAws, startLocalAws } from '../../runtime/local/local-aws.js';

const PROBE = fileURLToPath(new URL('./fixtures/probe-handler.ts', import.meta.url));
const msgs = (...ids: string[]) => ids.map((MessageId) => ({ MessageId }) as Message);
const until = async (check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('local event-source mapping', () => {
  it("reads partial batch responses with Lambda's rules", () => {
    const batch = msgs('a', 'b', 'c');
    assert.deepEqual([...failedIds(undefined, batch)], []);
    assert.deepEqual([...failedIds(null, batch)], []);
    assert.deepEqual([...failedIds({}, batch)], []);
    assert.deepEqual([...failedIds({ batchItemFailures: [] }, batch)], []);
    assert.deepEqual(
      [...failedIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)],
      ['b'],
    );
    // Anything malformed fails the whole batch.
    for (const bad of [
      'nonsense',
      { batchItemFailures: 'b' },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: [{ id: 'b' }] },
      { batchItemFailures: [{ itemIdentifier: 'zzz' }] },
    ])
      assert.deepEqual([...failedIds(bad, batch)].sort(), ['a', 'b', 'c'], JSON.stringify(bad));
  });

  describe('on fauxqs', () => {
    let aws: LocalAws;
    let sqs: SQSClient;
    before(async () => {
      aws = await startLocalAws();
      sqs = makeSqsClient(aws.region, aws.endpoint);
    });
    after(() => aws.close());

    async function queueWithDlq(name: string, maxReceiveCount: number, visibility: number) {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
      const arn = async (url: string) =>
        (
          await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
          )
        ).Attributes!.QueueArn!;
      const q = await sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(visibility),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: await arn(dlq.QueueUrl!),
              maxReceiveCount,
            }),
          },
        }),
      );
      return { url: q.QueueUrl!, arn: await arn(q.QueueUrl!), dlq: dlq.QueueUrl! };
    }
    const depth = async (url: string) => {
      const a = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))
      ).Attributes!;
      return (
        Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible)
      );
    };

    it('delivers Lambda-shaped records, deletes successes, redelivers failures, dead-letters them', async () => {
      const q = await queueWithDlq('esm-partial', 3, 1);
      const seen: Array<{ body: string; count: string }> = [];
      let shape: SqsEvent['Records'][number] | undefined;
      const invoker = new InProcessFunction('probe', async (event) => {
        shape ??= event.Records[0];
        for (const r of event.Records)
          seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
        return {
          batchItemFailures: event.Records.filter((r) => r.body === 'fail').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      });
      for (const body of ['ok-1', 'fail', 'ok-2'])
        await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
      const esm = new EventSourceMapping({
        sqs,
        queueUrl: q.url,
        queueArn: q.arn,
        region: aws.region,
        batchSize: 10,
        maxConcurrency: 1,
        invoker,
      }).start();
      try {
        await until(async () => (await depth(q.dlq)) === 1);
        assert.equal(await depth(q.url), 0);
      } finally {
        await esm.stop();
      }
      assert.deepEqual(
        seen.filter((s) => s.body === 'fail').map((s) => s.count),
        ['1', '2', '3'],
        'redelivered with a growing receive count, then moved to the DLQ on the 4th receive',
      );
      assert.equal(
        seen.filter((s) => s.body.startsWith('ok')).length,
        2,
        'successes delivered once',
      );
      assert.equal(shape!.eventSource, 'aws:sqs');
      assert.equal(shape!.eventSourceARN, q.arn);
      assert.equal(shape!.awsRegion, aws.region);
      assert.match(shape!.md5OfBody, /^[0-9a-f]{32}$/);
      assert.match(shape!.attributes.SentTimestamp, /^\d+$/);
      assert.equal(typeof shape!.receiptHandle, 'string');
    });

    it('a thrown invocation fails the whole batch; it comes back after the visibility timeout', async () => {
      const q = await queueWithDlq('esm-throw', 5, 1);
      let calls = 0;
      const invoker = new InProcessFunction('probe', async () => {
        calls++;
        if (calls === 1) throw new Error('first invocation fails');
        return {};
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'x' }));
      const started = Date.now();
      const esm = new EventSourceMapping({
        sqs,
        queueUrl: q.url,
        queueArn: q.arn,
        region: aws.region,
        batchSize: 1,
        maxConcurrency: 1,
        invoker,
      }).start();
      try {
        await until(async () => (await depth(q.url)) === 0 && calls === 2);
      } finally {
        await esm.stop();
      }
      assert.ok(Date.now() - started >= 900, 'redelivered only after the visibility timeout');
      assert.equal(esm.stats.failedInvocations, 1);
    });
  });

  describe('execution environments', () => {
    const event = (...bodies: string[]): SqsEvent =>
      ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body })) }) as unknown as SqsEvent;
    let envs: ExecutionEnvironments;
    afterEach(() => envs?.close());

    it('reuses a warm environment, passes its environment variables, reports failures', async () => {
      envs = new ExecutionEnvironments({
        name: 'probe',
        module: PROBE,
        env: { PROBE_ENV: 'yes' },
        size: 1,
        timeoutSeconds: 20,
        output: () => {},
      });
      const a = (await envs.invoke(event('echo'))) as { pid: number; served: number; env: string };
      const b = (await envs.invoke(event('echo', 'fail'))) as {
        pid: number;
        served: number;
        batchItemFailures: unknown[];
      };
      assert.equal(b.pid, a.pid);
      assert.deepEqual([a.served, b.served], [1, 2]);
      assert.equal(a.env, 'yes');
      assert.deepEqual(b.batchItemFailures, [{ itemIdentifier: 'm1' }]);
      await assert.rejects(envs.invoke(event('throw')), /thrown on purpose/);
    });

    it('a timed-out invocation kills its environment; a dead one is replaced', async () => {
      envs = new ExecutionEnvironments({
        name: 'probe',
        module: PROBE,
        env: {},
        size: 1,
        timeoutSeconds: 5,
        output: () => {},
      });
      const first = (await envs.invoke(event('echo'))) as { pid: number };
      await assert.rejects(envs.invoke(event('sleep:30000')), /Task timed out after 5 seconds/);
      const second = (await envs.invoke(event('echo'))) as { pid: number; served: number };
      assert.notEqual(second.pid, first.pid);
      assert.equal(second.served, 1, 'a fresh (cold) environment');
      await assert.rejects(envs.invoke(event('exit')), /execution environment stopped/);
      const pending = envs.invoke(event('sleep:20000'));
      await until(() => envs.busyPids().length === 1);
      process.kill(envs.busyPids()[0]!, 'SIGKILL');
      await assert.rejects(pending, /(stopped|exited on start) \(SIGKILL\)/);
      assert.ok(((await envs.invoke(event('echo'))) as { pid: number }).pid > 0);
    });
  });
});
