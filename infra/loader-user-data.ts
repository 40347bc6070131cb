/**
 * The loader's first-boot script, as a plain function of plain strings so that tests can read it
 * and run it (with stand-ins for dnf, mount and aws, under a temporary root).
 *
 * In order: swap (dnf and Node must not run out of memory on a small instance), the EFS mount
 * helper and Node.js from the Amazon Linux repositories (through the S3 gateway endpoint: there is
 * no NAT), the index store mounted through the access point with TLS and IAM authorization (also
 * in /etc/fstab, so a reboot remounts it), the agent's settings file, and the `sir` CLI from the
 * tooling artifact in the staging bucket — all paths and names from the loader contract
 * (runtime/upload/loader-contract.ts).
 *
 * Every network step is retried with exponential backoff (the instance may boot before its routes
 * and security-group rules answer, or a mount target before it is ready), and the script records
 * each step in the bootstrap status file: `sir upload` reads it before sending work, so a loader
 * still booting, or one whose bootstrap failed, says which step and where the log is.
 */
import {
  BOOTSTRAP_LOG_FILE,
  BOOTSTRAP_STATUS_FILE,
  LOADER_ENV_FILE,
  LOADER_INSTALL_DIR,
  LOADER_NODE_MAJOR,
  LOADER_SIR,
  type LoaderSettings,
  renderLoaderEnv,
} from '../runtime/upload/loader-contract.js';

export interface LoaderUserDataArgs {
  fileSystemId: string;
  accessPointId: string;
  /** Fixed mount point; the same path the search Lambda uses, so paths in logs mean the same. */
  mountPath: string;
  region: string;
  stagingBucket: string;
  stagingPrefix: string;
  toolingKey: string;
  /** Changes when the tooling artifact changes, which replaces the instance (it is stateless). */
  toolingVersion: string;
  versionsToKeep: number;
  /** Prefix of every path the script touches; empty on the instance, a temp folder in tests. */
  root?: string;
}

/** Swap added before anything else runs: dnf alone can exceed a small instance's memory. */
export const LOADER_SWAP_MIB = 1024;
/** Attempts of each network step; waits between them are 5, 10, 20, 40, then 60 s. */
export const NETWORK_ATTEMPTS = 8;
/** Attempts of the first EFS mount (mount targets take a minute or two to answer after creation). */
export const MOUNT_ATTEMPTS = 12;
/** Packages the loader installs; Node's package carries its major version in the name. */
export const LOADER_PACKAGES = ['amazon-efs-utils', `nodejs${LOADER_NODE_MAJOR}`, 'unzip'];

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function loaderUserData(a: LoaderUserDataArgs): string {
  const root = a.root ?? '';
  const q = (path: string) => shellQuote(root + path);
  const mountOptions = `tls,iam,accesspoint=${a.accessPointId}`;
  const settings: LoaderSettings = {
    storeDir: a.mountPath,
    bucket: a.stagingBucket,
    prefix: a.stagingPrefix,
    keep: a.versionsToKeep,
    region: a.region,
  };
  const fstab = `${a.fileSystemId}:/ ${a.mountPath} efs _netdev,noresvport,${mountOptions} 0 0`;
  const status = q(BOOTSTRAP_STATUS_FILE);
  return `#!/bin/bash
# serverless-ir loader bootstrap; tooling version ${a.toolingVersion}
# Progress and failures are recorded in ${BOOTSTRAP_STATUS_FILE}, which sir upload reads;
# the full output is in ${BOOTSTRAP_LOG_FILE}. Safe to run again.
set -Eeuo pipefail
mkdir -p "$(dirname ${status})" "$(dirname ${q(BOOTSTRAP_LOG_FILE)})"
exec > >(tee -a ${q(BOOTSTRAP_LOG_FILE)}) 2>&1

STEP=start
status() { # STATE DETAIL: rewrite the status file atomically
  printf 'state=%s\\nstep=%s\\ndetail=%s\\nat=%s\\n' "$1" "$STEP" "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > ${status}.tmp
  mv -f ${status}.tmp ${status}
}
fail() { status failed "$1"; echo "bootstrap failed at step \\"$STEP\\": $1" >&2; exit 1; }
trap 'fail "command failed (exit $?): $BASH_COMMAND"' ERR
step() { STEP="$1"; status running ""; echo "== $STEP"; }
# retry N COMMAND...: up to N attempts, waiting 5, 10, 20, 40, then 60 s between them.
retry() {
  local attempts=$1 delay=5 i
  shift
  for ((i = 1; i <= attempts; i++)); do
    if "$@"; then return 0; fi
    if ((i == attempts)); then break; fi
    echo "attempt $i of $attempts failed: $*; next in $delay s"
    sleep "$delay"
    delay=$((delay * 2 > 60 ? 60 : delay * 2))
  done
  fail "'$*' failed $attempts times"
}

step "add swap"
if ! grep -q '^/swapfile ' ${q('/etc/fstab')} 2>/dev/null; then
  dd if=/dev/zero of=${q('/swapfile')} bs=1M count=${LOADER_SWAP_MIB} status=none
  chmod 600 ${q('/swapfile')}
  mkswap ${q('/swapfile')}
  echo '/swapfile none swap defaults 0 0' >> ${q('/etc/fstab')}
fi
swapon ${q('/swapfile')} 2>/dev/null || swapon --show | grep -q swapfile

step "install packages"
retry ${NETWORK_ATTEMPTS} dnf install -y ${LOADER_PACKAGES.join(' ')}

step "mount the index store"
mkdir -p ${q(a.mountPath)}
grep -qF ${shellQuote(fstab)} ${q('/etc/fstab')} || echo ${shellQuote(fstab)} >> ${q('/etc/fstab')}
if ! mountpoint -q ${q(a.mountPath)}; then
  retry ${MOUNT_ATTEMPTS} mount -t efs -o ${mountOptions} ${shellQuote(`${a.fileSystemId}:/`)} ${q(a.mountPath)}
fi
mountpoint -q ${q(a.mountPath)} || fail "${a.mountPath} is not a mount point after mounting"

step "write the agent settings"
mkdir -p "$(dirname ${q(LOADER_ENV_FILE)})"
cat > ${q(LOADER_ENV_FILE)} <<'ENV'
${renderLoaderEnv(settings).trimEnd()}
ENV

step "install sir"
retry ${NETWORK_ATTEMPTS} aws s3 cp ${shellQuote(`s3://${a.stagingBucket}/${a.toolingKey}`)} ${q('/tmp/sir-loader.zip')} --region ${shellQuote(a.region)} --only-show-errors
rm -rf ${q(LOADER_INSTALL_DIR)} && mkdir -p ${q(LOADER_INSTALL_DIR)}
unzip -q -o ${q('/tmp/sir-loader.zip')} -d ${q(LOADER_INSTALL_DIR)}
mkdir -p "$(dirname ${q(LOADER_SIR)})"
cat > ${q(LOADER_SIR)} <<'SIR'
#!/bin/sh
set -a; . ${q(LOADER_ENV_FILE)}; set +a
NODE="$(command -v node-${LOADER_NODE_MAJOR} || command -v node)"
exec "$NODE" ${q(`${LOADER_INSTALL_DIR}/bin/sir.mjs`)} "$@"
SIR
chmod 0755 ${q(LOADER_SIR)}

STEP=done
status ready ""
echo "serverless-ir loader ready: index store at ${a.mountPath}"
`;
}
