/**
 * `sir jobs submit|status|list|retry`: the job pipeline from the command line, against a local
 * server (`--api URL`) or a deployed stack (`--stack NAME`). It only translates: flags into a job
 * request, calls on a `JobsApi` (runtime/jobs/), and prints.
 */
import { existsSync } from 'node:fs';
import {
  BUILD_INDEX,
  DEFAULT_CHUNK_MB,
  EVALUATE,
  type EvaluateResult,
  type JobStatusView,
  MAX_CHUNK_MB,
  type PolicySpec,
  isStoreIndexName,
} from '../../jobs/index.js';
import { BUILD_FLAG_OPTIONS, type BuildFlagValues, buildOptionsFromFlags } from '../build-flags.js';
import { CliError, type CliIO, type Command, numberFlag, parseFlags } from '../command.js';
import {
  CLI_RESOLVE_WAIT_MS,
  TARGET_FLAGS_HELP,
  TARGET_FLAG_OPTIONS,
  resolveJobsTarget,
} from '../jobs-target.js';
import { describeJob, watchJob } from '../jobs-report.js';
import {
  EVAL_JOB_FLAGS_HELP,
  EVAL_JOB_FLAG_OPTIONS,
  evalRequestFromFlags,
} from '../eval-job-flags.js';
import { saveEvaluation } from '../evaluate-files.js';
import { formatEvaluation } from '../evaluate-report.js';

const HELP = `Usage: sir jobs submit build --corpus FILE|URL [options] (--api URL | --stack NAME)
       sir jobs submit eval --index WHICH --queries Q --qrels QRELS --run "RANKER P=V,..." ...
       sir jobs status ID [--watch] [--json] [--out DIR] (--api URL | --stack NAME)
       sir jobs list [--limit N] [--json] (--api URL | --stack NAME)
       sir jobs retry ID [--watch] [--json] (--api URL | --stack NAME)

Job requests fanned out over SQS to worker functions and combined by a reduce step. A job's id
comes from its request and the content of its inputs: the same request again is the same job,
and does no new work.

submit build: builds an index from a JSONL corpus in parallel (chunks of --chunk-mb, one worker
task each, merged in corpus order: the same index \`sir index\` builds) and publishes it as the
store's new live version. With --stack, a local FILE is first staged in the stack's staging bucket
(progress bar, resumable); with --api it is read in place (file://, under the server's --inputs).

submit eval: evaluates rankers over parameter grids on judged queries, one worker task per
configuration and query shard (cells are cached across jobs: a grid extended by one value runs
only the new cells), and answers with a table of every configuration's measures, paired t-test
and randomisation test p-values against the baseline (Holm-Bonferroni-corrected), wins/losses,
the best configuration per ranker, and tuning without peeking when asked. Local files are staged
(--stack) or read in place (--api) like --corpus.

Submit options:
  --corpus FILE|URL      the corpus (a local file, s3://BUCKET/KEY, or file:///PATH)
  --chunk-mb N           MiB of corpus per task (default ${DEFAULT_CHUNK_MB}; 1 to ${MAX_CHUNK_MB})
  --fields LIST          corpus keys to index, comma-separated (default title,text)
  --field-mode MODE      combined (default) or separate
  --stemmer NAME         porter (default) or none
  --stopwords WHICH      lucene (default), none, or a file with one word per line
  --norms HOW            exact (default) or lucene (Lucene's lengths and query-term weights)
  --skip-bad             skip malformed lines (reported) instead of failing the job
  --no-publish           keep the built index in the results bucket instead of publishing it
  --policy POLICY        AlwaysOne, StaticProportional:M (one worker per M tasks; default
                         StaticProportional:1, all at once) or QueueDepth:B (keep the shared
                         task queue under B waiting messages)
${EVAL_JOB_FLAGS_HELP}
Common options:
  --watch                follow the job with a progress bar of its tasks until it ends
                         (exit code 1 if it failed)
  --json                 print the job (or the list) as JSON on stdout
  --out DIR              status of an evaluation: also save result.json, per-query.jsonl,
                         runs/*.trec and figures/*.svg in DIR
  --limit N              list: how many jobs, newest first (default 20)
${TARGET_FLAGS_HELP}
  -h, --help             show this help

Examples:
  sir jobs submit build --corpus corpus.jsonl --chunk-mb 16 --watch --api http://127.0.0.1:8787
  sir jobs submit build --corpus corpus.jsonl --policy StaticProportional:4 --stack dev
  sir jobs submit eval --index live --queries queries.jsonl --qrels test.tsv \\
      --run "bm25 k1=0.9,1.2 b=0.4,0.75" --run "dirichlet mu=500,2000" --watch --api http://127.0.0.1:8787
  sir jobs status build-0123456789abcdef01234567 --watch --stack dev
  sir jobs retry build-0123456789abcdef01234567 --watch --stack dev
`;

