//! Raw DEFLATE (RFC 1951) compression of the stored-document blocks.
//!
//! Built for ~16 KB blocks of JSON text and for speed in WebAssembly, where it runs about 1.9
//! times as fast as miniz_oxide's level 1 and makes blocks about 15% smaller: greedy LZ77
//! matching through a one-entry hash table of 5-byte prefixes, matches extended 8 bytes at a
//! time, then one Huffman block per input up to 128 KiB (dynamic, fixed or stored, whichever is
//! smallest) written through a 64-bit bit buffer. Any inflater reads the output; `miniz_oxide::inflate` is
//! the one the index uses.

/// DEFLATE's window: the farthest a match may reach back.
const WINDOW: usize = 32768;
/// Candidates are found by a hash of 5 bytes (in text, 4-byte matches seldom pay for themselves
/// and displace longer ones) and taken from 4 equal bytes.
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
/// 64 Ki entries (256 KB): fewer collisions than smaller tables, which costs more time in missed
/// and falsely suspected matches than the larger table costs in cache misses.
const HASH_BITS: u32 = 16;
const HASH_SIZE: usize = 1 << HASH_BITS;
/// Long literal runs are scanned with growing steps (incompressible data): one more byte is skipped
/// per this many literals, so text, whose runs are short, is scanned at every byte.
const SKIP_SHIFT: u32 = 7;
/// How many of a match's last positions are indexed as well (see `compress`).
const INDEX_MATCH_END: usize = 4;
/// A new Huffman block starts after this many matches or input bytes, so that the codes follow the
/// data of large inputs; a 16 KB input is always one block.
const MAX_BLOCK_SEQS: usize = 1 << 14;
const MAX_BLOCK_BYTES: usize = 1 << 17;
const MAX_STORED: usize = 65535;

const LITLEN_SYMS: usize = 288;
const DIST_SYMS: usize = 32;
const CODELEN_SYMS: usize = 19;
const END_OF_BLOCK: usize = 256;

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The extra bits after code-length symbols 16, 17 and 18 (their repeat counts).
const REPEAT_BITS: [u32; 3] = [2, 3, 7];
/// The order code-length code lengths are sent in (rarely used lengths last, so they can be cut).
const CODELEN_ORDER: [usize; CODELEN_SYMS] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length slot (0..29) of every match length 3..=258.
static LEN_SLOT: [u8; 259] = len_slots();
/// Distance slot of `dist - 1`: below 256 directly, above by `(dist - 1) >> 7` (every slot from
/// 16 on spans a multiple of 128 distances).
static DIST_SLOT: ([u8; 256], [u8; 256]) = dist_slots();

const fn len_slots() -> [u8; 259] {
    let mut t = [0u8; 259];
    let mut s = 0;
    while s < 29 {
        let mut len = LEN_BASE[s] as usize;
        let end = len + (1 << LEN_EXTRA[s]);
        // Slot 27 would reach 258 too; slot 28, written last, is the one inflaters expect.
        while len < end && len <= MAX_MATCH {
            t[len] = s as u8;
            len += 1;
        }
        s += 1;
    }
    t
}

const fn dist_slots() -> ([u8; 256], [u8; 256]) {
    let (mut small, mut large) = ([0u8; 256], [0u8; 256]);
    let mut s = 0;
    while s < 30 {
        let first = DIST_BASE[s] as usize - 1;
        let end = first + (1 << DIST_EXTRA[s]);
        let mut d = first;
        while d < end && d < 256 {
            small[d] = s as u8;
            d += 1;
        }
        let mut d = first >> 7;
        while d < (end + 127) >> 7 && d < 256 {
            if d >= 2 {
                large[d] = s as u8;
            }
            d += 1;
        }
        s += 1;
    }
    (small, large)
}

#[inline(always)]
fn dist_slot(dist: usize) -> usize {
    let d = dist - 1;
    if d < 256 {
        DIST_SLOT.0[d] as usize
    } else {
        DIST_SLOT.1[(d >> 7) & 255] as usize
    }
}

#[inline(always)]
fn load32(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(data[at..at + 4].try_into().unwrap())
}

#[inline(always)]
fn load64(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(data[at..at + 8].try_into().unwrap())
}

#[inline(always)]
fn hash(eight: u64) -> usize {
    ((eight << 24).wrapping_mul(0x9E37_79B1_7F4A_7C15) >> (64 - HASH_BITS)) as usize
}

