//! The term dictionary: one record per (field, term), in blocks of `TERMS_PER_BLOCK`.
//!
//! ```text
//! term count u32 | block count u32
//! block index: block count × 20 bytes
//!     records offset u32 (from the records' start) | postings offset u64 | positions offset u64
//! records, sorted by (field, term bytes), per term:
//!     field varint | term length varint | term bytes | doc freq varint
//!     | collection freq − doc freq varint | postings length varint | positions length varint
//!     | postings crc32 u32 | positions crc32 u32
//! ```
//!
//! A term's postings and positions follow the previous term's in their sections, so only a block's
//! first term carries offsets (in the block index): a term's are its block's plus the lengths of
//! the records before it in the block. A lookup bisects the blocks by their first term, then reads
//! at most a block's records: a third of the fixed records' bytes (format 5) on a corpus whose
//! terms mostly occur once, for a scan of a few records.

use crate::codec::{read_varint, read_varint64, write_varint, write_varint64, ByteWriter, Bytes};
use crate::error::{Error, Result};
use std::cmp::Ordering;

/// Records per block: a lookup reads up to this many after bisecting the blocks.
const TERMS_PER_BLOCK: usize = 16;
const INDEX_ENTRY_LEN: usize = 20;
/// The fewest bytes a record takes: six one-byte varints (an empty term) and the two checksums.
const MIN_RECORD: usize = 14;

/// One term's record, with its offsets worked out.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TermEntry<'a> {
    /// The record's place in the dictionary.
    pub(crate) index: usize,
    pub(crate) field: u32,
    pub(crate) term: &'a [u8],
    pub(crate) doc_freq: u32,
    pub(crate) coll_freq: u64,
    pub(crate) postings_offset: u64,
    pub(crate) postings_len: u32,
    pub(crate) postings_crc: u32,
    pub(crate) positions_offset: u64,
    pub(crate) positions_len: u32,
    pub(crate) positions_crc: u32,
}

/// Builds the terms section; terms arrive in dictionary order, each with its postings and
/// positions' place in their sections.
#[derive(Default)]
pub(crate) struct TermsWriter {
    count: u32,
    index: ByteWriter,
    records: Vec<u8>,
    /// Where the next term's postings and positions must start (they are contiguous).
    next: (u64, u64),
}

impl TermsWriter {
    pub(crate) fn add(
        &mut self,
        field: u32,
        term: &[u8],
        doc_freq: u32,
        coll_freq: u64,
        postings: (u64, &[u8]),
        positions: (u64, &[u8]),
    ) {
        assert_eq!(
            (postings.0, positions.0),
            self.next,
            "a term's postings and positions follow the previous term's"
        );
        if self.count as usize % TERMS_PER_BLOCK == 0 {
            self.index.u32(self.records.len() as u32);
            self.index.u64(postings.0);
            self.index.u64(positions.0);
        }
        let r = &mut self.records;
        write_varint(r, field);
        write_varint(r, term.len() as u32);
        r.extend_from_slice(term);
        write_varint(r, doc_freq);
        write_varint64(r, coll_freq - u64::from(doc_freq));
        write_varint(r, postings.1.len() as u32);
        write_varint(r, positions.1.len() as u32);
        r.extend_from_slice(&crate::codec::crc32(postings.1).to_le_bytes());
        r.extend_from_slice(&crate::codec::crc32(positions.1).to_le_bytes());
        self.next = (
            postings.0 + postings.1.len() as u64,
            positions.0 + positions.1.len() as u64,
        );
        self.count += 1;
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        let mut out = ByteWriter::default();
        out.u32(self.count);
        out.u32(block_count(self.count as usize) as u32);
        out.bytes(&self.index.buf);
        out.bytes(&self.records);
        out.buf
    }
}

fn block_count(terms: usize) -> usize {
    (terms + TERMS_PER_BLOCK - 1) / TERMS_PER_BLOCK
}

/// The terms section, read in place.
#[derive(Clone, Copy)]
pub(crate) struct TermsReader<'a> {
    count: usize,
    index: Bytes<'a>,
    records: &'a [u8],
}

