/**
 * `sir`: the command-line entry. Dispatches to one `Command` per subcommand and turns errors into
 * exit codes in one place (`toCliError`): a failure prints `sir NAME: message` on one line
 * (2 = bad usage, 1 = bad input or failure); anything else is a bug and prints its stack.
 */
import type { CliIO, Command } from './command.js';
import { toCliError } from './errors.js';

/**
 * Each subcommand's word and `sir --help` line. Its module is imported only when it runs or shows
 * its help: `sir index` does not wait for the server's, the store's or the AWS SDK's imports
 * (the whole table took 600 ms to import, `sir index` alone 150).
 */
const COMMANDS: readonly { name: string; summary: string; load(): Promise<Command> }[] = [
  {
    name: 'index',
    summary: 'Build an index from a JSONL corpus',
    load: async () => (await import('./commands/index.js')).indexCommand,
  },
  {
    name: 'search',
    summary: 'Search an index from the command line',
    load: async () => (await import('./commands/search.js')).searchCommand,
  },
  {
    name: 'analyze',
    summary: "Show how an index's analyzer turns text into the terms it indexes and searches",
    load: async () => (await import('./commands/analyze.js')).analyzeCommand,
  },
  {
    name: 'run',
    summary: 'Run a query set and write a TREC run file',
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  {
    name: 'eval',
    summary: 'Evaluate a ranker against relevance judgements (nDCG@10, MAP, P@10, R@k, MRR)',
    load: async () => (await import('./commands/eval.js')).evalCommand,
  },
  {
    name: 'publish',
    summary: 'Publish a built index as a new store version and make it live',
    load: async () => (await import('./commands/publish.js')).publishCommand,
  },
  {
    name: 'versions',
    summary: 'List the index versions in a store and show which one is live',
    load: async () => (await import('./commands/versions.js')).versionsCommand,
  },
  {
    name: 'cost',
    summary: 'Model the monthly cost of each storage tier (bundled, s3, efs) for an index',
    load: async () => (await import('./commands/cost.js')).costCommand,
  },
  {
    name: 'rollback',
    summary: 'Make the previously live index version live again',
    load: async () => (await import('./commands/rollback.js')).rollbackCommand,
  },
  {
    name: 'serve',
    summary: 'Serve the search API, docs and search page for an index or a store',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  {
    name: 'demo',
    summary: 'Build (first run) and serve a demo index of the State of the Union addresses',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  {
    name: 'upload',
    summary: 'Upload an index version to a stack through its loader and make it live',
    load: async () => (await import('./commands/upload.js')).uploadCommand,
  },
  {
    name: 'loader-agent',
    summary: 'On the loader: publish a staged version onto the store, or roll back',
    load: async () => (await import('./commands/loader-agent.js')).loaderAgentCommand,
  },
  {
    name: 'jobs',
    summary: 'Submit, follow, list and retry pipeline jobs (parallel builds, evaluations)',
    load: async () => (await import('./commands/jobs.js')).jobsCommand,
  },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: sir COMMAND [options]   (sir COMMAND --help for its options)

serverless-ir: full-text search with a Rust/WebAssembly engine, on a laptop or on AWS Lambda.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
`;
}

export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`sir: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const failure = toCliError(err);
    if (failure === undefined) throw err;
    io.stderr.write(`sir ${name}: ${failure.message}\n`);
    return failure.exitCode;
  }
}