/// Length of the match at `at` against `from` (< `at`), whose first `MIN_MATCH` bytes are equal.
#[inline(always)]
fn match_len(data: &[u8], from: usize, at: usize) -> usize {
    let max = (data.len() - at).min(MAX_MATCH);
    let mut len = MIN_MATCH;
    while len + 8 <= max {
        let diff = load64(data, from + len) ^ load64(data, at + len);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while len < max && data[from + len] == data[at + len] {
        len += 1;
    }
    len
}

/// A run of literals followed by a match (`dist` 0: none).
#[derive(Clone, Copy)]
struct Seq {
    literals: u32,
    dist: u16,
    /// Match length - 3.
    len: u8,
    dist_slot: u8,
}

/// Reusable compressor state (hash tables etc.), so compressing many 16 KB blocks allocates nothing
/// per block.
pub(crate) struct Deflater {
    /// Per hash of 5 bytes, the last position they were seen at, as `stamp + position`. Each call
    /// moves `stamp` past every position stored before, so old entries read as out of reach (a
    /// distance beyond the current position) and the table is never cleared.
    head: Box<[u32; HASH_SIZE]>,
    stamp: u32,
    block: Block,
}

/// The Huffman block being gathered: its matches and symbol frequencies.
struct Block {
    seqs: Vec<Seq>,
    litlen_freq: [u32; LITLEN_SYMS],
    dist_freq: [u32; DIST_SYMS],
}

impl Deflater {
    pub(crate) fn new() -> Deflater {
        Deflater {
            head: vec![0; HASH_SIZE].into_boxed_slice().try_into().unwrap(),
            // Nonzero, so the zeroed table reads as stale too.
            stamp: 1,
            block: Block {
                seqs: Vec::with_capacity(MAX_BLOCK_SEQS + 1),
                litlen_freq: [0; LITLEN_SYMS],
                dist_freq: [0; DIST_SYMS],
            },
        }
    }

    /// Compresses `input` (any length, including 0 and > 64 KiB) as one complete raw DEFLATE
    /// stream into `out` (cleared first).
    pub(crate) fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        let mut bits = BitState::default();
        let stamp = self.stamp;
        self.stamp = stamp.wrapping_add(input.len() as u32);
        // Locals, so that the loop keeps the table's address in a register.
        let head = &mut *self.head;
        let block = &mut self.block;
        block.start();
        let n = input.len();
        let (mut block_start, mut literals_start, mut i) = (0, 0, 0);
        while i + 8 <= n {
            let eight = load64(input, i);
            let h = hash(eight);
            let here = stamp.wrapping_add(i as u32);
            let dist = here.wrapping_sub(head[h]) as usize;
            head[h] = here;
            // Whatever the table holds, a match is only taken within reach and after checking its
            // bytes (stale and colliding entries fail one or the other).
            if dist.wrapping_sub(1) >= i.min(WINDOW) || load32(input, i - dist) != eight as u32 {
                let step = 1 + ((i - literals_start) >> SKIP_SHIFT);
                if step == 1 {
                    block.litlen_freq[eight as u8 as usize] += 1;
                    i += 1;
                    continue;
                }
                block.count_literals(&input[i..(i + step).min(n)]);
                i += step;
                // Bound a block of incompressible data, which stays literals (or stored).
                if i - block_start >= MAX_BLOCK_BYTES && i <= n {
                    block.push(literals_start, i, 0, 0);
                    block.write(out, &mut bits, input, block_start, i, false);
                    block.start();
                    block_start = i;
                    literals_start = i;
                }
                continue;
            }
            let len = match_len(input, i - dist, i);
            block.push(literals_start, i, len, dist);
            // Index the last positions of the match too: text that repeats a phrase often repeats
            // what followed it, while indexing every position costs more time than it saves bytes.
            let end = (i + len).min(n - 7);
            for p in (i + 1).max(end.saturating_sub(INDEX_MATCH_END))..end {
                head[hash(load64(input, p))] = stamp.wrapping_add(p as u32);
            }
            i += len;
            literals_start = i;
            if block.seqs.len() >= MAX_BLOCK_SEQS || i - block_start >= MAX_BLOCK_BYTES {
                block.write(out, &mut bits, input, block_start, i, false);
                block.start();
                block_start = i;
            }
        }
        // The last few bytes (fewer than 8 to hash) are literals.
        block.count_literals(&input[i.min(n)..]);
        block.push(literals_start, n, 0, 0);
        block.write(out, &mut bits, input, block_start, n, true);
        let mut w = BitWriter::resume(out, bits, 0);
        w.align();
        let len = w.pos;
        out.truncate(len);
    }
}

impl Block {
    fn start(&mut self) {
        self.seqs.clear();
        self.litlen_freq = [0; LITLEN_SYMS];
        self.dist_freq = [0; DIST_SYMS];
    }

    fn count_literals(&mut self, literals: &[u8]) {
        for &b in literals {
            self.litlen_freq[b as usize] += 1;
        }
    }

    /// Records the literals `from..to` (already counted) and then the match at `to` (`len` 0:
    /// none).
    #[inline(always)]
    fn push(&mut self, from: usize, to: usize, len: usize, dist: usize) {
        let mut slot = 0;
        if len != 0 {
            slot = dist_slot(dist);
            self.litlen_freq[257 + LEN_SLOT[len] as usize] += 1;
            self.dist_freq[slot] += 1;
        }
        self.seqs.push(Seq {
            literals: (to - from) as u32,
            dist: dist as u16,
            len: len.wrapping_sub(3) as u8,
            dist_slot: slot as u8,
        });
    }

