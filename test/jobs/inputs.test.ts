/**
 * Job inputs: who may read what, content hashes, and realigned byte ranges — every line owned by
 * exactly one range, whatever the cut (a property test over random corpora and chunk sizes, on a
 * local file and on S3 through fauxqs), and a changed input refused.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { JobError, describeInput, locateInput } from '../../runtime/jobs/index.js';
import { InputChangedError, readChunk } from '../../runtime/jobs/inputs.js';
import { type LocalAws, startLocalAws } from '../../runtime/local/local-aws.js';
import { makeS3Client } from '../../runtime/upload/index.js';
import { tempDir } from '../fixtures/corpus.js';

const Bucket = 'staging-test';
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** Lines of random lengths (some blank, some long), with or without a final newline. */
const corpusArb = fc
  .record({
    lines: fc.array(
      fc.string({ maxLength: 60, unit: fc.constantFrom('a', 'b', ' ', 'é', '{', '"') }),
      {
        minLength: 1,
        maxLength: 40,
      },
    ),
    finalNewline: fc.boolean(),
  })
  .map(({ lines, finalNewline }) => lines.join('\n') + (finalNewline ? '\n' : ''));

describe('job inputs', () => {
  let aws: LocalAws;
  let s3: S3Client;
  const root = tempDir('sir-inputs-');
  const access = { buckets: [Bucket], fileRoots: [root] };
  before(async () => {
    aws = await startLocalAws();
    s3 = makeS3Client({ region: aws.region, endpoint: aws.endpoint });
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  after(() => aws.close());

  it('refuses what the stack may not read, with a sentence', () => {
    const refused = (url: string, a: Parameters<typeof locateInput>[1], re: RegExp) =>
      assert.throws(
        () => locateInput(url, a),
        (e: unknown) => e instanceof JobError && e.field === 'corpus' && re.test(e.message),
      );
    refused('s3://other-bucket/x.jsonl', access, /read only objects in s3:\/\/staging-test\//);
    refused('file:///etc/passwd', access, /outside the folders this server reads job inputs from/);
    refused(
      pathToFileURL(join(root, 'a.jsonl')).href,
      { buckets: [Bucket] },
      /a job in AWS cannot read/,
    );
    refused(
      'https://example.com/x',
      access,
      /expected s3:\/\/BUCKET\/KEY or \(locally\) file:\/\/\/PATH/,
    );
    refused('s3://staging-test', access, /not s3:\/\/BUCKET\/KEY/);
    assert.deepEqual(locateInput(`s3://${Bucket}/a/b.jsonl`, access), {
      scheme: 's3',
      bucket: Bucket,
      key: 'a/b.jsonl',
    });
  });

  it('a symlink inside the allowed folder may not lead outside it', async () => {
    const link = join(root, 'sneaky.jsonl');
    symlinkSync('/etc/hostname', link);
    await assert.rejects(
      describeInput(s3, pathToFileURL(link).href, access),
      (e: unknown) => e instanceof JobError && /outside the folders/.test(e.message),
    );
  });

  it('hashes files; reads S3 hashes from the full-object checksum or the staging metadata', async () => {
    const file = join(root, 'c.jsonl');
    writeFileSync(file, 'one\ntwo\n');
    const f = await describeInput(s3, pathToFileURL(file).href, access);
    assert.deepEqual([f.bytes, f.sha256], [8, sha('one\ntwo\n')]);
    const body = Buffer.from('x\ny\n');
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'full.jsonl',
        Body: body,
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
      }),
    );
    assert.equal((await describeInput(s3, `s3://${Bucket}/full.jsonl`, access)).sha256, sha(body));
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'meta.jsonl',
        Body: body,
        Metadata: { sha256: sha(body) },
      }),
    );
    assert.equal((await describeInput(s3, `s3://${Bucket}/meta.jsonl`, access)).sha256, sha(body));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'plain.jsonl', Body: body }));
    await assert.rejects(
      describeInput(s3, `s3://${Bucket}/plain.jsonl`, access),
      /carries no SHA-256/,
    );
    await assert.rejects(
      describeInput(s3, `s3://${Bucket}/absent.jsonl`, access),
      /does not exist/,
    );
  });

  for (const where of ['file', 's3'] as const) {
    it(`realigned ranges own every line exactly once, in order (${where})`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(corpusArb, fc.integer({ min: 1, max: 50 }), async (text, chunk) => {
          const body = Buffer.from(text);
          let url: string;
          if (where === 'file') {
            const file = join(root, `prop-${n++}.jsonl`);
            writeFileSync(file, body);
            url = pathToFileURL(file).href;
          } else {
            const Key = `prop-${n++}.jsonl`;
            await s3.send(
              new PutObjectCommand({ Bucket, Key, Body: body, Metadata: { sha256: sha(body) } }),
            );
            url = `s3://${Bucket}/${Key}`;
          }
          const ref = await describeInput(s3, url, access);
          const parts: Buffer[] = [];
          let expectedStart = 0;
          for (let start = 0; start < body.length; start += chunk) {
            const c = await readChunk(s3, ref, access, start, Math.min(body.length, start + chunk));
            if (c.bytes.length > 0) {
              assert.equal(c.start, expectedStart, 'ranges are contiguous');
              assert.ok(
                c.start >= start && c.start < start + chunk,
                'the first line starts in the range',
              );
              expectedStart = c.end;
            }
            parts.push(c.bytes);
          }
          assert.equal(
            Buffer.concat(parts).toString(),
            text,
            'the ranges put together are the corpus',
          );
        }),
        { numRuns: where === 'file' ? 150 : 40 },
      );
    });
  }

  it('a changed input is refused, never mixed with the submitted one', async () => {
    const file = join(root, 'changing.jsonl');
    writeFileSync(file, 'a\nb\n');
    const ref = await describeInput(s3, pathToFileURL(file).href, access);
    appendFileSync(file, 'c\n');
    await assert.rejects(readChunk(s3, ref, access, 0, 4), InputChangedError);
    const Key = 'changing.jsonl';
    const v1 = Buffer.from('a\nb\n');
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: v1, Metadata: { sha256: sha(v1) } }));
    const s3ref = await describeInput(s3, `s3://${Bucket}/${Key}`, access);
    const v2 = Buffer.from('a\nB\n');
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: v2, Metadata: { sha256: sha(v2) } }));
    await assert.rejects(readChunk(s3, s3ref, access, 0, 4), /changed since the job was submitted/);
  });

  it('reads a line longer than many chunks once, in the chunk where it starts', async () => {
    mkdirSync(join(root, 'long'), { recursive: true });
    const file = join(root, 'long', 'c.jsonl');
    const text = `short\n${'x'.repeat(3_000_000)}\nend\n`;
    writeFileSync(file, text);
    const ref = await describeInput(s3, pathToFileURL(file).href, access);
    const size = 1 << 20;
    const chunks = [];
    for (let s = 0; s < text.length; s += size)
      chunks.push(await readChunk(s3, ref, access, s, s + size));
    assert.equal(chunks[0]!.bytes.length, 6 + 3_000_001, 'chunk 1 owns "short" and the long line');
    assert.equal(chunks[1]!.bytes.length, 0);
    assert.equal(chunks[2]!.bytes.toString(), 'end\n');
  });
});
