/**
 * The loader's first-boot script, as a plain function of plain strings so that tests can read it.
 *
 * It installs the EFS mount helper and Node.js from the Amazon Linux repositories (reached through
 * the S3 gateway endpoint: there is no NAT), mounts the index store through the access point with
 * TLS and IAM authorization at a fixed path (also in /etc/fstab, so a reboot remounts it), and
 * installs the `sir` CLI from the tooling artifact in the staging bucket. `sir` then reads its
 * settings from /etc/serverless-ir/loader.env (the contract with the loader agent, issue 5).
 */

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
}

/** Settings file `sir` sources on the loader; keys are part of the loader agent's contract. */
export const LOADER_ENV_FILE = '/etc/serverless-ir/loader.env';
export const LOADER_INSTALL_DIR = '/opt/serverless-ir';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function loaderUserData(a: LoaderUserDataArgs): string {
  const mountOptions = `tls,iam,accesspoint=${a.accessPointId}`;
  const q = shellQuote;
  return `#!/bin/bash
# serverless-ir loader bootstrap; tooling version ${a.toolingVersion}
set -euo pipefail
exec > >(tee /var/log/serverless-ir-bootstrap.log) 2>&1

dnf install -y amazon-efs-utils nodejs22 unzip

mkdir -p ${q(a.mountPath)}
echo ${q(`${a.fileSystemId}:/ ${a.mountPath} efs _netdev,noresvport,${mountOptions} 0 0`)} >> /etc/fstab
# Mount targets can take a minute to answer after creation: retry before giving up.
for attempt in $(seq 1 30); do
  if mount -t efs -o ${mountOptions} ${q(`${a.fileSystemId}:/`)} ${q(a.mountPath)}; then break; fi
  echo "mount attempt $attempt failed; retrying in 10 s"; sleep 10
done
mountpoint -q ${q(a.mountPath)}

mkdir -p /etc/serverless-ir
cat > ${LOADER_ENV_FILE} <<'ENV'
SIR_STORE_DIR=${a.mountPath}
SIR_STAGING_BUCKET=${a.stagingBucket}
SIR_STAGING_PREFIX=${a.stagingPrefix}
SIR_VERSIONS_TO_KEEP=${a.versionsToKeep}
AWS_REGION=${a.region}
ENV

aws s3 cp ${q(`s3://${a.stagingBucket}/${a.toolingKey}`)} /tmp/sir-loader.zip --region ${q(a.region)}
rm -rf ${LOADER_INSTALL_DIR} && mkdir -p ${LOADER_INSTALL_DIR}
unzip -q /tmp/sir-loader.zip -d ${LOADER_INSTALL_DIR}
cat > /usr/local/bin/sir <<'SIR'
#!/bin/sh
set -a; . ${LOADER_ENV_FILE}; set +a
NODE="$(command -v node-22 || command -v node)"
exec "$NODE" ${LOADER_INSTALL_DIR}/bin/sir.mjs "$@"
SIR
chmod 0755 /usr/local/bin/sir
echo "serverless-ir loader ready: index store at ${a.mountPath}"
`;
}