    /// Writes `input[start..end]`, recorded in `seqs` and the frequencies, as the smallest of a
    /// dynamic, fixed or stored block.
    fn write(
        &mut self,
        out: &mut Vec<u8>,
        bits: &mut BitState,
        input: &[u8],
        start: usize,
        end: usize,
        last: bool,
    ) {
        self.litlen_freq[END_OF_BLOCK] = 1;
        let mut dynamic = Codes::default();
        build_lengths(&self.litlen_freq[..286], 15, &mut dynamic.litlen_lens);
        build_lengths(&self.dist_freq[..30], 15, &mut dynamic.dist_lens);
        let header = Header::new(&dynamic);
        let dynamic_bits = 17 + header.bits + self.data_bits(&dynamic);
        let fixed = Codes::fixed();
        let fixed_bits = 3 + self.data_bits(&fixed);
        let chunks = ((end - start + MAX_STORED - 1) / MAX_STORED).max(1);
        // 3 header bits, padding to a byte, then LEN and NLEN per chunk.
        let stored_bits = ((end - start + 5 * chunks) * 8) as u64 + 7;
        let last_bit = last as u32;
        if stored_bits < dynamic_bits.min(fixed_bits) {
            let mut chunks = input[start..end].chunks(MAX_STORED).peekable();
            if chunks.peek().is_none() {
                *bits = BitWriter::resume(out, *bits, 64).stored(&[], last);
            }
            while let Some(chunk) = chunks.next() {
                let w = BitWriter::resume(out, *bits, (chunk.len() as u64 + 8) * 8);
                *bits = w.stored(chunk, last && chunks.peek().is_none());
            }
            return;
        }
        let mut w = BitWriter::resume(out, *bits, dynamic_bits.min(fixed_bits));
        let codes = if fixed_bits <= dynamic_bits {
            w.put(last_bit | 1 << 1, 3);
            fixed
        } else {
            w.put(last_bit | 2 << 1, 3);
            header.write(&mut w);
            dynamic
        };
        let state = w.suspend();
        *bits = self.write_data(w.out, state, input, start, &codes.finish());
    }

    /// The size of the block's symbols coded with `codes`.
    fn data_bits(&self, codes: &Codes) -> u64 {
        let mut total = 0u64;
        for (s, &f) in self.litlen_freq[..286].iter().enumerate() {
            let extra = if s > END_OF_BLOCK {
                LEN_EXTRA[s - 257] as u64
            } else {
                0
            };
            total += f as u64 * (codes.litlen_lens[s] as u64 + extra);
        }
        for (s, &f) in self.dist_freq[..30].iter().enumerate() {
            total += f as u64 * (codes.dist_lens[s] as u64 + DIST_EXTRA[s] as u64);
        }
        total
    }

    /// Writes the block's symbols and end-of-block code at `state` in `out`, which has room.
    fn write_data(
        &self,
        out: &mut [u8],
        state: BitState,
        input: &[u8],
        start: usize,
        codes: &Encoder,
    ) -> BitState {
        // A local writer, so that its state lives in registers rather than memory.
        let mut bits = BitWriter {
            out,
            pos: state.pos,
            buf: state.buf,
            count: state.count,
        };
        let mut pos = start;
        for seq in &self.seqs {
            let literals = &input[pos..pos + seq.literals as usize];
            pos += literals.len();
            // Three literal codes (at most 45 bits) fit beside the at most 7 bits a flush leaves.
            let mut k = 0;
            while k + 3 <= literals.len() {
                for &b in &literals[k..k + 3] {
                    let c = codes.litlen[b as usize];
                    bits.add(c & 0xFFFF, c >> 16);
                }
                bits.flush();
                k += 3;
            }
            for &b in &literals[k..] {
                let c = codes.litlen[b as usize];
                bits.add(c & 0xFFFF, c >> 16);
            }
            bits.flush();
            if seq.dist != 0 {
                // At most 15 + 5 + 15 + 13 bits.
                let c = codes.len[seq.len as usize];
                bits.add(c & 0xFF_FFFF, c >> 24);
                let c = codes.dist[seq.dist_slot as usize & 31];
                let extra = seq.dist as u32 - (c >> 32) as u32;
                bits.add(
                    c as u32 & 0xFFFF | extra << (c >> 16 & 31),
                    (c >> 24) as u32 & 31,
                );
                bits.flush();
                pos += seq.len as usize + 3;
            }
        }
        let c = codes.litlen[END_OF_BLOCK];
        bits.put(c & 0xFFFF, c >> 16);
        bits.suspend()
    }
}

/// Code lengths of one block's two alphabets.
struct Codes {
    litlen_lens: [u8; LITLEN_SYMS],
    dist_lens: [u8; DIST_SYMS],
}

impl Default for Codes {
    fn default() -> Codes {
        Codes {
            litlen_lens: [0; LITLEN_SYMS],
            dist_lens: [0; DIST_SYMS],
        }
    }
}

/// A block's codes ready to write: per literal/length symbol `code | length << 16`; per match
/// length - 3 its code and extra bits together, `bits | count << 24`; per distance slot
/// `code | code length << 16 | count with the extra bits << 24 | slot's first distance << 32`.
struct Encoder {
    litlen: [u32; LITLEN_SYMS],
    dist: [u64; DIST_SYMS],
    len: [u32; 256],
}

impl Codes {
    fn fixed() -> Codes {
        let mut c = Codes::default();
        for (s, l) in c.litlen_lens.iter_mut().enumerate() {
            *l = match s {
                0..=143 => 8,
                144..=255 => 9,
                256..=279 => 7,
                _ => 8,
            };
        }
        c.dist_lens = [5; DIST_SYMS];
        c
    }

    /// The canonical codes of these lengths, laid out for writing.
    fn finish(&self) -> Encoder {
        let mut litlen_codes = [0u16; LITLEN_SYMS];
        let mut dist_codes = [0u16; DIST_SYMS];
        canonical_codes(&self.litlen_lens, &mut litlen_codes);
        canonical_codes(&self.dist_lens, &mut dist_codes);
        let mut e = Encoder {
            litlen: [0; LITLEN_SYMS],
            dist: [0; DIST_SYMS],
            len: [0; 256],
        };
        let codes = litlen_codes.iter().zip(&self.litlen_lens);
        for (entry, (&code, &len)) in e.litlen.iter_mut().zip(codes) {
            *entry = code as u32 | (len as u32) << 16;
        }
        for s in 0..30 {
            let len = self.dist_lens[s] as u64;
            e.dist[s] = dist_codes[s] as u64
                | len << 16
                | (len + DIST_EXTRA[s] as u64) << 24
                | (DIST_BASE[s] as u64) << 32;
        }
        for (len, &slot) in LEN_SLOT.iter().enumerate().skip(3) {
            let slot = slot as usize;
            let code_len = self.litlen_lens[257 + slot] as u32;
            let extra = (len - LEN_BASE[slot] as usize) as u32;
            e.len[len - 3] = litlen_codes[257 + slot] as u32
                | extra << code_len
                | (code_len + LEN_EXTRA[slot] as u32) << 24;
        }
        e
    }
}

