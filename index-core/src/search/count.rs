//! Counts matching documents without scoring them.

use super::plan::Plan;
use crate::error::Result;
use crate::postings::DOC_END;

pub(crate) fn count(plan: &mut Plan) -> Result<u64> {
    let mut candidates = match plan.candidates() {
        Some(c) => c,
        None => return Ok(0),
    };
    let mut total = 0;
    loop {
        let doc = candidates.doc();
        if doc == DOC_END {
            return Ok(total);
        }
        if plan.accepts(doc)? {
            total += 1;
        }
        candidates.advance_past(doc)?;
    }
}
