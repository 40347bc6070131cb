//! tantivy in `npm run bench` (bench/run.ts starts it; not part of index-core or its wasm build).
//!
//! ```text
//! tantivy-bench build CORPUS.jsonl INDEX_DIR THREADS
//! tantivy-bench query INDEX_DIR QUERIES.txt ROUNDS TOPS_OUT.txt
//! tantivy-bench first INDEX_DIR QUERY
//! ```
//!
//! The same protocol as bench/lucene: each command prints one JSON line on stdout. `build` indexes
//! the JSONL corpus (`_id` or `id`, `title`, `text`) with title and text as two values of one
//! indexed field, id/title/text stored, merges to one segment and reports the directory's size.
//! `query` opens the index, runs every query (one per line) as top 10 with the exact total
//! (`(TopDocs, Count)`, which scores every match) and as top 10 only (`TopDocs`, block-WAND),
//! three warm-up passes then ROUNDS timed rounds, and reports mean/p50/p99 of the per-query
//! medians in µs; it writes each query's top-10 external ids (space-separated, one line per query)
//! to TOPS_OUT. `first` opens and answers one query (the caller times the whole process).
//!
//! Analysis, as close to index-core's default as tantivy allows: `SimpleTokenizer` (splits on
//! anything not alphanumeric: unlike Lucene's StandardTokenizer it splits "don't" and "3.14"),
//! lower case, ASCII folding, Lucene's 33 English stop words, then Snowball's original Porter
//! stemmer through `frostem`, the crate tantivy's own `Stemmer` wraps (whose English is Porter2).
//! BM25 is tantivy's (k1 1.2, b 0.75, fixed in the crate); run.ts also builds a copy whose
//! constants are patched to 0.9/0.4.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy::{doc, DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

const ANALYZER: &str = "bench_english";
/// The 33 words of Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`.
const LUCENE_STOP_WORDS: &str = "a an and are as at be but by for if in into is it no not of on \
     or such that the their then there these they this to was will with";
/// One writer memory budget for every engine in the benchmark (index-core's default is 256 MiB).
const MEMORY_BUDGET: usize = 256 << 20;
const WARMUP_PASSES: usize = 3;

/// Snowball's original Porter stemmer as a tantivy token filter.
#[derive(Clone)]
struct PorterFilter;

impl TokenFilter for PorterFilter {
    type Tokenizer<T: Tokenizer> = PorterTokenizer<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> PorterTokenizer<T> {
        PorterTokenizer(inner)
    }
}

#[derive(Clone)]
struct PorterTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for PorterTokenizer<T> {
    type TokenStream<'a> = PorterStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PorterStream {
            tail: self.0.token_stream(text),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::Porter),
            buffer: String::new(),
        }
    }
}

struct PorterStream<T> {
    tail: T,
    stemmer: frostem::Stemmer,
    buffer: String,
}

impl<T: TokenStream> TokenStream for PorterStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // As tantivy's own StemmerFilter: a borrowed stem is copied through a reused buffer.
        match self.stemmer.stem(&token.text) {
            Cow::Owned(stem) => token.text = stem,
            Cow::Borrowed(stem) => {
                self.buffer.clear();
                self.buffer.push_str(stem);
                std::mem::swap(&mut token.text, &mut self.buffer);
            }
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(256))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            LUCENE_STOP_WORDS.split_whitespace().map(String::from),
        ))
        .filter(PorterFilter)
        .build()
}

fn schema() -> Schema {
    let mut s = Schema::builder();
    s.add_text_field("id", STRING | STORED);
    s.add_text_field("title", STORED);
    s.add_text_field("text", STORED);
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    s.add_text_field(
        "body",
        TextOptions::default().set_indexing_options(indexing),
    );
    s.build()
}

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("read index dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn build(corpus: &str, dir: &str, threads: usize) -> tantivy::Result<()> {
    let started = Instant::now();
    let dir = Path::new(dir);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let schema = schema();
    let index = Index::create_in_dir(dir, schema.clone())?;
    register(&index);
    let (id, title, text, body) = (
        schema.get_field("id")?,
        schema.get_field("title")?,
        schema.get_field("text")?,
        schema.get_field("body")?,
    );
    let mut writer = index.writer_with_num_threads(threads, MEMORY_BUDGET)?;
    let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(corpus)?);
    let mut docs = 0u64;
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).expect("corpus line is JSON");
        let field = |k: &str| match v.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let ext = match v.get("_id") {
            Some(_) => field("_id"),
            None => field("id"),
        };
        let (t, x) = (field("title"), field("text"));
        writer.add_document(
            doc!(id => ext, title => t.clone(), text => x.clone(), body => t, body => x),
        )?;
        docs += 1;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    let gc = index.writer_with_num_threads::<TantivyDocument>(1, 15 << 20)?;
    gc.garbage_collect_files().wait()?;
    gc.wait_merging_threads()?;
    let segments = index.searchable_segment_ids()?.len();
    println!(
        "{{\"docs\":{},\"segments\":{},\"buildMs\":{:.1},\"indexBytes\":{}}}",
        docs,
        segments,
        started.elapsed().as_secs_f64() * 1e3,
        dir_bytes(dir)
    );
    Ok(())
}

struct Opened {
    index: Index,
    reader: IndexReader,
    body: tantivy::schema::Field,
    id: tantivy::schema::Field,
}