/// A dynamic block's header: the code lengths, run-length coded, and the code that codes them.
struct Header {
    litlen_count: usize,
    dist_count: usize,
    codelen_count: usize,
    /// Code-length symbols, each `symbol | repeat bits << 8`.
    items: [u16; LITLEN_SYMS + DIST_SYMS],
    item_count: usize,
    codelen_lens: [u8; CODELEN_SYMS],
    /// Size of everything after the first 17 bits (block type, counts).
    bits: u64,
}

impl Header {
    fn new(codes: &Codes) -> Header {
        let litlen_count = 257
            + codes.litlen_lens[257..286]
                .iter()
                .rposition(|&l| l != 0)
                .map_or(0, |p| p + 1);
        let dist_count = codes.dist_lens[..30]
            .iter()
            .rposition(|&l| l != 0)
            .map_or(0, |p| p + 1)
            .max(1);
        let mut lens = [0u8; LITLEN_SYMS + DIST_SYMS];
        lens[..litlen_count].copy_from_slice(&codes.litlen_lens[..litlen_count]);
        lens[litlen_count..litlen_count + dist_count]
            .copy_from_slice(&codes.dist_lens[..dist_count]);
        let lens = &lens[..litlen_count + dist_count];
        let mut h = Header {
            litlen_count,
            dist_count,
            codelen_count: 4,
            items: [0; LITLEN_SYMS + DIST_SYMS],
            item_count: 0,
            codelen_lens: [0; CODELEN_SYMS],
            bits: 0,
        };
        let mut freq = [0u32; CODELEN_SYMS];
        let mut push = |h: &mut Header, sym: u16, repeat: u16| {
            freq[sym as usize] += 1;
            h.items[h.item_count] = sym | repeat << 8;
            h.item_count += 1;
        };
        let mut i = 0;
        while i < lens.len() {
            let l = lens[i];
            let mut run = lens[i..].iter().take_while(|&&x| x == l).count();
            i += run;
            if l == 0 {
                while run >= 11 {
                    let r = run.min(138);
                    push(&mut h, 18, (r - 11) as u16);
                    run -= r;
                }
                if run >= 3 {
                    push(&mut h, 17, (run - 3) as u16);
                    run = 0;
                }
            } else {
                push(&mut h, l as u16, 0);
                run -= 1;
                while run >= 3 {
                    let r = run.min(6);
                    push(&mut h, 16, (r - 3) as u16);
                    run -= r;
                }
            }
            for _ in 0..run {
                push(&mut h, l as u16, 0);
            }
        }
        build_lengths(&freq, 7, &mut h.codelen_lens);
        h.codelen_count = CODELEN_ORDER
            .iter()
            .rposition(|&s| h.codelen_lens[s] != 0)
            .map_or(0, |p| p + 1)
            .max(4);
        h.bits = 3 * h.codelen_count as u64
            + freq
                .iter()
                .enumerate()
                .map(|(s, &f)| {
                    f as u64
                        * (h.codelen_lens[s] as u64
                            + if s >= 16 {
                                REPEAT_BITS[s - 16] as u64
                            } else {
                                0
                            })
                })
                .sum::<u64>();
        h
    }

    fn write(&self, bits: &mut BitWriter) {
        bits.put((self.litlen_count - 257) as u32, 5);
        bits.put((self.dist_count - 1) as u32, 5);
        bits.put((self.codelen_count - 4) as u32, 4);
        for &s in &CODELEN_ORDER[..self.codelen_count] {
            bits.put(self.codelen_lens[s] as u32, 3);
        }
        let mut codelen_codes = [0u16; CODELEN_SYMS];
        canonical_codes(&self.codelen_lens, &mut codelen_codes);
        for &item in &self.items[..self.item_count] {
            let s = (item & 0xFF) as usize;
            bits.add(codelen_codes[s] as u32, self.codelen_lens[s] as u32);
            if s >= 16 {
                bits.add((item >> 8) as u32, REPEAT_BITS[s - 16]);
            }
            bits.flush();
        }
    }
}