const KIND_WORDS: Record<string, string> = { build: BUILD_INDEX, eval: EVALUATE };

/** The job, and an evaluation's table after it. */
function describe(job: JobStatusView): string {
  const result = job.result as unknown as EvaluateResult | null;
  return (
    describeJob(job) +
    (job.status === 'succeeded' && result?.kind === EVALUATE ? `\n${formatEvaluation(result)}` : '')
  );
}

export function parsePolicy(value: string): PolicySpec {
  const [name, arg, ...rest] = value.split(':');
  const count = (what: string) => {
    if (arg === undefined || rest.length > 0 || !/^\d+$/.test(arg) || Number(arg) < 1)
      throw new CliError(
        `--policy ${name} takes ${what} as a whole number ≥ 1, e.g. ${name}:4; got "${value}"`,
        2,
      );
    return Number(arg);
  };
  if (name === 'AlwaysOne' && arg === undefined) return { name: 'AlwaysOne' };
  if (name === 'StaticProportional') return { name, m: count('M (tasks per worker)') };
  if (name === 'QueueDepth') return { name, backlog: count('B (waiting messages)') };
  throw new CliError(
    `--policy must be AlwaysOne, StaticProportional:M or QueueDepth:B, got "${value}"`,
    2,
  );
}

export const jobsCommand: Command = {
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAG_OPTIONS,
      ...BUILD_FLAG_OPTIONS,
      ...EVAL_JOB_FLAG_OPTIONS,
      out: { type: 'string' },
      corpus: { type: 'string' },
      'chunk-mb': { type: 'string' },
      'no-publish': { type: 'boolean' },
      policy: { type: 'string' },
      watch: { type: 'boolean' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
    });
    const [action, ...args] = positionals;
    const usage = (message: string) => new CliError(message, 2);
    const expectArgs = (count: number, what: string) => {
      if (args.length !== count)
        throw usage(
          `jobs ${action} takes ${what}; got ${args.length ? args.join(' ') : 'nothing'}`,
        );
    };
    const given = (keys: string[]) =>
      keys.filter((k) => values[k as keyof typeof values] !== undefined);
    const buildOnly = given([
      'corpus',
      'chunk-mb',
      'no-publish',
      ...Object.keys(BUILD_FLAG_OPTIONS),
    ]);
    const evalOnly = given(Object.keys(EVAL_JOB_FLAG_OPTIONS));
    const submitOnly = [...buildOnly, ...evalOnly, ...given(['policy'])];
    if (action !== 'submit' && submitOnly.length > 0)
      throw usage(`${submitOnly.map((k) => `--${k}`).join(', ')} go with jobs submit`);
    if (action !== 'status' && values.out !== undefined) throw usage('--out goes with jobs status');
    if (action !== 'list' && values.limit !== undefined) throw usage('--limit goes with jobs list');
    if (values['memory-mb'] !== undefined)
      throw usage(
        '--memory-mb is not a job option: a worker builds with the memory its function has',
      );

    const print = (job: unknown, human: string) =>
      io.stdout.write(values.json ? `${JSON.stringify(job, null, 2)}\n` : human);
    const finish = async (
      api: Awaited<ReturnType<typeof resolveJobsTarget>>['api'],
      id: string,
      retriesAbove?: number,
    ) => {
      const job = await watchJob(api, id, io, retriesAbove !== undefined ? { retriesAbove } : {});
      print(job, describe(job));
      return job.status === 'succeeded' ? 0 : 1;
    };
    const submitted = async (
      target: Awaited<ReturnType<typeof resolveJobsTarget>>,
      request: object,
    ) => {
      const index = (request as { index?: unknown }).index;
      if (target.resolvesThroughReduce && typeof index === 'string' && isStoreIndexName(index))
        io.stderr.write(
          `asking ${target.description}'s reduce function, which mounts the store on EFS, which version "${index}" is (it copies the index out for the workers once per version: up to ${CLI_RESOLVE_WAIT_MS / 60_000} minutes)\n`,
        );
      const { created, job } = await target.api.submit(request);
      io.stderr.write(
        created
          ? `submitted job ${job.id} (${job.kind}, ${job.tasks.total} task(s)) on ${target.description}\n`
          : `already submitted: job ${job.id} is ${job.status} (the same request over the same input is the same job)\n`,
      );
      if (values.watch) return finish(target.api, job.id);
      print(job, describe(job));
      return 0;
    };

    switch (action) {
      case 'submit': {
        expectArgs(1, 'the kind of job: build or eval');
        const kind = KIND_WORDS[args[0]!];
        if (kind === undefined)
          throw usage(`unknown job kind "${args[0]}"; expected build or eval`);
        if (kind === EVALUATE) {
          if (buildOnly.length > 0)
            throw usage(`${buildOnly.map((k) => `--${k}`).join(', ')} go with submit build`);
          const target = await resolveJobsTarget(values);
          const request = {
            ...(await evalRequestFromFlags(
              values,
              (file) => target.inputUrl(file, io),
              (dir) => target.indexUrl(dir, io),
            )),
            ...(values.policy !== undefined ? { policy: parsePolicy(values.policy) } : {}),
          };
          return submitted(target, request);
        }
        if (evalOnly.length > 0)
          throw usage(`${evalOnly.map((k) => `--${k}`).join(', ')} go with submit eval`);
        if (values.corpus === undefined) throw usage('--corpus FILE|URL is required');
        if (!/^[a-z0-9+.-]+:\/\//i.test(values.corpus) && !existsSync(values.corpus))
          throw new CliError(`--corpus ${values.corpus} does not exist`);
        const request = {
          kind,
          corpus: '',
          ...(values['chunk-mb'] !== undefined
            ? {
                chunkMb: numberFlag(values['chunk-mb'], 'chunk-mb', DEFAULT_CHUNK_MB, {
                  min: 1,
                  max: MAX_CHUNK_MB,
                  integer: true,
                }),
              }
            : {}),
          ...analyzerOf(values),
          ...(values['no-publish'] ? { publish: false } : {}),
          ...(values.policy !== undefined ? { policy: parsePolicy(values.policy) } : {}),
        };
        const target = await resolveJobsTarget(values);
        request.corpus = await target.inputUrl(values.corpus, io);
        return submitted(target, request);
      }
      case 'status': {
        expectArgs(1, 'a job id');
        const target = await resolveJobsTarget(values);
        if (values.watch && values.out !== undefined)
          throw usage('--out saves a finished evaluation; use it without --watch');
        if (values.watch) return finish(target.api, args[0]!);
        const job = await target.api.get(args[0]!);
        if (values.out !== undefined) {
          const result = job.result as unknown as EvaluateResult | null;
          if (job.status !== 'succeeded' || result?.kind !== EVALUATE)
            throw new CliError(
              `--out saves a succeeded evaluation's files; job ${job.id} is a ${job.kind} job, ${job.status}`,
            );
          const count = await saveEvaluation(target.api, job.id, result, values.out);
          io.stderr.write(`saved ${count} files in ${values.out}\n`);
        }
        print(job, describe(job));
        return 0;
      }
      case 'list': {
        expectArgs(0, 'no arguments');
        const limit = numberFlag(values.limit, 'limit', 20, { min: 1, max: 100, integer: true });
        const target = await resolveJobsTarget(values);
        const jobs = await target.api.list(limit);
        print(
          { jobs },
          jobs.length === 0
            ? `no jobs on ${target.description}\n`
            : jobs
                .map(
                  (j) =>
                    `${j.id}  ${j.status.padEnd(9)}  ${j.tasks.done}/${j.tasks.total} tasks  ${j.submittedAt}  ${j.inputs[0]?.url ?? ''}`,
                )
                .join('\n') + '\n',
        );
        return 0;
      }
      case 'retry': {
        expectArgs(1, 'a job id');
        const target = await resolveJobsTarget(values);
        const { job, retriedAs } = await target.api.retry(args[0]!);
        io.stderr.write(
          retriedAs
            ? `the input changed since job ${args[0]} was submitted: retrying as job ${retriedAs} (chunks left unchanged are reused)\n`
            : `retrying the failed part of job ${job.id}\n`,
        );
        if (values.watch) return finish(target.api, job.id, retriedAs ? undefined : job.retries);
        print(job, describe(job));
        return 0;
      }
      default:
        throw usage(
          action === undefined
            ? 'give an action: submit, status, list or retry (sir jobs --help)'
            : `unknown action "${action}"; expected submit, status, list or retry`,
        );
    }
  },
};

/** The analyzer flags as a request's `analyzer` and `skipBad` (shared flag parsing with sir index). */
function analyzerOf(values: BuildFlagValues): { analyzer?: object; skipBad?: true } {
  const { skipBad, memoryBudgetMb: _memory, ...analyzer } = buildOptionsFromFlags(values);
  return {
    ...(Object.keys(analyzer).length > 0 ? { analyzer } : {}),
    ...(skipBad ? { skipBad: true } : {}),
  };
}