fn open(dir: &str) -> tantivy::Result<Opened> {
    let index = Index::open_in_dir(dir)?;
    register(&index);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let schema = index.schema();
    Ok(Opened {
        body: schema.get_field("body")?,
        id: schema.get_field("id")?,
        index,
        reader,
    })
}

/// The query's analysed terms as optional clauses, a repeated term boosted by its count (as
/// Anserini's bag-of-words queries do).
fn parse(o: &Opened, text: &str) -> Box<dyn Query> {
    let mut analyzer = o.index.tokenizer_for_field(o.body).expect("body analyzer");
    let mut counts: BTreeMap<String, f32> = BTreeMap::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        *counts.entry(stream.token().text.clone()).or_default() += 1.0;
    }
    let clauses = counts
        .into_iter()
        .map(|(t, n)| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(o.body, &t),
                IndexRecordOption::WithFreqs,
            ));
            let q = if n > 1.0 {
                Box::new(BoostQuery::new(q, n))
            } else {
                q
            };
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// `{"mean":..,"p50":..,"p99":..}` of the per-query medians.
fn summary(per_query: Vec<Vec<f64>>) -> String {
    let mut med: Vec<f64> = per_query
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect();
    med.sort_by(f64::total_cmp);
    let mean = med.iter().sum::<f64>() / med.len().max(1) as f64;
    format!(
        "{{\"mean\":{:.2},\"p50\":{:.2},\"p99\":{:.2}}}",
        mean,
        percentile(&med, 0.5),
        percentile(&med, 0.99)
    )
}

fn time<F: FnMut(usize)>(n: usize, rounds: usize, mut run: F) -> String {
    for _ in 0..WARMUP_PASSES {
        (0..n).for_each(&mut run);
    }
    let mut per_query = vec![Vec::with_capacity(rounds); n];
    for _ in 0..rounds {
        for (i, times) in per_query.iter_mut().enumerate() {
            let t = Instant::now();
            run(i);
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    summary(per_query)
}

fn external_id(o: &Opened, searcher: &tantivy::Searcher, addr: DocAddress) -> String {
    let d: TantivyDocument = searcher.doc(addr).expect("stored document");
    d.get_first(o.id)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn query(dir: &str, queries: &str, rounds: usize, tops_out: &str) -> tantivy::Result<()> {
    let t0 = Instant::now();
    let o = open(dir)?;
    let searcher = o.reader.searcher();
    let open_ms = t0.elapsed().as_secs_f64() * 1e3;
    let text = std::fs::read_to_string(queries)?;
    let texts: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let parsed: Vec<Box<dyn Query>> = texts.iter().map(|l| parse(&o, l)).collect();
    let n = parsed.len();

    // Results first (they are what the timed runs return), then the timings.
    let top10 = TopDocs::with_limit(10).order_by_score();
    let mut tops = std::fs::File::create(tops_out)?;
    let (mut total_hits, mut with_hits) = (0u64, 0usize);
    for q in &parsed {
        let (hits, count) = searcher.search(
            q.as_ref(),
            &(TopDocs::with_limit(10).order_by_score(), Count),
        )?;
        total_hits += count as u64;
        with_hits += usize::from(count > 0);
        let ids: Vec<String> = hits
            .iter()
            .map(|&(_, a)| external_id(&o, &searcher, a))
            .collect();
        writeln!(tops, "{}", ids.join(" "))?;
    }
    // Timed from the query's text, analysis included, as index-core's search is.
    let counted = time(n, rounds, |i| {
        let r = searcher
            .search(
                parse(&o, texts[i]).as_ref(),
                &(TopDocs::with_limit(10).order_by_score(), Count),
            )
            .expect("search");
        std::hint::black_box(r);
    });
    let top_only = time(n, rounds, |i| {
        let r = searcher
            .search(parse(&o, texts[i]).as_ref(), &top10)
            .expect("search");
        std::hint::black_box(r);
    });
    println!(
        "{{\"docs\":{},\"openMs\":{:.3},\"queries\":{},\"withHits\":{},\"totalHits\":{},\"counted\":{},\"top\":{}}}",
        searcher.num_docs(), open_ms, n, with_hits, total_hits, counted, top_only
    );
    Ok(())
}

fn first(dir: &str, text: &str) -> tantivy::Result<()> {
    let o = open(dir)?;
    let searcher = o.reader.searcher();
    let hits = searcher.search(
        parse(&o, text).as_ref(),
        &TopDocs::with_limit(10).order_by_score(),
    )?;
    let id = hits.first().map(|&(_, a)| external_id(&o, &searcher, a));
    println!("{}", serde_json::json!({ "first": id }));
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let result = match (a(0), args.len()) {
        ("build", 4) => build(a(1), a(2), a(3).parse().expect("THREADS is a number")),
        ("query", 5) => query(a(1), a(2), a(3).parse().expect("ROUNDS is a number"), a(4)),
        ("first", 3) => first(a(1), a(2)),
        _ => {
            eprintln!(
                "usage: tantivy-bench build CORPUS INDEX_DIR THREADS | query INDEX_DIR QUERIES ROUNDS TOPS_OUT | first INDEX_DIR QUERY"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("tantivy-bench: {e}");
        std::process::exit(1);
    }
}
