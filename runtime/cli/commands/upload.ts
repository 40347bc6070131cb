/**
 * `sir upload --stack NAME (--index DIR | --corpus FILE [analyzer options])`: stages a new index
 * version in the stack's staging bucket and publishes it on EFS through the loader, straight into
 * the bucket of an s3 stack, or as a new function version of a bundled stack (runtime/upload/).
 */
import { existsSync, statSync } from 'node:fs';
import {
  CliError,
  type CliIO,
  type Command,
  givenFlags,
  numberFlag,
  parseFlags,
} from '../command.js';
import { DEFAULT_KEEP } from '../../store/index.js';
import { BUILD_FLAGS_HELP, BUILD_FLAG_OPTIONS, buildOptionsFromFlags } from '../build-flags.js';
import { STACK_FLAGS_HELP, STACK_FLAG_OPTIONS, stackFromFlags } from '../stack-flags.js';
import { progressOn } from '../upload-progress.js';
import {
  type AgentResult,
  DEFAULT_PART_BYTES,
  MIN_PART_BYTES,
  prepareCorpusUpload,
  prepareIndexUpload,
  publishBundled,
  publishToStore,
  runUpload,
  waitForVersion,
} from '../../upload/index.js';

export const uploadCommand: Command = {
  help: `Usage: sir upload --stack NAME (--index DIR | --corpus FILE [analyzer options])
                  [--outputs FILE] [--no-wait] [--verify URL] [--json]

Stages a built index (or a raw JSONL corpus, indexed on the loader) in the stack's staging
bucket with SHA-256 checksums, then runs the loader agent on the loader instance through SSM
Run Command: it downloads the files onto EFS, verifies every checksum, and makes the version
live by atomically replacing CURRENT. Running search Lambdas switch on their next check;
\`sir rollback --stack NAME\` undoes it. The version id is derived from the content, so running
the same upload again after an interruption resumes it: files already staged are skipped.
The loader must be on (pulumi config set serverless-ir:loaderEnabled true && pulumi up).

On an s3 stack (indexStorage s3) there is no loader: the version is published straight into the
stack's bucket (a corpus is indexed here first), checked, and made live by a conditional write of
CURRENT; search Lambdas download it on their next check.

On a bundled stack (indexStorage bundled) the index ships inside the search function: the index
is checked (it must open and pass every checksum), zipped with the search bundle this sir was
built with (npm run build; refused above Lambda's 250 MB unzipped), staged in the bucket, and
becomes the function's code (UpdateFunctionCode), a new function version (PublishVersion, the
index version id in its description), and live when the "live" alias the API calls moves to it:
requests in flight finish on the old version, none fails. Takes --index only.

Options:
${STACK_FLAGS_HELP}
  --index DIR            a built index folder (the output of sir index --out DIR)
  --corpus FILE          a JSONL corpus to upload and index on the loader
${BUILD_FLAGS_HELP}
  --no-wait              start the loader agent and return without waiting for it
  --verify URL           after publishing, poll URL/health until it serves the new version
  --verify-timeout S     seconds to wait for --verify (default 120)
  --part-size-mb N       multipart part size in MiB (>= 5, default ${DEFAULT_PART_BYTES >> 20})
  --keep N               with --local-store: versions to keep (default ${DEFAULT_KEEP}); on AWS the
                         stack's versionsToKeep applies
  --json                 print the result as JSON
  -h, --help             show this help

Example:
  sir index corpus.jsonl --out ./built
  sir upload --stack dev --index ./built --verify "$(pulumi stack output apiUrl --stack dev)"
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values } = parseFlags(
      argv,
      {
        ...STACK_FLAG_OPTIONS,
        ...BUILD_FLAG_OPTIONS,
        index: { type: 'string' },
        corpus: { type: 'string' },
        'no-wait': { type: 'boolean' },
        verify: { type: 'string' },
        'verify-timeout': { type: 'string' },
        'part-size-mb': { type: 'string' },
        keep: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if ((values.index === undefined) === (values.corpus === undefined)) {
      throw new CliError(
        'give one of --index DIR (a built index folder) or --corpus FILE (a JSONL corpus indexed on the loader)',
        2,
      );
    }
    const buildFlags = givenFlags(BUILD_FLAG_OPTIONS, values);
    if (values.index !== undefined && buildFlags.length > 0)
      throw new CliError(
        `${buildFlags.join(', ')}: analyzer options apply to --corpus only; a built --index already has its analyzer`,
        2,
      );
    if (values.verify !== undefined && !/^https?:\/\//.test(values.verify))
      throw new CliError(`--verify must be the API's http(s) URL, got "${values.verify}"`, 2);
    if (values.verify !== undefined && values['no-wait'])
      throw new CliError(
        '--verify needs to wait for the loader; it cannot be combined with --no-wait',
        2,
      );
    const partBytes =
      numberFlag(values['part-size-mb'], 'part-size-mb', DEFAULT_PART_BYTES >> 20, {
        min: MIN_PART_BYTES >> 20,
        max: 5120,
        integer: true,
      }) << 20;
    const verifyTimeoutMs =
      numberFlag(values['verify-timeout'], 'verify-timeout', 120, { min: 1, max: 3600 }) * 1000;
    const keep = numberFlag(values.keep, 'keep', DEFAULT_KEEP, { min: 1, integer: true });

    if (
      values.index !== undefined &&
      !(existsSync(values.index) && statSync(values.index).isDirectory())
    ) {
      throw new CliError(
        `--index must be a built index folder (the output of sir index --out DIR); ${values.index} is not a folder`,
      );
    }
    if (
      values.corpus !== undefined &&
      !(existsSync(values.corpus) && statSync(values.corpus).isFile())
    ) {
      throw new CliError(`--corpus must be a JSONL file; ${values.corpus} is not a file`);
    }
    const build = values.corpus !== undefined ? buildOptionsFromFlags(values) : undefined;
    const stack = await stackFromFlags(values, { background: values['no-wait'] ?? false, keep });
    const upload =
      values.index !== undefined
        ? await prepareIndexUpload(values.index)
        : await prepareCorpusUpload(values.corpus!, build!);
    if (stack.storage !== 'efs') {
      if (values['no-wait'])
        throw new CliError(
          `--no-wait applies to the loader of an efs stack; stack ${stack.target.stack} is an ${stack.storage} stack, published directly`,
          2,
        );
      const report = progressOn(io);
      let agent: AgentResult;
      let functionVersion: string | undefined;
      if (stack.storage === 's3') {
        io.stderr.write(
          `publishing version ${upload.version} (${upload.kind}) into ${stack.store.location}\n`,
        );
        agent = await publishToStore(stack.store, upload, {
          keep: stack.keep,
          ...(build !== undefined ? { build } : {}),
          log: (line) => io.stderr.write(`${line}\n`),
        });
      } else {
        const {
          functionVersion: fv,
          previousFunctionVersion: _,
          ...result
        } = await publishBundled(stack.function, upload, report);
        agent = result;
        functionVersion = fv;
      }
      report({ type: 'live', agent });
      let verifiedAfterSeconds: number | undefined;
      if (values.verify !== undefined) {
        report({ type: 'verifying', url: values.verify, version: agent.version });
        verifiedAfterSeconds = (
          await waitForVersion(values.verify, agent.version, { timeoutMs: verifyTimeoutMs })
        ).seconds;
        report({ type: 'verified', version: agent.version, seconds: verifiedAfterSeconds });
      }
      if (values.json)
        io.stdout.write(
          `${JSON.stringify({ stack: stack.target.stack, version: agent.version, agent, ...(functionVersion !== undefined ? { functionVersion } : {}), ...(verifiedAfterSeconds !== undefined ? { verifiedAfterSeconds } : {}) }, null, 2)}\n`,
        );
      else
        io.stdout.write(
          `live version: ${agent.version}${agent.previous ? ` (was ${agent.previous})` : ''} on stack ${stack.target.stack}\n`,
        );
      return 0;
    }
    const outcome = await runUpload(
      {
        upload,
        s3: stack.s3,
        bucket: stack.target.stagingBucket,
        prefix: stack.prefix,
        transport: stack.transport,
        wait: !values['no-wait'],
        partBytes,
        ...(values.verify !== undefined
          ? { verify: { url: values.verify, timeoutMs: verifyTimeoutMs } }
          : {}),
      },
      progressOn(io),
    );
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ stack: stack.target.stack, ...outcome }, null, 2)}\n`);
    } else if (outcome.agent) {
      const a = outcome.agent;
      io.stdout.write(
        `live version: ${a.version}${a.previous ? ` (was ${a.previous})` : ''} on stack ${stack.target.stack}\n`,
      );
    } else {
      io.stdout.write(
        `staged version: ${outcome.version}; loader agent started (${outcome.commandId})\n`,
      );
    }
    return 0;
  },
};

export default uploadCommand;