impl<'a> TermsReader<'a> {
    /// Checks the counts and the block index's size; records are checked as they are read.
    pub(crate) fn new(section: &'a [u8]) -> Result<TermsReader<'a>> {
        let bytes = Bytes::new(section, "the terms section");
        let count = bytes.u32(0)?;
        let blocks = bytes.u32(4)?;
        // In u64: a forged count must not wrap a 32-bit (WebAssembly) usize.
        let expected = (u64::from(count) + TERMS_PER_BLOCK as u64 - 1) / TERMS_PER_BLOCK as u64;
        if u64::from(blocks) != expected {
            return Err(Error::corrupt(format!(
                "the terms section holds {} terms in {} blocks, not {}: the index file is damaged",
                count, blocks, expected
            )));
        }
        let index_len = (blocks as usize)
            .checked_mul(INDEX_ENTRY_LEN)
            .ok_or_else(damaged)?;
        let index = bytes.slice(8, index_len)?;
        let count = count as usize;
        let records = &section[8 + index_len..];
        // Each record takes at least MIN_RECORD bytes: a count the records cannot hold is damage,
        // found before the reader sizes anything by it.
        if count
            .checked_mul(MIN_RECORD)
            .map_or(true, |n| n > records.len())
        {
            return Err(Error::corrupt(format!(
                "the terms section names {} terms but holds {} bytes of records: the index file is damaged",
                count,
                records.len()
            )));
        }
        Ok(TermsReader {
            count,
            index: Bytes::new(index, "the terms section's block index"),
            records,
        })
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Every record in dictionary order, each read once: a merge's walk (looking up record `i`
    /// for each `i` would read half a block's records per term).
    pub(crate) fn entries(self) -> Entries<'a> {
        Entries {
            reader: self,
            scan: None,
            failed: false,
        }
    }

    /// The record of `(field, term)`, if the dictionary holds it.
    pub(crate) fn find(&self, field: u32, term: &[u8]) -> Result<Option<TermEntry<'a>>> {
        let target = (field, term);
        // The first block whose first term is past the target; the target can only be in the one
        // before it.
        let (mut lo, mut hi) = (0, block_count(self.count));
        while lo < hi {
            let mid = (lo + hi) / 2;
            let mut at = self.index.u32(mid * INDEX_ENTRY_LEN)? as usize;
            if read_key(self.records, &mut at)? <= target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let block = match lo.checked_sub(1) {
            Some(b) => b,
            None => return Ok(None),
        };
        let mut scan = self.block(block)?;
        let end = (scan.next_index + TERMS_PER_BLOCK).min(self.count);
        while scan.next_index < end {
            let mut at = scan.at;
            match read_key(self.records, &mut at)?.cmp(&target) {
                Ordering::Less => scan.skip(at)?,
                Ordering::Equal => return scan.next().map(Some),
                Ordering::Greater => break,
            }
        }
        Ok(None)
    }

    /// A scan from block `b`'s first record.
    fn block(&self, b: usize) -> Result<Scan<'a>> {
        let at = b * INDEX_ENTRY_LEN;
        Ok(Scan {
            records: self.records,
            at: self.index.u32(at)? as usize,
            next_index: b * TERMS_PER_BLOCK,
            postings: self.index.u64(at + 4)?,
            positions: self.index.u64(at + 12)?,
        })
    }
}

/// `TermsReader::entries`: each block scanned from its index entry, so every record's offsets are
/// the ones `find` gives it. After an error it ends.
pub(crate) struct Entries<'a> {
    reader: TermsReader<'a>,
    scan: Option<Scan<'a>>,
    failed: bool,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<TermEntry<'a>>;

    fn next(&mut self) -> Option<Result<TermEntry<'a>>> {
        let next = self.scan.as_ref().map_or(0, |s| s.next_index);
        if self.failed || next >= self.reader.count {
            return None;
        }
        let entry = if next % TERMS_PER_BLOCK == 0 {
            self.reader
                .block(next / TERMS_PER_BLOCK)
                .and_then(|scan| self.scan.insert(scan).next())
        } else {
            self.scan
                .as_mut()
                .expect("a scan past the first record")
                .next()
        };
        self.failed = entry.is_err();
        Some(entry)
    }
}

/// Reads records one after the other from a block's start, adding up their offsets.
struct Scan<'a> {
    records: &'a [u8],
    at: usize,
    next_index: usize,
    postings: u64,
    positions: u64,
}

/// The field and term of the record at `*at`, which moves past them.
#[inline]
fn read_key<'a>(records: &'a [u8], at: &mut usize) -> Result<(u32, &'a [u8])> {
    let field = read_varint(records, at)?;
    let len = read_varint(records, at)? as usize;
    let term = at
        .checked_add(len)
        .and_then(|end| records.get(*at..end))
        .ok_or_else(damaged)?;
    *at += len;
    Ok((field, term))
}

impl<'a> Scan<'a> {
    /// Moves past the record whose key ends at `at`, adding up its lengths.
    fn skip(&mut self, mut at: usize) -> Result<()> {
        read_varint(self.records, &mut at)?;
        read_varint64(self.records, &mut at)?;
        let postings_len = read_varint(self.records, &mut at)?;
        let positions_len = read_varint(self.records, &mut at)?;
        self.advance(at + 8, postings_len, positions_len);
        Ok(())
    }

    fn advance(&mut self, at: usize, postings_len: u32, positions_len: u32) {
        self.at = at;
        self.next_index += 1;
        self.postings = self.postings.saturating_add(u64::from(postings_len));
        self.positions = self.positions.saturating_add(u64::from(positions_len));
    }

