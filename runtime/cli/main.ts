/**
 * `sir`: the command-line entry. Dispatches to one `Command` per subcommand and turns errors into
 * exit codes in one place (`toCliError`): a failure prints `sir NAME: message` on one line
 * (2 = bad usage, 1 = bad input or failure); anything else is a bug and prints its stack.
 */
import type { CliIO, Command } from './command.js';
import { toCliError } from './errors.js';
import { indexCommand } from './commands/index.js';
import { searchCommand } from './commands/search.js';
import { analyzeCommand } from './commands/analyze.js';
import { runCommand } from './commands/run.js';
import { evalCommand } from './commands/eval.js';
import { publishCommand } from './commands/publish.js';
import { versionsCommand } from './commands/versions.js';
import { rollbackCommand } from './commands/rollback.js';
import { serveCommand } from './commands/serve.js';
import { demoCommand } from './commands/demo.js';
import { uploadCommand } from './commands/upload.js';
import { loaderAgentCommand } from './commands/loader-agent.js';
import { jobsCommand } from './commands/jobs.js';

export const COMMANDS: readonly Command[] = [
  indexCommand,
  searchCommand,
  analyzeCommand,
  runCommand,
  evalCommand,
  publishCommand,
  versionsCommand,
  rollbackCommand,
  serveCommand,
  demoCommand,
  uploadCommand,
  loaderAgentCommand,
  jobsCommand,
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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`sir: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const failure = toCliError(err);
    if (failure === undefined) throw err;
    io.stderr.write(`sir ${command.name}: ${failure.message}\n`);
    return failure.exitCode;
  }
}
