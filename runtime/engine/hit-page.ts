/**
 * Decodes the engine's page of shaped hits (`Index.pageHits`, layout in
 * `index-core/src/hits/layout.rs`): little-endian u32 numbers, strings as a UTF-8 length and bytes.
 */

/** A hit whose stored document was read and shaped. */
export interface ShapedHit {
  id: string;
  title: string;
  /** A window of the hit's text, its query terms at `spans` ([start, end) in UTF-16 units). */
  snippet: { text: string; cutBefore: boolean; cutAfter: boolean; spans: Array<[number, number]> };
  /** The stored keys other than the id and the indexed fields. */
  metadata: Record<string, unknown>;
}

/** A hit whose stored document is damaged (checksum, compression or JSON): its id and why. */
export interface DamagedHit {
  id: string;
  damaged: string;
}

export type PageHit = ShapedHit | DamagedHit;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeHitPage(bytes: Uint8Array): PageHit[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const str = () => {
    const n = u32();
    const s = utf8.decode(bytes.subarray(at, at + n));
    at += n;
    return s;
  };
  const hits: PageHit[] = [];
  for (let count = u32(); count > 0; count--) {
    const status = u32();
    const id = str();
    if (status !== 0) {
      hits.push({ id, damaged: str() });
      continue;
    }
    const title = str();
    const text = str();
    const flags = u32();
    const spans: Array<[number, number]> = [];
    for (let n = u32(); n > 0; n--) spans.push([u32(), u32()]);
    const metadata = JSON.parse(str()) as Record<string, unknown>;
    hits.push({
      id,
      title,
      snippet: { text, cutBefore: (flags & 1) !== 0, cutAfter: (flags & 2) !== 0, spans },
      metadata,
    });
  }
  return hits;
}
