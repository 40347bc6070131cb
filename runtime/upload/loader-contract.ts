/**
 * The contract between the loader instance that infra/ provisions and the `sir` code that runs on
 * it: where `sir` is installed, the settings file and the variables it holds, the staging bucket's
 * key prefixes, and the bootstrap status the loader writes while it boots. One definition, imported
 * by infra/ (the user data writes these files) and by runtime/upload/ (the agent reads them, the
 * upload sends commands that check them). Constants and string functions only, no imports, so the
 * Pulumi program can load it without the rest of the runtime.
 */

/** The `sir` wrapper on the loader; SSM Run Command calls it by absolute path (its PATH may lack /usr/local/bin). */
export const LOADER_SIR = '/usr/local/bin/sir';
/**
 * Node.js major version the loader installs from the Amazon Linux 2023 repositories (package
 * `nodejs22`, binary `node-22`); the loader's bundle is built for it.
 */
export const LOADER_NODE_MAJOR = 22;
/** Where the bundled CLI (`dist/loader/`) is unpacked on the loader. */
export const LOADER_INSTALL_DIR = '/opt/serverless-ir';
/** The agent's settings, written by the user data and sourced by the `sir` wrapper. */
export const LOADER_ENV_FILE = '/etc/serverless-ir/loader.env';
/** Environment variable that points the agent at another settings file (tests, other hosts). */
export const LOADER_ENV_FILE_VAR = 'SIR_LOADER_ENV';

/** Key prefix of staged versions in the staging bucket (`staging/<version>/<file>`). */
export const STAGING_PREFIX = 'staging/';
/** Key prefix of the loader's tooling in the staging bucket. */
export const TOOLING_PREFIX = 'tooling/';
/** The zipped `dist/loader/` the user data downloads and installs. */
export const LOADER_TOOLING_KEY = `${TOOLING_PREFIX}sir-loader.zip`;

/** What the loader agent needs to know; each field is one variable of the settings file. */
export interface LoaderSettings {
  /** The index store: the EFS mount. */
  storeDir: string;
  bucket: string;
  /** Staging key prefix, ending in `/` (or empty). */
  prefix: string;
  /** Versions to keep after a publish, counting the live one. */
  keep: number;
  region: string;
  /** An S3-compatible endpoint (local stand-ins); absent on the loader. */
  endpoint?: string;
}

/** The variable that carries each setting. */
export const LOADER_ENV_VARS: Readonly<Record<keyof LoaderSettings, string>> = Object.freeze({
  storeDir: 'SIR_STORE_DIR',
  bucket: 'SIR_STAGING_BUCKET',
  prefix: 'SIR_STAGING_PREFIX',
  keep: 'SIR_VERSIONS_TO_KEEP',
  region: 'AWS_REGION',
  endpoint: 'SIR_S3_ENDPOINT',
});

/** The settings as environment variables (absent optional settings are left out). */
export function loaderEnvVars(settings: LoaderSettings): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const key of Object.keys(LOADER_ENV_VARS) as (keyof LoaderSettings)[]) {
    const value = settings[key];
    if (value !== undefined) vars[LOADER_ENV_VARS[key]] = String(value);
  }
  return vars;
}

/** The settings file: `KEY=VALUE` lines. Values are written bare, so they must not need quoting. */
export function renderLoaderEnv(settings: LoaderSettings): string {
  const lines = Object.entries(loaderEnvVars(settings)).map(([key, value]) => {
    if (!/^[A-Za-z0-9._/:@+-]*$/.test(value))
      throw new Error(
        `loader setting ${key} has characters a settings file cannot hold: "${value}"`,
      );
    return `${key}=${value}`;
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The loader's bootstrap status: `KEY=VALUE` lines (`state`, `step`, `detail`, `at`) rewritten by
 * the user data as it goes. `state` is `running`, `ready` or `failed`; the agent's commands refuse
 * to run until it is `ready` and say why.
 */
export const BOOTSTRAP_STATUS_FILE = '/var/lib/serverless-ir/bootstrap.status';
/** The bootstrap's full output, on the loader. */
export const BOOTSTRAP_LOG_FILE = '/var/log/serverless-ir-bootstrap.log';
export type BootstrapState = 'running' | 'ready' | 'failed';
/** Exit code of an agent command refused because the loader is not ready (EX_TEMPFAIL). */
export const LOADER_NOT_READY_EXIT = 75;

/** Prefix of the agent's one-line failure messages; `sir upload` quotes the last such line. */
export const AGENT_MESSAGE_PREFIX = 'sir loader-agent:';

function shellQuote(value: string): string {
  return /^[A-Za-z0-9._/=:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The POSIX shell script SSM Run Command runs on the loader: check the bootstrap status (a loader
 * still booting, or whose bootstrap failed, is refused with a sentence naming the step and the log),
 * then `sir loader-agent ARGS`. `paths` exist for tests; on the loader the defaults apply.
 */
export function loaderCommandScript(
  args: readonly string[],
  paths: { statusFile?: string; sir?: string } = {},
): string {
  const status = shellQuote(paths.statusFile ?? BOOTSTRAP_STATUS_FILE);
  const sir = shellQuote(paths.sir ?? LOADER_SIR);
  const field = (name: string) => `$(sed -n 's/^${name}=//p' ${status} 2>/dev/null)`;
  const say = (text: string) => `echo "${AGENT_MESSAGE_PREFIX} ${text}" >&2`;
  return [
    `state=${field('state')}`,
    'if [ "$state" != ready ]; then',
    `  step=${field('step')}; detail=${field('detail')}`,
    '  case "$state" in',
    `    running) ${say('the loader is still bootstrapping (step: $step); retry in a minute')} ;;`,
    `    failed) ${say(`the loader's bootstrap failed at step \\"$step\\": $detail; see ${BOOTSTRAP_LOG_FILE} on the loader, and replace it: pulumi config set serverless-ir:loaderEnabled false && pulumi up, then true && pulumi up`)} ;;`,
    `    *) ${say('the loader has not started its bootstrap yet (no status in ' + (paths.statusFile ?? BOOTSTRAP_STATUS_FILE) + '); it needs a few minutes after pulumi up, retry shortly')} ;;`,
    '  esac',
    `  exit ${LOADER_NOT_READY_EXIT}`,
    'fi',
    [sir, 'loader-agent', ...args].map(shellQuote).join(' '),
  ].join('\n');
}
