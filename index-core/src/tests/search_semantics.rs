use super::{build, doc};
use crate::search::{search, SearchRequest, Total};

fn corpus() -> String {
    [
        serde_json::json!({"_id": "a", "title": "Climate policy", "text": "A carbon tax reduces emissions.", "year": 1990, "party": "Green"}),
        serde_json::json!({"_id": "b", "title": "Coal", "text": "Coal power and the carbon cycle; the tax on coal.", "year": 1950, "party": "Whig"}),
        serde_json::json!({"_id": "c", "title": "Tax law", "text": "Income tax, not carbon. Tax tax tax.", "year": 2001}),
        serde_json::json!({"_id": 4, "title": "Sea level", "text": "Sea level rise and climate change.", "year": 1990, "party": "Green"}),
    ]
    .iter()
    .map(|v| v.to_string())
    .collect::<Vec<_>>()
    .join("\n")
}

fn ids(seg: &crate::segment::Segment, query: &str, options: &str) -> Vec<String> {
    let r = search(seg, &SearchRequest::from_json(query, options).unwrap()).unwrap();
    r.hits
        .iter()
        .map(|(d, _)| seg.external_id(*d).unwrap().to_string())
        .collect()
}

#[test]
fn or_required_excluded_phrase_and_fields() {
    let seg = build(&corpus(), r#"{"fieldMode":"separate"}"#, None);
    let mut all = ids(&seg, "carbon climate", "{}");
    all.sort();
    assert_eq!(all, vec!["4", "a", "b", "c"]);
    assert_eq!(ids(&seg, "carbon +coal", "{}"), vec!["b"]);
    let mut not_coal = ids(&seg, "carbon -coal", "{}");
    not_coal.sort();
    assert_eq!(not_coal, vec!["a", "c"]);
    assert_eq!(ids(&seg, "\"tax reduces\"", "{}"), vec!["a"]);
    // phrases cross sentence punctuation, as in Lucene: "carbon. Tax" is "carbon tax"
    assert_eq!(ids(&seg, "\"carbon tax\"", "{}").len(), 2);
    // a stop word inside a phrase keeps its gap: "level rise and climate" matches "rise ... climate"
    assert_eq!(ids(&seg, "\"rise and climate\"", "{}"), vec!["4"]);
    assert!(ids(&seg, "\"climate rise\"", "{}").is_empty());
    assert_eq!(ids(&seg, "title:tax", "{}"), vec!["c"]);
    assert_eq!(ids(&seg, "tax", r#"{"fields":["title"]}"#), vec!["c"]);
    assert_eq!(ids(&seg, "-\"carbon tax\" tax", "{}"), vec!["b"]);
    assert!(ids(&seg, "+nonexistentword tax", "{}").is_empty());
    assert!(ids(&seg, "the of and", "{}").is_empty());
}

#[test]
fn totals_pages_and_cursor() {
    let seg = build(&corpus(), "{}", None);
    let full = search(
        &seg,
        &SearchRequest::from_json("tax carbon climate", r#"{"size":10}"#).unwrap(),
    )
    .unwrap();
    assert_eq!(
        full.total,
        Some(Total {
            value: 4,
            exact: true
        })
    );
    assert_eq!(full.hits.len(), 4);
    // scores descending, ties by ascending doc id
    for w in full.hits.windows(2) {
        assert!(w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0));
    }
    let page2 = search(
        &seg,
        &SearchRequest::from_json("tax carbon climate", r#"{"offset":2,"size":2}"#).unwrap(),
    )
    .unwrap();
    assert_eq!(page2.hits, full.hits[2..4].to_vec());
    let beyond = search(
        &seg,
        &SearchRequest::from_json("tax carbon climate", r#"{"offset":4,"size":2}"#).unwrap(),
    )
    .unwrap();
    assert!(beyond.hits.is_empty());
    assert_eq!(
        beyond.total,
        Some(Total {
            value: 4,
            exact: true
        })
    );
    let (d, s) = full.hits[1];
    let after = format!(r#"{{"size":10,"after":{{"score":{},"doc":{}}}}}"#, s, d);
    let rest = search(
        &seg,
        &SearchRequest::from_json("tax carbon climate", &after).unwrap(),
    )
    .unwrap();
    assert_eq!(rest.hits, full.hits[2..].to_vec());
    let none = search(
        &seg,
        &SearchRequest::from_json("tax", r#"{"size":0}"#).unwrap(),
    )
    .unwrap();
    assert!(none.hits.is_empty());
    assert_eq!(
        none.total,
        Some(Total {
            value: 3,
            exact: true
        })
    );
    // Counting up to a limit: exact while at most the limit match, "at least" beyond.
    let count = |limit: u64| {
        let o = format!(r#"{{"count":{}}}"#, limit);
        search(&seg, &SearchRequest::from_json("tax", &o).unwrap())
            .unwrap()
            .total
            .unwrap()
    };
    assert_eq!(
        count(3),
        Total {
            value: 3,
            exact: true
        }
    );
    assert_eq!(
        count(2),
        Total {
            value: 2,
            exact: false
        }
    );
    assert_eq!(
        count(1),
        Total {
            value: 1,
            exact: false
        }
    );
    let skipped = SearchRequest::from_json("tax", r#"{"count":false}"#).unwrap();
    assert_eq!(search(&seg, &skipped).unwrap().total, None);
    for bad in [
        r#"{"count":0}"#,
        r#"{"count":-1}"#,
        r#"{"count":"all"}"#,
        r#"{"count":1.5}"#,
    ] {
        let e = SearchRequest::from_json("tax", bad).unwrap_err().message;
        assert!(e.contains("\"count\" must be"), "{} → {}", bad, e);
    }
}

#[test]
fn filters_on_number_and_keyword_columns() {
    let seg = build(&corpus(), "{}", None);
    let q = "tax carbon climate sea";
    let mut r = ids(&seg, q, r#"{"filters":["year>=1990"]}"#);
    r.sort();
    assert_eq!(r, vec!["4", "a", "c"]);
    assert_eq!(
        ids(&seg, q, r#"{"filters":["year=1990","party=Green"]}"#).len(),
        2
    );
    assert_eq!(ids(&seg, q, r#"{"filters":["party!=Green"]}"#), vec!["b"]);
    assert!(ids(&seg, q, r#"{"filters":["party=Nobody"]}"#).is_empty());
    let err = |f: &str| {
        search(&seg, &SearchRequest::from_json(q, f).unwrap())
            .unwrap_err()
            .message
    };
    assert!(err(r#"{"filters":["colour=red"]}"#).contains("year"));
    assert!(err(r#"{"filters":["party>3"]}"#).contains("only = and !="));
    assert!(err(r#"{"filters":["year=abc"]}"#).contains("numbers"));
}

#[test]
fn stored_documents_and_ids() {
    let seg = build(&corpus(), "{}", Some(2));
    assert_eq!(seg.meta().doc_count, 4);
    let d = seg.lookup_id("4").unwrap().unwrap();
    let stored: serde_json::Value = serde_json::from_slice(&seg.stored(d).unwrap()).unwrap();
    assert_eq!(stored["title"], "Sea level");
    assert_eq!(seg.lookup_id("zzz").unwrap(), None);
    assert!(seg.stored(99).is_err());
}

#[test]
fn query_and_option_errors_say_what_is_accepted() {
    let seg = build(&corpus(), "{}", None);
    let err = |q: &str, o: &str| match SearchRequest::from_json(q, o) {
        Err(e) => e.message,
        Ok(r) => search(&seg, &r).unwrap_err().message,
    };
    assert!(err("-coal", "{}").contains("only excludes"));
    assert!(err("x", r#"{"ranker":"nope"}"#).contains("unknown ranker"));
    assert!(err("x", r#"{"size":-1}"#).contains("\"size\""));
    assert!(err("x", r#"{"offset":99999,"size":2}"#).contains("after"));
    assert!(err("title:x", r#"{"fields":["nope"]}"#).contains("unknown field"));
    assert!(err("x", r#"{"bogus":1}"#).contains("unknown search option"));
    assert!(err("x", r#"{"after":{"score":"a"}}"#).contains("after"));
}

#[test]
fn corpus_errors_name_the_line() {
    use crate::indexer::{BuildOptions, IndexBuilder};
    let mut b = IndexBuilder::new(BuildOptions::default());
    let e = b
        .add_jsonl(b"\n{\"_id\":\"x\",\"text\":\"a\"}\n{oops\n", 10, false)
        .unwrap_err();
    assert!(
        e.message.starts_with("line 12: invalid JSON"),
        "{}",
        e.message
    );
    let e = b
        .add_jsonl(doc("x", "t", "again").as_bytes(), 13, false)
        .unwrap_err();
    assert!(
        e.message.contains("duplicate document id \"x\""),
        "{}",
        e.message
    );
    for (line, msg) in [
        ("{\"text\":\"no id\"}", "needs an \"_id\" or \"id\""),
        ("{\"_id\":\"\",\"text\":\"t\"}", "empty"),
        ("{\"_id\":[1],\"text\":\"t\"}", "an array"),
        ("{\"_id\":\"y\",\"text\":5}", "\"text\" must be a string"),
        ("[1,2]", "expected a JSON object"),
    ] {
        let e = b.add_jsonl(line.as_bytes(), 1, false).unwrap_err();
        assert!(e.message.contains(msg), "{} → {}", line, e.message);
    }
    let mut s = IndexBuilder::new(BuildOptions::default());
    assert_eq!(
        s.add_jsonl(b"{bad\n{\"id\":7,\"text\":\"ok\"}\n[]", 1, true)
            .unwrap(),
        1
    );
    assert_eq!(
        s.skipped().iter().map(|x| x.line).collect::<Vec<_>>(),
        vec![1, 3]
    );
    let mut empty = IndexBuilder::new(BuildOptions::default());
    assert!(empty
        .take_segment()
        .unwrap_err()
        .message
        .contains("no documents"));
}

#[test]
fn merged_index_equals_single_build() {
    let mut lines = Vec::new();
    for i in 0..300 {
        lines.push(doc(
            &format!("d{}", i),
            &format!("title {}", i % 7),
            &format!("word{} common text number {} alpha", i % 13, i % 5),
        ));
    }
    let corpus = lines.join("\n");
    let one = build(&corpus, "{}", None);
    let many = build(&corpus, "{}", Some(37));
    for q in ["common", "word3 alpha", "title 5 word7", "\"common text\""] {
        let r1 = search(
            &one,
            &SearchRequest::from_json(q, r#"{"size":50}"#).unwrap(),
        )
        .unwrap();
        let r2 = search(
            &many,
            &SearchRequest::from_json(q, r#"{"size":50}"#).unwrap(),
        )
        .unwrap();
        assert_eq!(r1, r2, "{}", q);
    }
    assert!(one.size_bytes() > 0);
    for d in [0u32, 150, 299] {
        assert_eq!(one.stored(d).unwrap(), many.stored(d).unwrap());
        assert_eq!(one.external_id(d).unwrap(), many.external_id(d).unwrap());
    }
}

#[test]
fn plain_mode_reads_syntax_characters_as_words() {
    let seg = build(&corpus(), r#"{"fieldMode":"separate"}"#, None);
    // As syntax these would be an unterminated phrase, an exclusion and a field query.
    let plain = ids(&seg, "\"carbon -coal title:tax", r#"{"plain":true}"#);
    let mut sorted = plain.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["a", "b", "c"]);
    assert!(SearchRequest::from_json("x", r#"{"plain":1}"#).is_err());
}

/// Two source fields indexed as one are further apart than any phrase spans: "alpha the beta"
/// does not match a title ending in alpha and a text starting with beta (a gap of 1 would let
/// the stop word's gap bridge them), as Lucene's position increment gap prevents.
#[test]
fn phrases_do_not_cross_fields_even_through_stop_word_gaps() {
    let corpus = [
        doc("split", "a story of alpha", "beta comes next"),
        doc("inside", "nothing here", "an alpha the beta inside"),
        doc("adjacent", "the alpha", "beta"),
    ]
    .join("\n");
    for options in ["{}", r#"{"fieldMode":"separate"}"#] {
        let seg = build(&corpus, options, None);
        assert_eq!(
            ids(&seg, "\"alpha the beta\"", "{}"),
            vec!["inside"],
            "{}",
            options
        );
        assert_eq!(
            ids(&seg, "\"alpha beta\"", "{}"),
            Vec::<String>::new(),
            "{}",
            options
        );
        // Within one field a phrase still spans stop words.
        assert_eq!(ids(&seg, "\"story of alpha\"", "{}"), vec!["split"]);
    }
    let seg = build(&corpus, "{}", None);
    assert_eq!(seg.meta().position_gap, crate::query::MAX_PHRASE_SPAN + 1);
    let long = format!("\"alpha {} beta\"", "x ".repeat(300));
    let e = search(&seg, &SearchRequest::from_json(&long, "{}").unwrap()).unwrap_err();
    assert!(e.message.contains("at most 256 words"), "{}", e.message);
}

/// Stored documents are the corpus lines byte for byte, a CRLF line's '\r' included.
#[test]
fn stored_documents_keep_crlf_line_ends() {
    let corpus = format!(
        "{}\r\n{}\n",
        doc("crlf", "t", "windows line"),
        doc("lf", "t", "unix line")
    );
    // Fed as one chunk, as the runtime feeds the corpus (str::lines would drop the '\r').
    let mut b = crate::indexer::IndexBuilder::new(crate::indexer::BuildOptions::default());
    assert_eq!(b.add_jsonl(corpus.as_bytes(), 1, false).unwrap(), 2);
    let seg = crate::segment::Segment::open(b.take_segment().unwrap()).unwrap();
    let crlf = seg.lookup_id("crlf").unwrap().unwrap();
    assert_eq!(
        seg.stored(crlf).unwrap(),
        format!("{}\r", doc("crlf", "t", "windows line")).into_bytes()
    );
    let lf = seg.lookup_id("lf").unwrap().unwrap();
    assert_eq!(
        seg.stored(lf).unwrap(),
        doc("lf", "t", "unix line").into_bytes()
    );
    assert_eq!(ids(&seg, "windows", "{}"), vec!["crlf"]);
}

/// `norms: lucene` records Lucene's one-byte lengths: documents whose lengths share a byte tie,
/// the average length stays exact, a repeated query term weighs its count (Lucene's scores), and
/// the choice is recorded in the index.
#[test]
fn lucene_norms_quantise_lengths_and_are_recorded() {
    // 40 and 41 tokens share Lucene's length byte (both decode to 40); exact norms tell them apart.
    let words = |n: usize| vec!["filler"; n - 1].join(" ");
    let corpus = [
        doc("forty", "", &format!("needle {}", words(40))),
        doc("forty-one", "", &format!("needle {}", words(41))),
    ]
    .join("\n");
    let exact = build(&corpus, "{}", None);
    let lucene = build(&corpus, r#"{"norms":"lucene"}"#, Some(1));
    assert_eq!(exact.meta().norms, crate::scoring::Norms::Exact);
    assert_eq!(lucene.meta().norms, crate::scoring::Norms::Lucene);
    assert_eq!(
        exact.meta().fields[0].total_tokens,
        lucene.meta().fields[0].total_tokens,
        "the average length stays exact"
    );
    let scores = |seg: &crate::segment::Segment| {
        search(seg, &SearchRequest::from_json("needle", "{}").unwrap())
            .unwrap()
            .hits
    };
    let e = scores(&exact);
    assert!(e[0].1 > e[1].1, "exact lengths: the shorter document wins");
    let l = scores(&lucene);
    assert_eq!(l[0].1, l[1].1, "Lucene lengths: a tie, broken by doc id");
    assert_eq!(l[0].0, 0);
    // A term twice in the query counts twice, as Lucene's bag of words boosts it; with exact
    // norms BM25 saturates it (k3 = 500), 501·2/502 times.
    let twice = |seg: &crate::segment::Segment| {
        let one = search(seg, &SearchRequest::from_json("needle", "{}").unwrap()).unwrap();
        let two = search(
            seg,
            &SearchRequest::from_json("needle needle", "{}").unwrap(),
        )
        .unwrap();
        two.hits[0].1 / one.hits[0].1
    };
    assert_eq!(twice(&lucene), 2.0);
    assert!(
        (twice(&exact) - 1002.0 / 502.0).abs() < 1e-12,
        "{}",
        twice(&exact)
    );
    let e = crate::indexer::BuildOptions::from_json(r#"{"norms":"bytes"}"#).unwrap_err();
    assert!(
        e.message.contains("\"exact\" or \"lucene\""),
        "{}",
        e.message
    );
}