/// Huffman code lengths for `freqs`, none longer than `max_len`, into `lens`. Every used symbol
/// gets a code and the code is complete: a lone symbol gets a sibling, as some inflaters require.
fn build_lengths(freqs: &[u32], max_len: usize, lens: &mut [u8]) {
    // (frequency, symbol), sorted by frequency.
    let mut syms = [0u64; LITLEN_SYMS];
    let mut used = 0;
    for (s, &f) in freqs.iter().enumerate() {
        lens[s] = 0;
        if f != 0 {
            syms[used] = (f as u64) << 16 | s as u64;
            used += 1;
        }
    }
    if used < 2 {
        let a = if used == 1 {
            syms[0] as usize & 0xFFFF
        } else {
            0
        };
        lens[a] = 1;
        lens[if a == 0 { 1 } else { 0 }] = 1;
        return;
    }
    let syms = &mut syms[..used];
    syms.sort_unstable();
    let mut depth = [0u32; LITLEN_SYMS];
    for (d, &s) in depth.iter_mut().zip(syms.iter()) {
        *d = (s >> 16) as u32;
    }
    let depth = &mut depth[..used];
    minimum_redundancy(depth);
    // Lengths over the limit become the limit; then shorter codes are lengthened until the code
    // fits (the Kraft sum is exactly one again), moving the fewest symbols.
    let mut count = [0u32; 16];
    for &d in depth.iter() {
        count[(d as usize).min(max_len)] += 1;
    }
    let mut kraft: u32 = (1..=max_len).map(|l| count[l] << (max_len - l)).sum();
    while kraft != 1 << max_len {
        count[max_len] -= 1;
        for l in (1..max_len).rev() {
            if count[l] != 0 {
                count[l] -= 1;
                count[l + 1] += 2;
                break;
            }
        }
        kraft -= 1;
    }
    // The rarest symbols (first) get the longest codes.
    let mut next = 0;
    for l in (1..=max_len).rev() {
        for _ in 0..count[l] {
            lens[(syms[next] & 0xFFFF) as usize] = l as u8;
            next += 1;
        }
    }
}

/// Huffman code lengths in place (Moffat and Katajainen): `a` holds weights in ascending order and
/// receives the code length of each, deepest first.
fn minimum_redundancy(a: &mut [u32]) {
    let n = a.len();
    a[0] += a[1];
    let (mut root, mut leaf) = (0, 2);
    for next in 1..n - 1 {
        if leaf >= n || a[root] < a[leaf] {
            a[next] = a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] = a[leaf];
            leaf += 1;
        }
        if leaf >= n || (root < next && a[root] < a[leaf]) {
            a[next] += a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] += a[leaf];
            leaf += 1;
        }
    }
    a[n - 2] = 0;
    for next in (0..n - 2).rev() {
        a[next] = a[a[next] as usize] + 1;
    }
    let (mut avail, mut used, mut depth) = (1usize, 0usize, 0u32);
    let (mut root, mut next) = (n as isize - 2, n as isize - 1);
    while avail > 0 {
        while root >= 0 && a[root as usize] == depth {
            used += 1;
            root -= 1;
        }
        while avail > used {
            a[next as usize] = depth;
            next -= 1;
            avail -= 1;
        }
        avail = 2 * used;
        depth += 1;
        used = 0;
    }
}

/// Canonical codes for `lens`, bit-reversed since DEFLATE sends Huffman codes first bit first.
fn canonical_codes(lens: &[u8], codes: &mut [u16]) {
    let mut count = [0u32; 16];
    for &l in lens {
        count[l as usize] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 16];
    let mut code = 0;
    for l in 1..16 {
        code = (code + count[l - 1]) << 1;
        next[l] = code;
    }
    for (c, &l) in codes.iter_mut().zip(lens) {
        if l != 0 {
            *c = (next[l as usize] as u16).reverse_bits() >> (16 - l);
            next[l as usize] += 1;
        }
    }
}

/// Where the output stands between blocks: bytes written, and bits not yet a whole byte.
#[derive(Clone, Copy, Default)]
struct BitState {
    pos: usize,
    buf: u64,
    count: u32,
}

/// Writes bits first-bit-first through a 64-bit buffer, whole bytes at a time.
struct BitWriter<'a> {
    /// Always 8 bytes longer than what is written, so a flush is one unconditional 8-byte store.
    out: &'a mut [u8],
    pos: usize,
    buf: u64,
    count: u32,
}

impl<'a> BitWriter<'a> {
    /// Continues at `state` in `out`, grown (never shrunk) to take `bits` more bits.
    fn resume(out: &'a mut Vec<u8>, state: BitState, bits: u64) -> BitWriter<'a> {
        let need = state.pos + (bits / 8) as usize + 16;
        if out.len() < need {
            out.resize(need, 0);
        }
        BitWriter {
            out,
            pos: state.pos,
            buf: state.buf,
            count: state.count,
        }
    }

    fn suspend(&self) -> BitState {
        BitState {
            pos: self.pos,
            buf: self.buf,
            count: self.count,
        }
    }

    /// Adds `len` bits; the buffer must have room (at most 64 bits between flushes).
    #[inline(always)]
    fn add(&mut self, bits: u32, len: u32) {
        self.buf |= (bits as u64) << self.count;
        self.count += len;
    }

    /// Writes the buffer's whole bytes, leaving at most 7 bits. The buffer must hold fewer than 64
    /// (a shift by 64 would keep them).
    #[inline(always)]
    fn flush(&mut self) {
        self.out[self.pos..self.pos + 8].copy_from_slice(&self.buf.to_le_bytes());
        let bytes = self.count / 8;
        self.pos += bytes as usize;
        self.buf >>= bytes * 8;
        self.count &= 7;
    }

    fn put(&mut self, bits: u32, len: u32) {
        self.add(bits, len);
        self.flush();
    }

    /// Pads to a whole byte and writes it.
    fn align(&mut self) {
        self.count = (self.count + 7) & !7;
        self.flush();
    }

    /// Writes `chunk` (at most 65535 bytes) as a stored block.
    fn stored(mut self, chunk: &[u8], last: bool) -> BitState {
        self.put(last as u32, 3);
        self.align();
        let len = chunk.len() as u16;
        self.out[self.pos..self.pos + 2].copy_from_slice(&len.to_le_bytes());
        self.out[self.pos + 2..self.pos + 4].copy_from_slice(&(!len).to_le_bytes());
        self.out[self.pos + 4..self.pos + 4 + chunk.len()].copy_from_slice(chunk);
        self.pos += 4 + chunk.len();
        self.suspend()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::{decompress_to_vec, TINFLStatus};

    /// Inflates `compressed` with both of miniz_oxide's interfaces and checks that it decodes to
    /// `input` exactly, ending (final block) at its last byte.
    fn check_inflates_to(compressed: &[u8], input: &[u8]) {
        let n = input.len();
        let back = decompress_to_vec(compressed)
            .unwrap_or_else(|e| panic!("{} bytes do not inflate: {:?}", n, e));
        assert!(back == input, "{} bytes inflate to something else", n);
        let mut r = DecompressorOxide::new();
        // One spare byte, which must stay unwritten.
        let mut out = vec![0; n + 1];
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, read, wrote) = decompress(&mut r, compressed, &mut out, 0, flags);
        assert_eq!(status, TINFLStatus::Done, "{} bytes", n);
        assert_eq!((read, wrote), (compressed.len(), n));
    }

    fn round_trip(d: &mut Deflater, input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        d.compress(input, &mut out);
        check_inflates_to(&out, input);
        out
    }

    fn random_bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
        (0..n).map(|_| rng.next() as u8).collect()
    }

