import { strict as assert } from 'node:assert';
import {
  amazonLinuxRepositoryBucketArn,
  EFS_CLIENT_ACTIONS,
  efsClientPolicy,
  fileSystemPolicy,
  invokeApiPolicy,
  LOADER_TAG_KEY,
  loaderBucketPolicy,
  MANAGED_POLICIES,
  s3GatewayEndpointPolicy,
  tlsOnlyBucketPolicy,
  uploaderPolicy,
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

  it("file-system policy denies non-TLS, anything outside the access point, and grants only this account's principals", () => {
    const doc = fileSystemPolicy(FS, '123456789012', AP);
    const denies = doc.Statement.filter((s) => s.Effect === 'Deny');
    assert.deepEqual(denies[0]!.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    // Explicit, for everyone: an administrator's elasticfilesystem:* cannot mount / either.
    const outside = denies[1]!;
    assert.deepEqual(outside.Principal, { AWS: '*' });
    assert.deepEqual(actions(outside).sort(), [...EFS_CLIENT_ACTIONS].sort());
    assert.deepEqual(outside.Condition, {
      StringNotEquals: { 'elasticfilesystem:AccessPointArn': AP },
    });
    const allows = doc.Statement.filter((s) => s.Effect === 'Allow');
    assert.equal(allows.length, 1);
    assert.deepEqual(allows[0]!.Principal, { AWS: 'arn:aws:iam::123456789012:root' }); // not "*": anonymous clients match nothing
    assert.deepEqual(allows[0]!.Condition, {
      Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' },
      StringEquals: { 'elasticfilesystem:AccessPointArn': AP },
    });
    assert.ok(!actions(allows[0]!).includes('elasticfilesystem:ClientRootAccess'));
  });

  it('S3 endpoint policy admits only the stack buckets and the Amazon Linux repositories', () => {
    const doc = s3GatewayEndpointPolicy('eu-west-1', [BUCKET]);
    for (const s of doc.Statement) {
      assert.equal(s.Effect, 'Allow');
      assert.equal(s.Principal, '*');
      for (const a of actions(s)) assert.match(a, /^s3:(GetObject|DeleteObject|ListBucket)$/);
    }
    assert.deepEqual(
      doc.Statement.flatMap(resources).sort(),
      ['arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*', BUCKET, `${BUCKET}/*`].sort(),
    );
    assert.equal(
      amazonLinuxRepositoryBucketArn('us-east-1'),
      'arn:aws:s3:::al2023-repos-us-east-1-de612dc2',
    );
    const repos = doc.Statement.find((s) => resources(s)[0]!.includes('al2023-repos'))!;
    assert.deepEqual(actions(repos), ['s3:GetObject']);
  });

  it('uploaders may stage, run the shell document on this stack loader only, and read the result', () => {
    const doc = uploaderPolicy({
      stagingBucketArn: BUCKET,
      region: 'eu-west-1',
      accountId: '123456789012',
      stack: 'dev',
    });
    const by = (action: string) => doc.Statement.filter((s) => actions(s).includes(action));
    assert.deepEqual(by('s3:PutObject').flatMap(resources), [`${BUCKET}/staging/*`]);
    assert.deepEqual(by('s3:AbortMultipartUpload').flatMap(resources), [`${BUCKET}/staging/*`]);
    assert.deepEqual(by('s3:ListBucket').flatMap(resources), [BUCKET]);
    const send = by('ssm:SendCommand');
    assert.deepEqual(send.flatMap(resources).sort(), [
      'arn:aws:ec2:eu-west-1:123456789012:instance/*',
      'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
    ]);
    const instances = send.find((s) => resources(s)[0]!.includes(':instance/'))!;
    assert.deepEqual(instances.Condition, {
      StringEquals: { [`ssm:resourceTag/${LOADER_TAG_KEY}`]: 'dev' },
    });
    // GetCommandInvocation supports no resource-level permissions: the one "*" resource.
    for (const s of doc.Statement) {
      assert.equal(s.Effect, 'Allow');
      if (resources(s).includes('*')) assert.deepEqual(actions(s), ['ssm:GetCommandInvocation']);
      for (const a of actions(s)) assert.doesNotMatch(a, /\*/);
    }
  });

  it('uploaders of an s3 or bundled stack, which has no loader, get no SSM action', () => {
    const base = { stagingBucketArn: BUCKET, region: 'eu-west-1', accountId: '1', stack: 'dev' };
    for (const tier of [
      { storePrefix: 'store/' },
      { searchFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:sir-search' },
    ]) {
      const doc = uploaderPolicy({ ...base, ...tier });
      const all = doc.Statement.flatMap(actions);
      assert.ok(!all.some((a) => a.startsWith('ssm:')), JSON.stringify(tier));
      assert.ok(!doc.Statement.some((s) => resources(s).includes('*')), JSON.stringify(tier));
    }
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
