/**
 * One local Lambda execution environment (a child process of `ExecutionEnvironments`): imports one
 * handler module — a pipeline function's Lambda entry, from source or the built bundle — and runs
 * one invocation at a time, received over IPC, answering with the handler's result or its error.
 * Like Lambda, it keeps module state (warm caches) between invocations.
 */
interface Invocation {
  id: number;
  event: unknown;
  deadlineMs: number;
  functionName: string;
}

const modulePath = process.argv[2];
if (!modulePath || !process.send) {
  process.stderr.write('environment-main: run by ExecutionEnvironments with the handler module\n');
  process.exit(2);
}
const { handler } = (await import(modulePath)) as {
  handler: (event: unknown, context: object) => Promise<unknown>;
};

process.on('message', async (m: Invocation) => {
  const context = {
    functionName: m.functionName,
    awsRequestId: `local-${process.pid}-${m.id}`,
    getRemainingTimeInMillis: () => Math.max(0, m.deadlineMs - Date.now()),
  };
  try {
    const result = await handler(m.event, context);
    process.send!({ id: m.id, result: result ?? null });
  } catch (err) {
    process.send!({
      id: m.id,
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
});
process.send({ ready: true });
