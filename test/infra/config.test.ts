import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import {
  amiArchitecture,
  CONFIG_KEYS,
  ConfigError,
  DEFAULTS,
  parseConfig,
  type RawConfig,
} from '../../infra/config.js';
import { DEFAULT_KEEP } from '../../runtime/store/retention.js';

/** Reads Pulumi.yaml's config schema: key → { type, default (raw YAML), description }. */
function projectSchema(): Map<string, { type: string; def: string; description: string }> {
  const text = readFileSync(new URL('../../Pulumi.yaml', import.meta.url), 'utf8');
  const block =
    /^ {2}([A-Za-z]+):\n {4}type: (\w+)\n(?: {4}items:\n {6}type: \w+\n)? {4}default: (.+)\n {4}description: (.+)$/gm;
  const schema = new Map<string, { type: string; def: string; description: string }>();
  for (const m of text.matchAll(block))
    schema.set(m[1]!, { type: m[2]!, def: m[3]!, description: m[4]! });
  return schema;
}

/** Pulumi.dev.yaml's values, as the strings Pulumi hands the program (arrays as JSON). */
function devStack(): RawConfig {
  const text = readFileSync(new URL('../../Pulumi.dev.yaml', import.meta.url), 'utf8');
  const raw: Record<string, string> = {};
  for (const m of text.matchAll(/^ {2}serverless-ir:(\w+):(?: (.+))?\n((?: {4}- .+\n)*)/gm)) {
    const items = [...m[3]!.matchAll(/^ {4}- (.+)$/gm)].map((i) => JSON.parse(i[1]!) as string);
    // A quoted YAML scalar ("" for an empty string) is the string inside the quotes.
    const scalar = m[2]?.startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    raw[m[1]!] = scalar !== undefined ? scalar : JSON.stringify(items);
  }
  return raw;
}

function rejects(raw: Parameters<typeof parseConfig>[0], ...mentions: string[]) {
  assert.throws(
    () => parseConfig(raw),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
      assert.match(error.message, /^serverless-ir config: /);
      for (const word of mentions)
        assert.ok(error.message.includes(word), `"${error.message}" should name ${word}`);
      return true;
    },
  );
}

