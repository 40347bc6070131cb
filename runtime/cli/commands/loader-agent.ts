/**
 * `sir loader-agent publish --version V | rollback`: runs ON the loader instance (SSM Run Command
 * starts it; `sir upload` and `sir rollback --stack` drive it). Settings come from
 * /etc/serverless-ir/loader.env, the environment, or flags. Prints progress, then one JSON line
 * with the result.
 */
import { CliError, type CliIO, type Command, parseFlags } from '../command.js';
import { DEFAULT_KEEP } from '../../store/retention.js';
import {
  LOADER_ENV_FILE,
  LOADER_ENV_VARS as VAR,
  STAGING_PREFIX,
  agentPublish,
  agentResultLine,
  agentRollback,
  makeS3Client,
  resolveAgentConfig,
} from '../../upload/index.js';

export const loaderAgentCommand: Command = {
  help: `Usage: sir loader-agent publish --version V [settings]
       sir loader-agent rollback [settings]

Runs on the loader instance; \`sir upload\` and \`sir rollback --stack\` start it through SSM.
publish: downloads staging/V/ from the staging bucket into a partial folder of the store,
verifies every file against the staged manifest (an altered file is refused and nothing is
published), indexes it first if it is a raw corpus, then fsyncs, renames it into versions/,
flips CURRENT atomically, keeps the newest N versions and deletes the staged objects.
rollback: makes the previously live version live again. The last line printed is a JSON
object with the result.

Settings (flags override the environment, which overrides ${LOADER_ENV_FILE}):
  --store DIR           ${VAR.storeDir}: the index store (the EFS mount)
  --bucket NAME         ${VAR.bucket}
  --prefix P            ${VAR.prefix} (default ${STAGING_PREFIX})
  --keep N              ${VAR.keep} (default ${DEFAULT_KEEP})
  --region R            ${VAR.region}
  --s3-endpoint URL     ${VAR.endpoint}: an S3-compatible endpoint (local use)
  -h, --help            show this help
`,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      version: { type: 'string' },
      store: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      keep: { type: 'string' },
      region: { type: 'string' },
      's3-endpoint': { type: 'string' },
    });
    const [action, ...extra] = positionals;
    if ((action !== 'publish' && action !== 'rollback') || extra.length > 0) {
      throw new CliError(
        `expected one action, publish or rollback, got ${positionals.length ? `"${positionals.join(' ')}"` : 'none'}`,
        2,
      );
    }
    if (action === 'publish' && (values.version === undefined || values.version === ''))
      throw new CliError('publish needs --version V (the staged version id sir upload printed)', 2);
    if (action === 'rollback' && values.version !== undefined)
      throw new CliError('rollback takes no --version; it restores the previously live version', 2);
    const config = resolveAgentConfig(values);
    const ctx = {
      config,
      client: makeS3Client({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      }),
      log: (line: string) => io.stdout.write(`${line}\n`),
    };
    const result =
      action === 'publish' ? await agentPublish(ctx, values.version!) : await agentRollback(ctx);
    io.stdout.write(`${agentResultLine(result)}\n`);
    return 0;
  },
};

export default loaderAgentCommand;
