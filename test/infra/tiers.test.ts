/**
 * The program under mocks for the storage tiers that need no VPC: `s3` and
 * `bundled`. Neither creates a VPC, EFS, mount targets, security groups or a loader; each keeps
 * the security properties that still apply (a private, TLS-only, encrypted bucket; a search role
 * that can read only the store's `versions/` and `CURRENT`, or nothing at all; the rules of the
 * policy pack). A bundled stack ships its index in the function, calls it through an alias, and
 * refuses an index over Lambda's 250 MB unzipped limit.
 */
import { strict as assert } from 'node:assert';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEveryBucketBlocked, RULES } from '../../infra/policies/rules.js';
import { runProgramUnderMocks, type MockRun } from '../../infra/testing/mocks.js';

const EFS_OR_VPC =
  /^aws:(efs|ec2)\/|^awsx:|securityGroup|vpcEndpoint|^serverless-ir:infra:(Network|NetworkSecurity|IndexStore|Loader)$/;

function only(run: MockRun, type: string) {
  const found = run.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `expected one ${type}`);
  return found[0]!;
}
const parse = (text: unknown) =>
  JSON.parse(String(text)) as { Statement: Array<Record<string, any>> };

function noVpcAndSafe(run: MockRun): void {
  const vpcish = run.resources.filter((r) => EFS_OR_VPC.test(r.type)).map((r) => r.type);
  assert.deepEqual(vpcish, [], 'no VPC, EFS, mount target, security group, endpoint or loader');
  const fn = only(run, 'aws:lambda/function:Function');
  assert.equal(fn.inputs['vpcConfig'], undefined);
  assert.equal(fn.inputs['fileSystemConfig'], undefined);
  const attached = run.resources
    .filter((r) => r.type === 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')
    .map((r) => r.inputs['policyArn']);
  assert.deepEqual(attached, ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  const bucketPolicy = parse(only(run, 'aws:s3/bucketPolicy:BucketPolicy').inputs['policy']);
  assert.equal(bucketPolicy.Statement[0]!['Sid'], 'DenyInsecureTransport');
  const block = only(run, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs;
  for (const key of [
    'blockPublicAcls',
    'blockPublicPolicy',
    'ignorePublicAcls',
    'restrictPublicBuckets',
  ])
    assert.equal(block[key], true, key);
  const violations = run.resources.flatMap((r) =>
    RULES.filter((rule) => rule.types.includes(r.type)).flatMap((rule) =>
      rule.check(r.type, r.inputs).map((v) => `${r.name}: ${rule.name}: ${v}`),
    ),
  );
  assert.deepEqual(violations, []);
  assert.deepEqual(checkEveryBucketBlocked(run.resources), []);
}

for (const preview of [false, true]) {
  describe(`infra storage tiers under mocks (${preview ? 'preview' : 'update'})`, function () {
    this.timeout(60_000);
    let tmp: string;
    let s3: MockRun;
    let bundled: MockRun;
    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), 'sir-tiers-'));
      writeFileSync(join(tmp, 'index.sir'), 'an index');
      s3 = await runProgramUnderMocks({
        preview,
        config: { indexStorage: 's3', jobsEnabled: 'false' },
      });
      bundled = await runProgramUnderMocks({
        preview,
        config: { indexStorage: 'bundled', indexPath: tmp, jobsEnabled: 'false' },
      });
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('s3: no VPC, EFS or loader; every security property that applies', () => {
      noVpcAndSafe(s3);
    });

    it('s3: the search Lambda reads the store in the bucket into a /tmp sized for two versions', () => {
      const fn = only(s3, 'aws:lambda/function:Function').inputs;
      assert.deepEqual((fn['environment'] as { variables: unknown }).variables, {
        INDEX_STORAGE: 's3',
        INDEX_BUCKET: 'sir-staging-bucket-mock',
        INDEX_PREFIX: 'store/',
        NODE_OPTIONS: '--enable-source-maps',
      });
      assert.deepEqual(fn['ephemeralStorage'], { size: Math.ceil(2.048e9 / 2 ** 20) + 64 });
      assert.equal(fn['handler'], 'index.handler');
    });

    it('s3: the search role reads only versions/ and CURRENT, and writes nothing', () => {
      const policies = s3.resources.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy');
      assert.deepEqual(
        policies.map((p) => p.name),
        ['sir-api-index-read'],
      );
      const doc = parse(policies[0]!.inputs['policy']);
      assert.deepEqual(doc.Statement, [
        {
          Sid: 'ReadIndexVersionsAndCurrent',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: [
            'arn:aws:s3:::sir-staging-bucket-mock/store/versions/*',
            'arn:aws:s3:::sir-staging-bucket-mock/store/CURRENT',
          ],
        },
        {
          Sid: 'TellMissingFromDenied',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::sir-staging-bucket-mock',
          Condition: { StringLike: { 's3:prefix': ['store/CURRENT', 'store/versions/*'] } },
        },
      ]);
    });

    it('s3: uploaders may publish under store/ and the outputs name the store', () => {
      const doc = parse(only(s3, 'aws:iam/policy:Policy').inputs['policy']);
      assert.deepEqual(
        doc.Statement.find((st) => st['Sid'] === 'PublishIndexVersions'),
        {
          Sid: 'PublishIndexVersions',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
          Resource: 'arn:aws:s3:::sir-staging-bucket-mock/store/*',
        },
      );
      assert.equal(s3.outputs['indexStorage'], 's3');
      assert.equal(s3.outputs['indexBucket'], 'sir-staging-bucket-mock');
      assert.equal(s3.outputs['indexPrefix'], 'store/');
      assert.equal(s3.outputs['efsId'], undefined);
      assert.equal(s3.outputs['loaderInstanceId'], undefined);
    });

    it('bundled: no VPC, EFS, loader or bucket access; the index ships beside the app', () => {
      noVpcAndSafe(bundled);
      assert.deepEqual(
        bundled.resources.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy'),
        [],
        'the function reads nothing outside its own artifact',
      );
      const fn = only(bundled, 'aws:lambda/function:Function').inputs;
      assert.equal(fn['handler'], 'app/index.handler');
      assert.equal(fn['publish'], true);
      assert.deepEqual((fn['environment'] as { variables: unknown }).variables, {
        INDEX_STORAGE: 'bundled',
        NODE_OPTIONS: '--enable-source-maps',
      });
      assert.equal(bundled.outputs['indexStorage'], 'bundled');
      assert.equal(bundled.outputs['indexBucket'], undefined);
      const doc = parse(only(bundled, 'aws:iam/policy:Policy').inputs['policy']);
      assert.ok(!doc.Statement.some((st) => st['Sid'] === 'PublishIndexVersions'));
    });

    it('bundled: uploaders may publish versions of the search function and move its alias, nothing more', () => {
      const doc = parse(only(bundled, 'aws:iam/policy:Policy').inputs['policy']);
      const fn = 'arn:aws:lambda:us-east-1:123456789012:function:sir-api-search';
      const lambda = doc.Statement.filter((st) =>
        [st['Action']].flat().some((a: string) => a.startsWith('lambda:')),
      );
      assert.deepEqual(lambda, [
        {
          Sid: 'PublishSearchFunctionVersions',
          Effect: 'Allow',
          Action: [
            'lambda:UpdateFunctionCode',
            'lambda:GetFunctionConfiguration',
            'lambda:PublishVersion',
            'lambda:ListVersionsByFunction',
            'lambda:GetAlias',
            'lambda:UpdateAlias',
          ],
          Resource: [fn, `${fn}:*`],
        },
      ]);
      assert.equal(bundled.outputs['searchFunctionName'], 'sir-api-search');
      // The s3 and efs stacks' uploaders get no Lambda action at all.
      const s3Doc = parse(only(s3, 'aws:iam/policy:Policy').inputs['policy']);
      assert.ok(!JSON.stringify(s3Doc).includes('lambda:'));
      assert.equal(s3.outputs['searchFunctionName'], undefined);
    });

    it('bundled: the API calls the live alias of the published version', () => {
      const alias = only(bundled, 'aws:lambda/alias:Alias').inputs;
      assert.deepEqual(alias, {
        name: 'live',
        functionName: 'sir-api-search',
        functionVersion: '1',
      });
      const integration = only(bundled, 'aws:apigatewayv2/integration:Integration').inputs;
      assert.match(
        String(integration['integrationUri']),
        /function:sir-api-search:live\/invocations$/,
      );
      assert.equal(only(bundled, 'aws:lambda/permission:Permission').inputs['qualifier'], 'live');
      // After creation the CLI owns the alias: pulumi up never moves it back (README's drift rule).
      assert.deepEqual(only(bundled, 'aws:lambda/alias:Alias').ignoreChanges, [
        'functionVersion',
        'description',
      ]);
    });
  });
}

describe('infra storage tiers: a bundled index over the limit', function () {
  this.timeout(60_000);
  it("is refused above Lambda's 250 MB unzipped, with the sizes and the tier to use", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sir-tiers-big-'));
    try {
      // Sparse: 251 MB that take no disk.
      const fd = openSync(join(tmp, 'index.sir'), 'w');
      ftruncateSync(fd, 251 * 2 ** 20);
      closeSync(fd);
      await assert.rejects(
        runProgramUnderMocks({
          preview: false,
          config: { indexStorage: 'bundled', indexPath: tmp, jobsEnabled: 'false' },
        }),
        /the index in indexPath \(251\.0 MB\) .* over Lambda's 250 MB unzipped limit; use indexStorage s3/,
      );
      await assert.rejects(
        runProgramUnderMocks({
          preview: false,
          config: { indexStorage: 'bundled', indexPath: join(tmp, 'nope'), jobsEnabled: 'false' },
        }),
        /indexPath .*nope is not a folder/,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