describe('infra config', () => {
  it('returns every default when nothing is set', () => {
    assert.deepEqual(parseConfig({}), DEFAULTS);
  });

  it('declares every key in Pulumi.yaml with a type, the same default and a description', () => {
    const schema = projectSchema();
    assert.deepEqual([...schema.keys()].sort(), [...CONFIG_KEYS].sort());
    for (const key of CONFIG_KEYS) {
      const entry = schema.get(key)!;
      assert.ok(entry.description.length > 10, `${key} needs a description`);
      const expected = DEFAULTS[key];
      const declared =
        entry.type === 'array' || entry.def.startsWith('"') ? JSON.parse(entry.def) : entry.def;
      assert.deepEqual(String(declared), String(expected), `default of ${key}`);
      const type = Array.isArray(expected)
        ? 'array'
        : typeof expected === 'boolean'
          ? 'boolean'
          : typeof expected === 'number'
            ? 'integer'
            : 'string';
      assert.equal(entry.type, type, `type of ${key}`);
    }
  });

  it('parses strings as Pulumi hands them over', () => {
    const cfg = parseConfig({
      indexStorage: 'efs',
      azCount: '3',
      loaderEnabled: 'true',
      apiKeyRequired: 'true',
      corsOrigins: '["https://a.example.org"]',
      efsThroughputMode: 'provisioned',
      efsProvisionedThroughputMibps: '10',
      logRetentionDays: '30',
      reservedConcurrency: '5',
      jobsAlarmEmail: 'ops@example.org',
    });
    assert.equal(cfg.jobsAlarmEmail, 'ops@example.org');
    assert.equal(cfg.azCount, 3);
    assert.equal(cfg.loaderEnabled, true);
    assert.equal(cfg.apiKeyRequired, true);
    assert.deepEqual(cfg.corsOrigins, ['https://a.example.org']);
    assert.equal(cfg.efsProvisionedThroughputMibps, 10);
    assert.equal(cfg.logRetentionDays, 30);
    assert.equal(cfg.reservedConcurrency, 5);
  });

  it('names both keys when throughput mode and provisioned throughput conflict', () => {
    rejects(
      { indexStorage: 'efs', efsThroughputMode: 'provisioned' },
      'efsThroughputMode',
      'efsProvisionedThroughputMibps',
    );
    rejects(
      { indexStorage: 'efs', efsProvisionedThroughputMibps: '5' },
      'efsThroughputMode',
      'efsProvisionedThroughputMibps',
    );
  });

  it('names both keys when aws:region disagrees with serverless-ir:region', () => {
    rejects({ region: 'eu-west-1', awsRegion: 'us-east-1' }, 'aws:region', 'serverless-ir:region');
    assert.equal(parseConfig({ region: 'eu-west-1', awsRegion: 'eu-west-1' }).region, 'eu-west-1');
  });

  it('refuses values out of range, naming the key', () => {
    rejects({ indexStorage: 'efs', azCount: '1' }, 'azCount');
    rejects({ lambdaTimeoutSeconds: '31' }, 'lambdaTimeoutSeconds');
    rejects({ lambdaMemoryMb: '64' }, 'lambdaMemoryMb');
    rejects({ reservedConcurrency: '0' }, 'reservedConcurrency');
    rejects({ logRetentionDays: '10' }, 'logRetentionDays');
    rejects({ indexStorage: 'efs', loaderEnabled: 'yes' }, 'loaderEnabled');
    rejects({ corsOrigins: 'https://a.example.org' }, 'corsOrigins');
    rejects({ corsOrigins: '["https://a.example.org/path"]' }, 'corsOrigins');
    rejects({ apiThrottlingRateLimit: '0' }, 'apiThrottlingRateLimit');
    rejects({ region: 'mars' }, 'region');
    rejects({ nope: '1' } as never, 'nope');
    rejects({ jobsAlarmEmail: 'ops' }, 'jobsAlarmEmail must be an e-mail address', '"ops"');
    rejects({ jobsAlarmEmail: 'a b@example.org' }, 'jobsAlarmEmail');
    rejects({ jobsEnabled: 'false', jobsAlarmEmail: 'ops@example.org' }, 'jobsEnabled is false');
  });

  it('accepts only mount paths Lambda accepts (^/mnt/[A-Za-z0-9._-]+$)', () => {
    assert.equal(
      parseConfig({ indexStorage: 'efs', indexMountPath: '/mnt/sir.index-2' }).indexMountPath,
      '/mnt/sir.index-2',
    );
    for (const bad of ['/mnt/', '/mnt/a/b', '/data/index', '/mnt/a b', 'mnt/index'])
      rejects({ indexStorage: 'efs', indexMountPath: bad }, 'indexMountPath');
  });

  it('refuses every fractional value of a key Pulumi.yaml declares integer', () => {
    const integers = [...projectSchema()].filter(([, e]) => e.type === 'integer');
    assert.ok(integers.some(([key]) => key === 'apiThrottlingRateLimit'));
    for (const [key] of integers) rejects({ indexStorage: 'efs', [key]: '2.5' }, key);
  });

  it('keeps each tier to its own keys: bundled needs indexPath, EFS keys only on efs', () => {
    assert.equal(
      parseConfig({ indexStorage: 'bundled', indexPath: './built', jobsEnabled: 'false' })
        .indexPath,
      './built',
    );
    rejects({ indexStorage: 'bundled' }, 'indexStorage', 'indexPath');
    rejects({ indexPath: './built' }, 'indexPath', 'efs');
    rejects({ indexStorage: 'efs', indexPath: './built' }, 'indexPath', 'efs');
    rejects({ indexStorage: 'tape' }, 'indexStorage', 'bundled, s3, efs');
    const s3 = { indexStorage: 's3', jobsEnabled: 'false' };
    rejects({ ...s3, loaderEnabled: 'true', azCount: '3' }, 'loaderEnabled', 'azCount', 'efs only');
    rejects({ ...s3, indexStorage: 'bundled', indexPath: 'x', efsBackups: 'true' }, 'efsBackups');
    rejects({ indexMaxMb: '50' }, 'indexMaxMb');
    rejects({ ...s3, indexMaxMb: '0' }, 'indexMaxMb');
    // The job pipeline publishes through the store: on efs and s3 alike (the default, on)…
    assert.equal(parseConfig({ indexStorage: 's3' }).jobsEnabled, true);
    assert.equal(parseConfig({ ...s3, jobsEnabled: 'true' }).jobsEnabled, true);
    // …but a bundled index is the function's artifact: refused, even as the default.
    const bundled = { indexStorage: 'bundled', indexPath: './built' };
    rejects(bundled, 'jobsEnabled is true (the default)', 'indexStorage is bundled');
    rejects(
      { ...bundled, jobsEnabled: 'true' },
      'jobsEnabled is true but',
      'set jobsEnabled false',
    );
    // A worker's /tmp bounds the index an evaluation may read: Lambda's 512–10240 MB.
    assert.equal(parseConfig({}).jobsWorkerTmpMb, 2048);
    assert.equal(parseConfig({ jobsWorkerTmpMb: '10240' }).jobsWorkerTmpMb, 10240);
    rejects({ jobsWorkerTmpMb: '511' }, 'jobsWorkerTmpMb must be an integer from 512 to 10240');
    // The defaults spelled out (Pulumi.dev.yaml) are fine on every tier.
    assert.equal(parseConfig({ ...s3, loaderEnabled: 'false', azCount: '2' }).indexStorage, 's3');
  });

  it('has no Lambda architecture to choose: the policy pack allows only arm64', () => {
    rejects({ lambdaArchitecture: 'x86_64' } as RawConfig, 'lambdaArchitecture');
  });

  it('keeps Pulumi.dev.yaml a valid stack that spells out every default', () => {
    const raw = devStack();
    assert.deepEqual(Object.keys(raw).sort(), [...CONFIG_KEYS].sort());
    assert.deepEqual(parseConfig(raw), DEFAULTS);
  });

  it('agrees on versions to keep in every layer: store, stack config, Pulumi.yaml, README', () => {
    assert.equal(DEFAULTS.versionsToKeep, DEFAULT_KEEP);
    assert.equal(projectSchema().get('versionsToKeep')!.def, String(DEFAULT_KEEP));
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.match(readme, new RegExp(`^\\| \`versionsToKeep\` \\| \`${DEFAULT_KEEP}\` \\|`, 'm'));
  });

  it('takes the AMI architecture from what EC2 says the type supports', () => {
    assert.equal(amiArchitecture('a1.large', ['arm64']), 'arm64');
    assert.equal(amiArchitecture('t4g.small', ['arm64']), 'arm64');
    assert.equal(amiArchitecture('t3.small', ['i386', 'x86_64']), 'x86_64');
    assert.throws(
      () => amiArchitecture('mac2.metal', ['arm64_mac']),
      /mac2\.metal supports arm64_mac; Amazon Linux 2023 needs arm64 or x86_64/,
    );
  });
});
