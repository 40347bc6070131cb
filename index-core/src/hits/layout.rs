//! The binary layout of a page of shaped hits, read by `runtime/engine/hit-page.ts`.
//!
//! All numbers are little-endian u32; a string is its UTF-8 length then its bytes.
//!
//! ```text
//! hit count
//! per hit:  status (0 = shaped, 1 = damaged) | id string
//!   shaped:  title string | snippet string | flags (bit 0: text before, bit 1: text after)
//!            | span count | span count × (start, end) in UTF-16 units of the snippet
//!            | metadata string (a JSON object)
//!   damaged: the reason, a string
//! ```

use super::ShapedHit;

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// Writes `hits` in the page layout.
pub fn encode_page(hits: &[ShapedHit]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u32(&mut out, hits.len() as u32);
    for h in hits {
        match &h.body {
            Ok(body) => {
                put_u32(&mut out, 0);
                put_str(&mut out, &h.id);
                put_str(&mut out, &body.title);
                put_str(&mut out, &body.snippet.text);
                put_u32(
                    &mut out,
                    body.snippet.cut_before as u32 | (body.snippet.cut_after as u32) << 1,
                );
                put_u32(&mut out, body.snippet.spans.len() as u32);
                for &(s, e) in &body.snippet.spans {
                    put_u32(&mut out, s);
                    put_u32(&mut out, e);
                }
                put_str(&mut out, &body.metadata);
            }
            Err(reason) => {
                put_u32(&mut out, 1);
                put_str(&mut out, &h.id);
                put_str(&mut out, reason);
            }
        }
    }
    out
}
