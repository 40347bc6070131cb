/**
 * What sir upload reads before it sends a byte: stack outputs (from pulumi or --outputs), the
 * loader's settings (loader.env, environment, flags), the content-derived version id, and the
 * usage errors of the commands — each a sentence naming what was wrong and what is accepted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  UploadError,
  contentVersion,
  parseEnvFile,
  readStackOutputs,
  resolveAgentConfig,
  validateOutputs,
} from '../../runtime/upload/index.js';
import { sir } from './helpers.js';

const full = {
  stagingBucket: 'b',
  region: 'eu-west-1',
  apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com/',
  loaderInstanceId: 'i-1',
};

describe('upload: inputs', () => {
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'sir-upload-inputs-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads the outputs pulumi prints and trims the API URL', async () => {
    let asked = '';
    const target = await readStackOutputs({
      stack: 'dev',
      requireLoader: true,
      pulumi: async (s) => ((asked = s), JSON.stringify(full)),
    });
    assert.equal(asked, 'dev');
    assert.deepEqual(target, {
      stack: 'dev',
      indexStorage: 'efs',
      stagingBucket: 'b',
      region: 'eu-west-1',
      apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com',
      loaderInstanceId: 'i-1',
    });
  });

  it('says how to turn the loader on when loaderInstanceId is missing', () => {
    const { loaderInstanceId: _, ...off } = full;
    assert.throws(
      () =>
        validateOutputs(off, {
          stack: 'dev',
          where: 'the outputs of stack "dev"',
          requireLoader: true,
        }),
      (err: unknown) =>
        err instanceof UploadError &&
        err.message ===
          'the outputs of stack "dev" cannot be used for an upload: loaderInstanceId missing: turn the loader on: pulumi config set serverless-ir:loaderEnabled true && pulumi up',
    );
    // A local loader (--local-store) does not need it.
    assert.equal(
      validateOutputs(off, { stack: 'dev', where: 'x', requireLoader: false }).loaderInstanceId,
      undefined,
    );
  });

  it('lists every missing or malformed key at once', () => {
    assert.throws(
      () =>
        validateOutputs(
          { region: 3, apiUrl: 'ftp://x' },
          { stack: 's', where: 'F', requireLoader: false },
        ),
      /stagingBucket missing: .*; region must be a string, got 3; apiUrl must be an http\(s\) URL/,
    );
    assert.throws(
      () => validateOutputs([], { stack: 's', where: 'F', requireLoader: false }),
      /F must be a JSON object of stack outputs/,
    );
  });

  it('reads the storage tier: an s3 stack needs its bucket, a bundled one its function, neither a loader', async () => {
    const { loaderInstanceId: _, ...noLoader } = full;
    const s3 = { ...noLoader, indexStorage: 's3', indexBucket: 'ib', indexPrefix: 'store/' };
    const where = { stack: 'dev', where: 'outputs', requireLoader: true };
    assert.deepEqual(validateOutputs({ ...s3, versionsToKeep: 4 }, where), {
      stack: 'dev',
      stagingBucket: 'b',
      region: 'eu-west-1',
      apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com',
      indexStorage: 's3',
      indexBucket: 'ib',
      indexPrefix: 'store/',
      versionsToKeep: 4,
    });
    assert.throws(
      () => validateOutputs({ ...s3, indexBucket: undefined, versionsToKeep: 0 }, where),
      /indexBucket missing: run pulumi up .*; versionsToKeep must be a whole number of at least 1, got 0/,
    );
    assert.throws(
      () => validateOutputs({ ...full, indexStorage: 'nfs' }, where),
      /indexStorage must be one of bundled, s3, efs, got "nfs"/,
    );
    assert.deepEqual(
      validateOutputs(
        { ...noLoader, indexStorage: 'bundled', searchFunctionName: 'sir-api-search-1a2b' },
        where,
      ),
      {
        stack: 'dev',
        stagingBucket: 'b',
        region: 'eu-west-1',
        apiUrl: 'https://x.execute-api.eu-west-1.amazonaws.com',
        indexStorage: 'bundled',
        searchFunctionName: 'sir-api-search-1a2b',
      },
    );
    const bundled = join(tmp, 'bundled.json');
    writeFileSync(bundled, JSON.stringify({ ...noLoader, indexStorage: 'bundled' }));
    const r = await sir(['upload', '--stack', 'dev', '--outputs', bundled, '--index', tmp]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^sir upload: .*searchFunctionName missing: run pulumi up with a current version of the program/m,
    );
    const mixed = await sir(['rollback', '--store', tmp, '--to', 'up-1']);
    assert.equal(mixed.code, 2, mixed.stderr);
    assert.match(mixed.stderr, /--to applies to --stack NAME on a bundled stack/);
    const efs = join(tmp, 'efs.json');
    writeFileSync(efs, JSON.stringify(full));
    const notBundled = await sir(['rollback', '--stack', 'dev', '--outputs', efs, '--to', 'up-1']);
    assert.equal(notBundled.code, 2, notBundled.stderr);
    assert.match(notBundled.stderr, /--to applies to bundled stacks; stack dev is an efs stack/);
    const badEndpoint = await sir(['versions', '--stack', 'dev', '--lambda-endpoint', 'moto']);
    assert.equal(badEndpoint.code, 2, badEndpoint.stderr);
    assert.match(badEndpoint.stderr, /--lambda-endpoint must be an http\(s\) URL/);
  });

  it('reports an unreadable or invalid --outputs file', async () => {
    await assert.rejects(
      readStackOutputs({ stack: 'dev', outputsFile: join(tmp, 'nope.json'), requireLoader: true }),
      /cannot read the stack outputs file .*nope\.json/,
    );
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{not json');
    await assert.rejects(
      readStackOutputs({ stack: 'dev', outputsFile: bad, requireLoader: true }),
      /bad\.json is not valid JSON/,
    );
  });

  it('resolves the agent settings: flags over environment over loader.env', () => {
    const envFile = join(tmp, 'loader.env');
    writeFileSync(
      envFile,
      '# loader\nSIR_STORE_DIR=/mnt/index\nSIR_STAGING_BUCKET=from-file\nSIR_STAGING_PREFIX=staging/\nSIR_VERSIONS_TO_KEEP=3\nAWS_REGION="eu-west-1"\n',
    );
    assert.deepEqual(parseEnvFile("A=1\n\n#c\nexport B='two'\n"), { A: '1', B: 'two' });
    const env = { SIR_LOADER_ENV: envFile, SIR_STAGING_BUCKET: 'from-env' };
    assert.deepEqual(resolveAgentConfig({}, env), {
      storeDir: '/mnt/index',
      bucket: 'from-env',
      prefix: 'staging/',
      keep: 3,
      region: 'eu-west-1',
    });
    assert.deepEqual(
      resolveAgentConfig({ bucket: 'flag', keep: '2', 's3-endpoint': 'http://127.0.0.1:1' }, env),
      {
        storeDir: '/mnt/index',
        bucket: 'flag',
        prefix: 'staging/',
        keep: 2,
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:1',
      },
    );
    assert.throws(
      () => resolveAgentConfig({}, { SIR_LOADER_ENV: join(tmp, 'none') }),
      /does not know the index store folder \(--store or SIR_STORE_DIR\), the staging bucket .*, the AWS region/,
    );
    assert.throws(
      () => resolveAgentConfig({ keep: '0' }, env),
      /versions to keep must be an integer of at least 1, got "0"/,
    );
  });

  it('derives the version id from the content, the kind and the analyzer options', () => {
    const files = [{ path: 'index.sir', bytes: 3, sha256: 'a'.repeat(64) }];
    const v = contentVersion('index', files);
    assert.match(v, /^up-[0-9a-f]{16}$/);
    assert.equal(contentVersion('index', files), v);
    assert.notEqual(contentVersion('corpus', files), v);
    assert.notEqual(
      contentVersion('corpus', files, { stemmer: 'none' }),
      contentVersion('corpus', files),
    );
    assert.notEqual(contentVersion('index', [{ ...files[0]!, sha256: 'b'.repeat(64) }]), v);
  });

  it('answers bad usage with exit code 2 and a sentence', async () => {
    const outputs = join(tmp, 'outputs.json');
    writeFileSync(outputs, JSON.stringify(full));
    const cases: Array<[string[], RegExp]> = [
      [['upload', '--index', tmp], /--stack NAME is required/],
      [['upload', '--stack', 'dev'], /give one of --index DIR .* or --corpus FILE/],
      [
        ['upload', '--stack', 'dev', '--index', tmp, '--stemmer', 'none'],
        /--stemmer: analyzer options apply to --corpus only/,
      ],
      [
        ['upload', '--stack', 'dev', '--index', tmp, '--local-store', tmp],
        /--local-store DIR needs --s3-endpoint URL/,
      ],
      [
        ['upload', '--stack', 'dev', '--index', tmp, '--part-size-mb', '1'],
        /--part-size-mb must be an integer from 5/,
      ],
      [
        ['upload', '--stack', 'dev', '--index', tmp, '--verify', 'x'],
        /--verify must be the API's http\(s\) URL/,
      ],
      [['rollback', '--stack', 'dev', '--store', tmp], /either --store DIR .* or --stack NAME/],
      [['loader-agent', 'publish'], /publish needs --version V/],
      [['loader-agent', 'explode'], /expected one action, publish or rollback, got "explode"/],
    ];
    for (const [args, message] of cases) {
      const r = await sir(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const noLoader = join(tmp, 'no-loader.json');
    const { loaderInstanceId: _, ...off } = full;
    writeFileSync(noLoader, JSON.stringify(off));
    const r = await sir(['upload', '--stack', 'dev', '--outputs', noLoader, '--index', tmp]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /loaderInstanceId missing: turn the loader on: pulumi config set serverless-ir:loaderEnabled true && pulumi up/,
    );
  });
});
