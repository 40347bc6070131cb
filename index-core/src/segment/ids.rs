//! The id table: external document ids (`_id`/`id` of the corpus) to doc ids and back.
//!
//! ```text
//! doc count u32 | 0 u32
//! forward: per doc (offset u32, length u32) into the blob   — doc id → external id
//! sorted:  doc ids ordered by external id bytes (u32 each)   — external id → doc id, by binary search
//! blob:    the ids' UTF-8 bytes, concatenated
//! ```

use crate::codec::{ByteWriter, Bytes};
use crate::error::{Error, Result};

#[derive(Default)]
pub(crate) struct IdsWriter {
    spans: Vec<(u32, u32)>,
    blob: Vec<u8>,
}

impl IdsWriter {
    pub(crate) fn add(&mut self, id: &str) {
        self.spans.push((self.blob.len() as u32, id.len() as u32));
        self.blob.extend_from_slice(id.as_bytes());
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.blob.len() + self.spans.len() * 8
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        let id = |d: u32| {
            let (o, l) = self.spans[d as usize];
            &self.blob[o as usize..(o + l) as usize]
        };
        let mut sorted: Vec<u32> = (0..self.spans.len() as u32).collect();
        sorted.sort_by(|&a, &b| id(a).cmp(id(b)));
        let mut out = ByteWriter::default();
        out.u32(self.spans.len() as u32);
        out.u32(0);
        for &(o, l) in &self.spans {
            out.u32(o);
            out.u32(l);
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
        bytes.slice(8, count * 12)?;
        Ok(IdsReader { bytes, count })
    }

    pub(crate) fn id(&self, doc: u32) -> Result<&'a str> {
        if doc as usize >= self.count {
            return Err(Error::bad_query(
                "doc",
                format!("doc {} does not exist (the index has {})", doc, self.count),
            ));
        }
        let at = 8 + doc as usize * 8;
        let (o, l) = (
            self.bytes.u32(at)? as usize,
            self.bytes.u32(at + 4)? as usize,
        );
        let s = self.bytes.slice(8 + self.count * 12 + o, l)?;
        std::str::from_utf8(s).map_err(|_| Error::corrupt("an id is not UTF-8"))
    }

    pub(crate) fn lookup(&self, id: &str) -> Result<Option<u32>> {
        let sorted = 8 + self.count * 8;
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