    /// A vocabulary for text-like test inputs.
    struct Text(Vec<Vec<u8>>);

    impl Text {
        fn new() -> Text {
            let mut rng = Rng::new(100);
            let words = (0..2000)
                .map(|_| {
                    let len = 2 + rng.below(9) as usize;
                    (0..len).map(|_| b'a' + rng.below(26) as u8).collect()
                })
                .collect();
            Text(words)
        }

        /// `n` bytes of words, small ranks far more often than large, so matches are many and
        /// short as in prose.
        fn words(&self, rng: &mut Rng, n: usize) -> Vec<u8> {
            let mut out = Vec::with_capacity(n + 16);
            while out.len() < n {
                let top = 1 + rng.below(self.0.len() as u64);
                out.extend_from_slice(&self.0[rng.below(top) as usize]);
                out.push(if rng.chance(0.05) { b'\n' } else { b' ' });
            }
            out.truncate(n);
            out
        }
    }

    #[test]
    fn empty_input_is_one_final_empty_block() {
        let mut out = vec![9; 5];
        Deflater::new().compress(&[], &mut out);
        // BFINAL, fixed codes, end of block.
        assert_eq!(out, [0x03, 0x00]);
        check_inflates_to(&out, &[]);
    }

    #[test]
    fn short_inputs_round_trip() {
        let mut rng = Rng::new(1);
        let text = Text::new();
        let mut d = Deflater::new();
        for n in 1..=64 {
            round_trip(&mut d, &random_bytes(&mut rng, n));
            round_trip(&mut d, &vec![b'x'; n]);
            round_trip(&mut d, &text.words(&mut rng, n));
        }
        assert_eq!(round_trip(&mut d, b"a").len(), 3);
    }

    #[test]
    fn runs_of_one_byte_are_distance_one_matches() {
        let mut d = Deflater::new();
        for n in [9, 100, 258, 259, 262, 1000, 65536, 300_000] {
            let out = round_trip(&mut d, &vec![0xAB; n]);
            // About one 258-byte match per couple of bits.
            assert!(out.len() < 40 + n / 100, "{} bytes -> {}", n, out.len());
        }
        assert!(d
            .block
            .seqs
            .iter()
            .any(|s| s.dist == 1 && s.len as usize + 3 == MAX_MATCH));
    }

    #[test]
    fn random_bytes_are_stored() {
        let mut rng = Rng::new(2);
        let mut d = Deflater::new();
        for n in [1000, 65535, 65536, 200_000] {
            let input = random_bytes(&mut rng, n);
            let out = round_trip(&mut d, &input);
            // Stored blocks: 5 bytes per 64 KiB, or per block of `MAX_BLOCK_BYTES` and a bit.
            assert!(
                out.len() <= n + 5 * (n / 60_000 + 2),
                "{} bytes -> {}",
                n,
                out.len()
            );
        }
    }

    #[test]
    fn repeats_at_every_distance_round_trip() {
        let mut rng = Rng::new(3);
        let text = Text::new();
        let mut distances: Vec<usize> = (1..=300).collect();
        for k in 9..=16 {
            distances.extend_from_slice(&[(1 << k) - 1, 1 << k, (1 << k) + 1]);
        }
        distances.extend_from_slice(&[24_577, 32_767, 32_768, 32_769, 40_000, 70_000]);
        let mut input = text.words(&mut rng, 70_000);
        for &d in &distances {
            let n = 1 + rng.below(40) as usize;
            input.extend(text.words(&mut rng, n));
            let from = input.len() - d;
            for k in 0..(3 + rng.below(60) as usize) {
                input.push(input[from + k]);
            }
        }
        assert!(input.len() > 65_536);
        let out = round_trip(&mut Deflater::new(), &input);
        assert!(out.len() < input.len() / 2);
    }

    /// A parse made by hand: literals, then matches that `input` is extended by.
    struct Parse {
        input: Vec<u8>,
        block: Block,
    }

