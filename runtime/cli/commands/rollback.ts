/**
 * `sir rollback --store DIR [--json]`: makes the previously live version live again. "Previously
 * live" is read from the store's HISTORY: the version that was live just before the current one
 * became live; so rolling back twice returns to where you started.
 *
 * `sir rollback --stack NAME [--to VERSION]`: the same, run on the stack's loader through SSM, in
 * the bucket of an s3 stack, or by moving the `live` alias of a bundled stack's search function
 * (runtime/upload/).
 */
import { CliError, type CliIO, type Command, givenFlags, parseFlags } from '../command.js';
import { STACK_FLAGS_HELP, STACK_FLAG_OPTIONS, stackFromFlags } from '../stack-flags.js';
import { openStoreFlag } from '../store-flag.js';
import { rollbackBundled, runAgent } from '../../upload/index.js';

export const rollbackCommand: Command = {
  help: `Usage: sir rollback --store DIR [--json]
       sir rollback --stack NAME [--to VERSION] [--outputs FILE] [--json]

Makes the version that was live before the current one live again, after verifying its
checksums and that it opens as an index, by atomically replacing DIR/CURRENT. "Before" follows the store's activation history
(DIR/HISTORY), not creation time: rolling back twice returns to where you started. Fails,
changing nothing, if there is no earlier version or if it no longer passes its checksums.
With --stack, the rollback runs on the stack's loader instance through SSM Run Command (an efs
stack; the loader must be on), or directly in the bucket of an s3 stack, whose CURRENT records the
version live before it. On a bundled stack it moves the search function's "live" alias back to
the function version it replaced (which the alias records), or with --to to the newest function
version carrying that index version id (or that function version number); requests in flight
finish on the version they started on.

Options:
  --store DIR            the index store folder
${STACK_FLAGS_HELP}
  --to VERSION           bundled stacks: the index version id (or function version) to make live
  --json                 print the result as JSON
  -h, --help             show this help

Example:
  sir rollback --store ./store      # or, on the loader in AWS: sir rollback --stack dev
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        store: { type: 'string' },
        ...STACK_FLAG_OPTIONS,
        to: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    const stackFlags = givenFlags(STACK_FLAG_OPTIONS, values);
    if (values.store !== undefined && stackFlags.length > 0) {
      throw new CliError(
        `give either --store DIR (a store on this machine) or --stack NAME (the loader in AWS), not both`,
        2,
      );
    }
    if (values.to !== undefined && values.to === '')
      throw new CliError('--to needs a version id (see sir versions --stack NAME)', 2);
    if (stackFlags.length > 0) {
      const stack = await stackFromFlags(values);
      if (values.to !== undefined && stack.storage !== 'bundled')
        throw new CliError(
          `--to applies to bundled stacks; stack ${stack.target.stack} is an ${stack.storage} stack, whose rollback goes to the version live before the current one`,
          2,
        );
      let version: string;
      let previous: string | null | undefined;
      let functionVersion: string | undefined;
      if (stack.storage === 'bundled') {
        io.stderr.write(
          `moving the live alias of Lambda function ${stack.function.functionName}\n`,
        );
        const r = await rollbackBundled(stack.function, values.to);
        ({ version, previous, functionVersion } = r);
        io.stderr.write(
          `the live alias names function version ${r.functionVersion}${r.previousFunctionVersion ? ` (was ${r.previousFunctionVersion})` : ''}\n`,
        );
      } else if (stack.storage === 's3') {
        io.stderr.write(`rolling back in ${stack.store.location}\n`);
        ({ version, previous } = await stack.store.rollback());
      } else {
        io.stderr.write(`rolling back on ${stack.transport.description}\n`);
        ({ version, previous } = (
          await runAgent(stack.transport, { args: ['rollback'], comment: 'sir rollback' }, (line) =>
            io.stderr.write(`loader: ${line}\n`),
          )
        ).agent);
      }
      if (values.json)
        io.stdout.write(
          `${JSON.stringify({ stack: stack.target.stack, version, previous: previous ?? null, ...(functionVersion !== undefined ? { functionVersion } : {}) }, null, 2)}\n`,
        );
      else
        io.stdout.write(
          `rolled back on stack ${stack.target.stack}: ${version} is live again (${previous ? `was ${previous}` : 'it already was'})\n`,
        );
      return 0;
    }
    if (values.to !== undefined)
      throw new CliError('--to applies to --stack NAME on a bundled stack', 2);
    const store = openStoreFlag(values.store, io);
    const result = await store.rollback();
    if (values.json) {
      io.stdout.write(
        `${JSON.stringify({ version: result.version, previous: result.previous ?? null }, null, 2)}\n`,
      );
      return 0;
    }
    io.stdout.write(`rolled back: ${result.version} is live again (was ${result.previous})\n`);
    return 0;
  },
};

export default rollbackCommand;