    fn next(&mut self) -> Result<TermEntry<'a>> {
        let mut at = self.at;
        let (field, term) = read_key(self.records, &mut at)?;
        let doc_freq = read_varint(self.records, &mut at)?;
        let coll_freq = read_varint64(self.records, &mut at)?
            .checked_add(u64::from(doc_freq))
            .ok_or_else(damaged)?;
        let postings_len = read_varint(self.records, &mut at)?;
        let positions_len = read_varint(self.records, &mut at)?;
        let crcs = Bytes::new(self.records, "the terms section");
        let e = TermEntry {
            index: self.next_index,
            field,
            term,
            doc_freq,
            coll_freq,
            postings_offset: self.postings,
            postings_len,
            postings_crc: crcs.u32(at)?,
            positions_offset: self.positions,
            positions_len,
            positions_crc: crcs.u32(at + 4)?,
        };
        self.advance(at + 8, postings_len, positions_len);
        Ok(e)
    }
}

#[cold]
fn damaged() -> Error {
    Error::corrupt("the terms section is damaged: a record runs past its end or does not add up")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` terms in two fields, term `i`'s postings `i + 1` bytes long and positions `2i + 1`.
    fn dictionary(n: usize) -> (Vec<u8>, Vec<(u32, Vec<u8>)>) {
        let mut keys: Vec<(u32, Vec<u8>)> = (0..n)
            .map(|i| ((i % 2) as u32, format!("t{:03}", i * 2).into_bytes()))
            .collect();
        keys.sort();
        let mut w = TermsWriter::default();
        let (mut p, mut q) = (0u64, 0u64);
        for (i, (field, term)) in keys.iter().enumerate() {
            let (postings, positions) = (vec![i as u8; i + 1], vec![1u8; 2 * i + 1]);
            w.add(
                *field,
                term,
                i as u32 + 1,
                3 * i as u64 + 5,
                (p, &postings),
                (q, &positions),
            );
            p += postings.len() as u64;
            q += positions.len() as u64;
        }
        (w.finish(), keys)
    }

    #[test]
    fn every_term_is_found_with_its_offsets_and_no_other() {
        for n in [0, 1, 15, 16, 17, 50] {
            let (section, keys) = dictionary(n);
            let r = TermsReader::new(&section).unwrap();
            assert_eq!(r.count(), n);
            assert_eq!(r.entries().count(), n);
            let (mut p, mut q) = (0u64, 0u64);
            for (i, (field, term)) in keys.iter().enumerate() {
                let e = r.find(*field, term).unwrap().expect("a held term");
                let in_order = r.entries().nth(i).unwrap().unwrap();
                for e in [e, in_order] {
                    assert_eq!((e.index, e.field, e.term), (i, *field, &term[..]));
                    assert_eq!((e.doc_freq, e.coll_freq), (i as u32 + 1, 3 * i as u64 + 5));
                    assert_eq!((e.postings_offset, e.postings_len), (p, i as u32 + 1));
                    assert_eq!((e.positions_offset, e.positions_len), (q, 2 * i as u32 + 1));
                    assert_eq!(e.postings_crc, crate::codec::crc32(&vec![i as u8; i + 1]));
                }
                p += i as u64 + 1;
                q += 2 * i as u64 + 1;
                // Between this term and the next, before the first, in the other field: absent.
                let mut between = term.clone();
                between.push(b'0');
                assert!(r.find(*field, &between).unwrap().is_none());
                assert!(r.find(*field, b"t").unwrap().is_none());
                assert!(r.find(2, term).unwrap().is_none());
            }
        }
    }

    #[test]
    fn a_damaged_dictionary_is_an_error_not_a_panic() {
        let (section, keys) = dictionary(40);
        let mut wrong_blocks = section.clone();
        wrong_blocks[4] = 2;
        let e = TermsReader::new(&wrong_blocks).err().unwrap();
        assert!(
            e.message.contains("40 terms in 2 blocks, not 3"),
            "{}",
            e.message
        );
        // The most terms a count can name, with their block count: the block index is missing.
        let mut most = section.clone();
        most[..8].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0x10]);
        assert!(TermsReader::new(&most).is_err());
        // A count its records cannot hold (at 14 bytes a record at least) is refused at once.
        let e = TermsReader::new(&section[..8 + 3 * INDEX_ENTRY_LEN + 100])
            .err()
            .unwrap();
        assert!(
            e.message.contains("names 40 terms but holds 100 bytes"),
            "{}",
            e.message
        );
        for cut in 0..section.len() {
            let r = match TermsReader::new(&section[..cut]) {
                Ok(r) => r,
                Err(_) => continue,
            };
            let found: Result<Vec<_>> = keys.iter().map(|(f, t)| r.find(*f, t)).collect();
            let walked: Result<Vec<_>> = r.entries().collect();
            assert!(found.is_err() && walked.is_err(), "cut at {}", cut);
            // The walk ends at its first error: it can be counted.
            assert!(r.entries().count() <= r.count(), "cut at {}", cut);
        }
    }
}
