//! The id table: external document ids (`_id`/`id` of the corpus) to doc ids and back.
//!
//! ```text
//! doc count u32 | 0 u32
//! forward: doc count + 1 offsets u32 into the blob, the first 0  — doc d's id: [offset d, offset d+1)
//! sorted:  doc ids ordered by external id bytes (u32 each)  — external id → doc id, by bisection
//! blob:    the ids' UTF-8 bytes, concatenated
//! ```

use crate::codec::{ByteWriter, Bytes};
use crate::error::{Error, Result};

#[derive(Default)]
pub(crate) struct IdsWriter {
    /// Where each id ends in the blob.
    ends: Vec<u32>,
    blob: Vec<u8>,
}

impl IdsWriter {
    pub(crate) fn add(&mut self, id: &str) {
        self.blob.extend_from_slice(id.as_bytes());
        self.ends.push(self.blob.len() as u32);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.blob.len() + self.ends.len() * 4
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        let start = |d: usize| d.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        let id = |d: u32| &self.blob[start(d as usize)..self.ends[d as usize] as usize];
        let mut sorted: Vec<u32> = (0..self.ends.len() as u32).collect();
        sorted.sort_by(|&a, &b| id(a).cmp(id(b)));
        let mut out = ByteWriter::default();
        out.u32(self.ends.len() as u32);
        out.u32(0);
        out.u32(0);
        for &end in &self.ends {
            out.u32(end);
        }
        for d in sorted {
            out.u32(d);
        }
        out.bytes(&self.blob);
        out.buf
    }
}

pub(crate) struct IdsReader<'a> {
    bytes: Bytes<'a>,
    count: usize,
}

impl<'a> IdsReader<'a> {
    pub(crate) fn new(section: &'a [u8], doc_count: u32) -> Result<IdsReader<'a>> {
        let bytes = Bytes::new(section, "the ids section");
        let count = bytes.u32(0)? as usize;
        if count != doc_count as usize {
            return Err(Error::corrupt(format!(
                "the ids section lists {} documents, the index has {}",
                count, doc_count
            )));
        }
        // Checked: a forged count must not wrap a 32-bit (WebAssembly) usize.
        let tables = count.checked_mul(8).and_then(|n| n.checked_add(4));
        bytes.slice(
            8,
            tables.ok_or_else(|| Error::corrupt("the ids section's count overflows"))?,
        )?;
        Ok(IdsReader { bytes, count })
    }

    pub(crate) fn id(&self, doc: u32) -> Result<&'a str> {
        if doc as usize >= self.count {
            return Err(Error::bad_query(
                "doc",
                format!("doc {} does not exist (the index has {})", doc, self.count),
            ));
        }
        let at = 8 + doc as usize * 4;
        let (start, end) = (
            self.bytes.u32(at)? as usize,
            self.bytes.u32(at + 4)? as usize,
        );
        let len = end
            .checked_sub(start)
            .ok_or_else(|| Error::corrupt("the ids section's offsets go backwards"))?;
        let at = self
            .blob()
            .checked_add(start)
            .ok_or_else(|| Error::corrupt("an id's offset lies past the ids section"))?;
        let s = self.bytes.slice(at, len)?;
        std::str::from_utf8(s).map_err(|_| Error::corrupt("an id is not UTF-8"))
    }

    /// Where the blob starts: after the count, the forward offsets and the sorted doc ids.
    fn blob(&self) -> usize {
        8 + (self.count + 1) * 4 + self.count * 4
    }

    pub(crate) fn lookup(&self, id: &str) -> Result<Option<u32>> {
        let sorted = 8 + (self.count + 1) * 4;
        let (mut lo, mut hi) = (0usize, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let doc = self.bytes.u32(sorted + mid * 4)?;
            match self.id(doc)?.as_bytes().cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(doc)),
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_damage_is_an_error() {
        let ids = ["d2", "a", "été", "d10", "z9999"];
        let mut w = IdsWriter::default();
        for id in ids {
            w.add(id);
        }
        let section = w.finish();
        let r = IdsReader::new(&section, ids.len() as u32).unwrap();
        for (doc, id) in ids.iter().enumerate() {
            assert_eq!(r.id(doc as u32).unwrap(), *id);
            assert_eq!(r.lookup(id).unwrap(), Some(doc as u32));
        }
        assert_eq!(r.lookup("d1").unwrap(), None);
        assert!(r.id(5).is_err());
        assert!(IdsReader::new(&section, 4).is_err());
        // Doc 1's end before its start.
        let mut backwards = section.clone();
        backwards[16] = 0;
        let e = IdsReader::new(&backwards, 5).unwrap().id(1).unwrap_err();
        assert!(e.message.contains("backwards"), "{}", e.message);
        assert!(IdsReader::new(&section[..section.len() - 1], 5)
            .unwrap()
            .id(4)
            .is_err());
    }
}
