//! What a search asks for and what it returns.

use crate::error::{Error, Result};
use crate::scoring::{Ranker, RankerParams, DEFAULT_RANKER};
use serde_json::Value;

/// Largest `offset + size` a request may reach; deeper pages go through `after` (a cursor).
pub const MAX_WINDOW: usize = 100_000;

/// Whether and how far a search counts its matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// No total (`total` is `None`): the cheapest search.
    Skip,
    /// Every match, however many.
    Exact,
    /// Exactly up to this many; beyond, the total is "at least" this many.
    UpTo(u64),
}

impl Counting {
    pub(crate) fn limit(self) -> Option<u64> {
        match self {
            Counting::UpTo(n) => Some(n),
            _ => None,
        }
    }
}

/// How many documents match: exactly `value`, or (when not `exact`) at least `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Total {
    pub value: u64,
    pub exact: bool,
}

#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub query: String,
    pub ranker: Ranker,
    /// Hits to skip, and hits to return after them.
    pub offset: usize,
    pub size: usize,
    /// Restrict unqualified words to these fields (all fields when `None`).
    pub fields: Option<Vec<String>>,
    /// Metadata filters such as `year>=1900`; all must hold.
    pub filters: Vec<String>,
    /// Only hits that rank after this (score, doc) — the last hit of the previous page.
    pub after: Option<(f64, u32)>,
    /// Whether to count the matching documents (`total`), exactly or up to a limit.
    pub count: Counting,
    /// Score every document instead of pruning (the reference for tests and benchmarks).
    pub exhaustive: bool,
    /// Read the query as plain words — no quotes, `+`, `-` or `field:` — as research runs expect
    /// (a claim may contain a stray quote).
    pub plain: bool,
}

impl SearchRequest {
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            ranker: Ranker::default_ranker(),
            offset: 0,
            size: 10,
            fields: None,
            filters: Vec::new(),
            after: None,
            count: Counting::Exact,
            exhaustive: false,
            plain: false,
        }
    }

    /// Reads options from JSON: `{"ranker":"bm25","params":{"k1":0.9},"offset":0,"size":10,
    /// "fields":["title"],"filters":["year>=1900"],"after":{"score":1.5,"doc":7},"count":true,
    /// "exhaustive":false,"plain":false}`; every key is optional. `count` is `true` (exact, the
    /// default), `false` (no total) or a positive integer N (exact up to N, then "at least N").
    pub fn from_json(query: &str, json: &str) -> Result<SearchRequest> {
        let v: Value = serde_json::from_str(json).map_err(|e| {
            Error::bad_query("options", format!("search options are not JSON: {}", e))
        })?;
        let mut r = SearchRequest::new(query);
        let obj = v
            .as_object()
            .ok_or_else(|| Error::bad_query("options", "search options must be a JSON object"))?;
        for key in obj.keys() {
            if ![
                "ranker",
                "params",
                "offset",
                "size",
                "fields",
                "filters",
                "after",
                "count",
                "exhaustive",
                "plain",
            ]
            .contains(&key.as_str())
            {
                return Err(Error::bad_query(
                    "options",
                    format!("unknown search option \"{}\"", key),
                ));
            }
        }
        let params = match v.get("params") {
            Some(p) => RankerParams::from_json(p)?,
            None => RankerParams::default(),
        };
        let ranker = v
            .get("ranker")
            .map(|x| {
                x.as_str()
                    .ok_or_else(|| Error::bad_query("ranker", "\"ranker\" must be a string"))
            })
            .transpose()?;
        r.ranker = Ranker::from_name(ranker.unwrap_or(DEFAULT_RANKER), &params)?;
        let count = |key: &'static str, max: usize| -> Result<Option<usize>> {
            let field = key;
            match v.get(key) {
                None => Ok(None),
                Some(x) => x
                    .as_u64()
                    .filter(|&n| n as usize <= max)
                    .map(|n| Some(n as usize))
                    .ok_or_else(|| {
                        Error::bad_query(
                            field,
                            format!("\"{}\" must be an integer from 0 to {}", key, max),
                        )
                    }),
            }
        };
        r.offset = count("offset", MAX_WINDOW)?.unwrap_or(0);
        r.size = count("size", MAX_WINDOW)?.unwrap_or(10);
        if r.offset + r.size > MAX_WINDOW {
            return Err(Error::bad_query(
                "offset",
                format!(
                    "offset + size must be at most {}; page deeper with \"after\"",
                    MAX_WINDOW
                ),
            ));
        }
        let strings = |key: &'static str| -> Result<Option<Vec<String>>> {
            match v.get(key) {
                None => Ok(None),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str().map(str::to_string).ok_or_else(|| {
                            Error::bad_query(key, format!("\"{}\" must be a list of strings", key))
                        })
                    })
                    .collect::<Result<Vec<_>>>()
                    .map(Some),
                Some(_) => Err(Error::bad_query(
                    key,
                    format!("\"{}\" must be a list of strings", key),
                )),
            }
        };
        r.fields = strings("fields")?;
        r.filters = strings("filters")?.unwrap_or_default();
        if let Some(a) = v.get("after") {
            let score = a.get("score").and_then(Value::as_f64);
            let doc = a
                .get("doc")
                .and_then(Value::as_u64)
                .filter(|&d| d < u32::MAX as u64);
            match (score, doc) {
                (Some(s), Some(d)) if s.is_finite() => r.after = Some((s, d as u32)),
                _ => {
                    return Err(Error::bad_query(
                        "after",
                        "\"after\" must be {\"score\": number, \"doc\": integer}",
                    ))
                }
            }
        }
        let flag = |key: &'static str, default: bool| -> Result<bool> {
            match v.get(key) {
                None => Ok(default),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(Error::bad_query(
                    key,
                    format!("\"{}\" must be true or false", key),
                )),
            }
        };
        r.count = match v.get("count") {
            None | Some(Value::Bool(true)) => Counting::Exact,
            Some(Value::Bool(false)) => Counting::Skip,
            Some(x) => match x.as_u64() {
                Some(n) if n >= 1 => Counting::UpTo(n),
                _ => {
                    return Err(Error::bad_query(
                        "count",
                        "\"count\" must be true (exact), false (no total) or a positive integer (exact up to it, then \"at least\")",
                    ))
                }
            },
        };
        r.exhaustive = flag("exhaustive", false)?;
        r.plain = flag("plain", false)?;
        Ok(r)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchResults {
    /// Documents matching the query (`None` when not counted).
    pub total: Option<Total>,
    /// (doc id, score), best first, ties by ascending doc id.
    pub hits: Vec<(u32, f64)>,
    /// The analysed terms of the query's positive clauses, for highlighting.
    pub terms: Vec<String>,
}