    impl Parse {
        fn new(literals: Vec<u8>) -> Parse {
            let mut block = Deflater::new().block;
            block.start();
            block.count_literals(&literals);
            block.push(0, literals.len(), 0, 0);
            Parse {
                input: literals,
                block,
            }
        }

        fn copy(&mut self, len: usize, dist: usize) {
            let from = self.input.len() - dist;
            for k in 0..len {
                self.input.push(self.input[from + k]);
            }
            let at = self.input.len() - len;
            self.block.push(at, at, len, dist);
        }

        /// Writes the parse as one final block, checks that it inflates and returns it.
        fn check(mut self) -> Vec<u8> {
            let (mut out, mut bits) = (Vec::new(), BitState::default());
            let n = self.input.len();
            self.block
                .write(&mut out, &mut bits, &self.input, 0, n, true);
            let mut w = BitWriter::resume(&mut out, bits, 0);
            w.align();
            let len = w.pos;
            out.truncate(len);
            check_inflates_to(&out, &self.input);
            out
        }
    }

    /// Every length and distance code with every extra-bits value.
    #[test]
    fn every_length_and_distance_encodes() {
        let mut rng = Rng::new(4);
        let mut parse = Parse::new(random_bytes(&mut rng, WINDOW));
        for dist in 1..=WINDOW {
            let len = if dist <= MAX_MATCH - 2 {
                dist + 2
            } else {
                3 + dist % 5
            };
            parse.copy(len, dist);
        }
        parse.check();
    }

    #[test]
    fn long_inputs_span_several_blocks() {
        let mut rng = Rng::new(5);
        let text = Text::new();
        let mut input = text.words(&mut rng, 300_000);
        input.extend(random_bytes(&mut rng, 400_000));
        input.extend(text.words(&mut rng, 300_000));
        input.extend(vec![7; 100_000]);
        let out = round_trip(&mut Deflater::new(), &input);
        // The random part stored, the rest compressed.
        assert!(out.len() < 680_000, "{}", out.len());
    }

    #[test]
    fn mixed_random_inputs_round_trip() {
        let mut rng = Rng::new(6);
        let text = Text::new();
        let mut d = Deflater::new();
        for case in 0..3000 {
            let target = match rng.below(10) {
                0 => rng.below(100_000),
                1..=3 => rng.below(20),
                _ => rng.below(5000),
            } as usize;
            let mut input = Vec::with_capacity(target);
            while input.len() < target {
                let n = 1 + rng.below(300) as usize;
                match rng.below(4) {
                    0 => input.extend(random_bytes(&mut rng, n)),
                    1 => input.extend(text.words(&mut rng, n)),
                    2 => input.extend(vec![rng.next() as u8; n]),
                    _ if !input.is_empty() => {
                        // A copy from earlier, overlapping itself when the distance is short.
                        let from = input.len() - 1 - rng.below(input.len() as u64) as usize;
                        for k in 0..n {
                            input.push(input[from + k]);
                        }
                    }
                    _ => {}
                }
            }
            input.truncate(target);
            if case % 100 == 0 {
                d = Deflater::new();
            }
            round_trip(&mut d, &input);
        }
    }

    #[test]
    fn output_does_not_depend_on_earlier_inputs() {
        let mut rng = Rng::new(7);
        let text = Text::new();
        let mut reused = Deflater::new();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..50 {
            let n = rng.below(40_000) as usize;
            let input = text.words(&mut rng, n);
            reused.compress(&input, &mut a);
            Deflater::new().compress(&input, &mut b);
            assert!(a == b);
        }
        // Positions wrap around the u32 stamps: still correct, if not identical.
        reused.stamp = u32::MAX - 1000;
        for _ in 0..5 {
            round_trip(&mut reused, &text.words(&mut rng, 20_000));
        }
    }

    fn fibonacci(n: usize) -> Vec<u32> {
        let mut f = vec![1u32, 1];
        while f.len() < n {
            f.push(f[f.len() - 1] + f[f.len() - 2]);
        }
        f
    }

    /// Checks that `lens` is a complete prefix code within `max_len` for exactly the used symbols,
    /// with more frequent symbols never getting longer codes.
    fn check_code(freqs: &[u32], lens: &[u8], max_len: usize) {
        let kraft: u64 = lens
            .iter()
            .filter(|&&l| l != 0)
            .map(|&l| 1u64 << (max_len - l as usize))
            .sum();
        assert_eq!(
            kraft,
            1 << max_len,
            "incomplete or oversubscribed: {:?}",
            lens
        );
        for (s, &f) in freqs.iter().enumerate() {
            assert!(lens[s] as usize <= max_len);
            assert!(f == 0 || lens[s] != 0);
            for (t, &g) in freqs.iter().enumerate() {
                if f > g && g != 0 {
                    assert!(lens[s] <= lens[t], "{:?} {:?}", freqs, lens);
                }
            }
        }
    }

