import { strict as assert } from 'node:assert';
import { loaderUserData } from '../../infra/loader-user-data.js';
import {
  efsClientPolicy,
  fileSystemPolicy,
  invokeApiPolicy,
  loaderBucketPolicy,
  MANAGED_POLICIES,
  tlsOnlyBucketPolicy,
  type PolicyStatement,
} from '../../infra/policy-documents.js';

const FS = 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1';
const AP = 'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1';
const BUCKET = 'arn:aws:s3:::sir-staging';
const actions = (s: PolicyStatement) => [s.Action].flat();
const resources = (s: PolicyStatement) => [s.Resource ?? []].flat();

describe('infra policy documents', () => {
  it('gives the search Lambda a read-only mount pinned to the access point', () => {
    const [statement, ...rest] = efsClientPolicy(FS, AP, false).Statement;
    assert.equal(rest.length, 0);
    assert.deepEqual(actions(statement!), ['elasticfilesystem:ClientMount']);
    assert.deepEqual(resources(statement!), [FS]);
    assert.deepEqual(statement!.Condition, {
      StringEquals: { 'elasticfilesystem:AccessPointArn': AP },
    });
  });

  it('lets the loader write, still never as root', () => {
    const all = efsClientPolicy(FS, AP, true).Statement.flatMap(actions);
    assert.ok(all.includes('elasticfilesystem:ClientWrite'));
    assert.ok(!all.includes('elasticfilesystem:ClientRootAccess'));
  });

  it("file-system policy denies non-TLS and grants only this account's principals through mount targets", () => {
    const doc = fileSystemPolicy(FS, '123456789012');
    const deny = doc.Statement.find((s) => s.Effect === 'Deny')!;
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    const allows = doc.Statement.filter((s) => s.Effect === 'Allow');
    assert.equal(allows.length, 1);
    assert.deepEqual(allows[0]!.Principal, { AWS: 'arn:aws:iam::123456789012:root' }); // not "*": anonymous clients match nothing
    assert.deepEqual(allows[0]!.Condition, {
      Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' },
    });
    assert.ok(!actions(allows[0]!).includes('elasticfilesystem:ClientRootAccess'));
  });

  it('staging bucket policy denies every non-TLS request on the bucket and its objects', () => {
    const [deny] = tlsOnlyBucketPolicy(BUCKET).Statement;
    assert.equal(deny!.Effect, 'Deny');
    assert.deepEqual(resources(deny!), [BUCKET, `${BUCKET}/*`]);
    assert.deepEqual(deny!.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('limits the loader to the staging and tooling prefixes of its bucket', () => {
    const doc = loaderBucketPolicy(BUCKET);
    for (const s of doc.Statement) {
      assert.equal(s.Effect, 'Allow');
      for (const a of actions(s)) assert.match(a, /^s3:(GetObject|DeleteObject|ListBucket)$/);
      for (const r of resources(s))
        assert.ok(r === BUCKET || r === `${BUCKET}/staging/*` || r === `${BUCKET}/tooling/*`, r);
    }
    const list = doc.Statement.find((s) => actions(s).includes('s3:ListBucket'))!;
    assert.deepEqual(list.Condition, { StringLike: { 's3:prefix': ['staging/*', 'tooling/*'] } });
    const deletes = doc.Statement.filter((s) => actions(s).includes('s3:DeleteObject')).flatMap(
      resources,
    );
    assert.deepEqual(deletes, [`${BUCKET}/staging/*`]);
  });

  it('invoke policy covers one API only', () => {
    const [s] = invokeApiPolicy('arn:aws:execute-api:us-east-1:123456789012:abc').Statement;
    assert.deepEqual(resources(s!), ['arn:aws:execute-api:us-east-1:123456789012:abc/*']);
    assert.equal(s!.Action, 'execute-api:Invoke');
  });

  it('uses no FullAccess managed policy', () => {
    for (const arn of Object.values(MANAGED_POLICIES))
      assert.doesNotMatch(arn, /FullAccess|AdministratorAccess/);
  });
});

describe('loader user data', () => {
  const script = loaderUserData({
    fileSystemId: 'fs-1',
    accessPointId: 'fsap-1',
    mountPath: '/mnt/index',
    region: 'us-east-1',
    stagingBucket: 'sir-staging',
    stagingPrefix: 'staging/',
    toolingKey: 'tooling/sir-loader.zip',
    toolingVersion: 'etag-1',
    versionsToKeep: 4,
  });

  it('mounts EFS through the access point with TLS and IAM, now and after a reboot', () => {
    assert.match(script, /^#!\/bin\/bash\n/);
    assert.match(script, /dnf install -y amazon-efs-utils nodejs22/);
    assert.match(script, /mount -t efs -o tls,iam,accesspoint=fsap-1 'fs-1:\/' '\/mnt\/index'/);
    assert.match(
      script,
      /fs-1:\/ \/mnt\/index efs _netdev,noresvport,tls,iam,accesspoint=fsap-1 0 0/,
    );
    assert.match(script, /mountpoint -q '\/mnt\/index'/);
  });

  it("installs sir from the staged tooling and writes the agent's settings", () => {
    assert.match(script, /aws s3 cp 's3:\/\/sir-staging\/tooling\/sir-loader.zip'/);
    assert.match(script, /SIR_STORE_DIR=\/mnt\/index\n/);
    assert.match(script, /SIR_STAGING_BUCKET=sir-staging\n/);
    assert.match(script, /SIR_VERSIONS_TO_KEEP=4\n/);
    assert.match(script, /\/usr\/local\/bin\/sir/);
    assert.match(script, /tooling version etag-1/);
    assert.doesNotMatch(script, /authorized_keys|ssh-rsa|sshd/);
  });
});