    #[test]
    fn code_lengths_are_limited() {
        // Fibonacci weights make the deepest Huffman tree: one level per symbol.
        for (symbols, max_len) in [(286, 15), (30, 15), (19, 7), (16, 15), (40, 15)] {
            let mut freqs = fibonacci(symbols.min(40));
            freqs.resize(symbols, 0);
            let mut unlimited: Vec<u32> = freqs.iter().copied().filter(|&f| f != 0).collect();
            minimum_redundancy(&mut unlimited);
            assert!(unlimited[0] as usize >= max_len);
            let mut lens = vec![0u8; symbols];
            build_lengths(&freqs, max_len, &mut lens);
            check_code(&freqs, &lens, max_len);
        }
        // Random skewed weights, sparse and dense.
        let mut rng = Rng::new(8);
        for _ in 0..2000 {
            let (symbols, max_len) = if rng.chance(0.5) { (19, 7) } else { (286, 15) };
            let used = rng.chance(0.3);
            let freqs: Vec<u32> = (0..symbols)
                .map(|_| {
                    if used && rng.chance(0.7) {
                        0
                    } else {
                        (1u64 << rng.below(24)) as u32 + rng.below(3) as u32
                    }
                })
                .collect();
            let mut lens = vec![0u8; symbols];
            build_lengths(&freqs, max_len, &mut lens);
            if freqs.iter().filter(|&&f| f != 0).count() >= 2 {
                check_code(&freqs, &lens, max_len);
            }
        }
        // Zero or one used symbol still makes a complete code of two 1-bit codes.
        for freqs in [[0u32, 0, 0], [0, 5, 0], [3, 0, 0]] {
            let mut lens = [0u8; 3];
            build_lengths(&freqs, 15, &mut lens);
            assert_eq!(lens.iter().filter(|&&l| l == 1).count(), 2);
            assert!(freqs.iter().zip(lens).all(|(&f, l)| f == 0 || l == 1));
        }
    }

    /// `counts[k]` copies of each `k`, shuffled.
    fn shuffled(rng: &mut Rng, counts: &[u32]) -> Vec<usize> {
        let mut v = Vec::new();
        for (k, &c) in counts.iter().enumerate() {
            v.extend(std::iter::repeat(k).take(c as usize));
        }
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i as u64 + 1) as usize);
        }
        v
    }

    /// The deepest Huffman code `freqs` make unlimited.
    fn unlimited_depth(freqs: &[u32]) -> u32 {
        let mut weights: Vec<u32> = freqs.iter().copied().filter(|&f| f != 0).collect();
        weights.sort_unstable();
        minimum_redundancy(&mut weights);
        weights[0]
    }

    /// Literals, lengths and distances all in Fibonacci proportions, whose Huffman codes would
    /// run to 24 and 19 bits unlimited.
    #[test]
    fn skewed_codes_round_trip() {
        let mut rng = Rng::new(9);
        let literals = shuffled(&mut rng, &fibonacci(25));
        let mut parse = Parse::new(literals.iter().map(|&s| s as u8 * 7).collect());
        let len_slots = shuffled(&mut rng, &fibonacci(20));
        let dist_slots = shuffled(&mut rng, &fibonacci(20));
        for (&l, &d) in len_slots.iter().zip(&dist_slots) {
            let len = LEN_BASE[l] as usize + rng.below(1 << LEN_EXTRA[l]) as usize;
            let dist = DIST_BASE[d] as usize + rng.below(1 << DIST_EXTRA[d]) as usize;
            parse.copy(len.min(MAX_MATCH), dist);
        }
        parse.block.litlen_freq[END_OF_BLOCK] = 1;
        assert!(unlimited_depth(&parse.block.litlen_freq) > 15);
        assert!(unlimited_depth(&parse.block.dist_freq) > 15);
        let out = parse.check();
        assert_eq!(out[0] >> 1 & 3, 2, "a dynamic block");
    }

    /// `cargo test --release deflate_speed -- --ignored --nocapture`: this compressor against
    /// miniz_oxide level 1 (as the stored documents used it) on SciFact in 16 KB blocks.
    #[test]
    #[ignore]
    fn deflate_speed_on_scifact() {
        use miniz_oxide::deflate::core::{
            compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
        };
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/scifact/corpus.jsonl"
        );
        let data = std::fs::read(path).expect("the SciFact corpus");
        let mut blocks = vec![Vec::new()];
        for line in data.split_inclusive(|&b| b == b'\n') {
            if blocks.last().unwrap().len() >= 16384 {
                blocks.push(Vec::new());
            }
            blocks.last_mut().unwrap().extend_from_slice(line);
        }
        let raw: usize = blocks.iter().map(|b| b.len()).sum();
        let mut miniz = Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(
            1, 0, 0,
        )));
        let mut ours = Deflater::new();
        let mut out = Vec::new();
        let (mut miniz_time, mut ours_time) = (f64::MAX, f64::MAX);
        let (mut miniz_total, mut ours_total) = (0, 0);
        for _ in 0..5 {
            let t = std::time::Instant::now();
            miniz_total = 0;
            for b in &blocks {
                miniz.reset();
                out.clear();
                out.resize(b.len() + 1024, 0);
                let (status, read, wrote) = compress(&mut miniz, b, &mut out, TDEFLFlush::Finish);
                assert_eq!((status, read), (TDEFLStatus::Done, b.len()));
                miniz_total += wrote;
            }
            miniz_time = miniz_time.min(t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            ours_total = 0;
            for b in &blocks {
                ours.compress(b, &mut out);
                ours_total += out.len();
            }
            ours_time = ours_time.min(t.elapsed().as_secs_f64());
        }
        for b in &blocks {
            round_trip(&mut ours, b);
        }
        println!("SciFact, {} blocks, {} bytes:", blocks.len(), raw);
        for (name, total, time) in [
            ("miniz_oxide level 1", miniz_total, miniz_time),
            ("Deflater", ours_total, ours_time),
        ] {
            let mbs = raw as f64 / time / 1e6;
            println!(
                "  {:20} {:>9} bytes ({:.4})  {:6.1} MB/s",
                name,
                total,
                total as f64 / raw as f64,
                mbs
            );
        }
    }
}
