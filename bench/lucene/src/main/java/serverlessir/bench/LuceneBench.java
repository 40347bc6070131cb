package serverlessir.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene in {@code npm run bench} (bench/run.ts starts it). The same protocol as bench/tantivy:
 *
 * <pre>
 * java -jar lucene-bench.jar build CORPUS.jsonl INDEX_DIR THREADS
 * java -jar lucene-bench.jar query INDEX_DIR QUERIES.txt ROUNDS TOPS_OUT.txt
 * java -jar lucene-bench.jar first INDEX_DIR QUERY
 * </pre>
 *
 * Each command prints one JSON line. {@code build} indexes the JSONL corpus ({@code _id} or
 * {@code id}, {@code title}, {@code text}) with title and text as two values of one indexed field
 * (positions and norms, as index-core's default), id/title/text stored (Lucene's default codec,
 * LZ4), force-merges to one segment and reports the directory's size. One thread uses the serial
 * merge scheduler, so merges do not run on a second core. {@code query} opens the index in this
 * fresh process and runs every query as top 10 with the exact total (total-hits threshold
 * Integer.MAX_VALUE, which scores every match) and as top 10 only (Lucene's default threshold of
 * 1,000, which lets block-max WAND skip), three warm-up passes then ROUNDS timed rounds, and
 * reports mean/p50/p99 of the per-query medians in µs; it writes each query's top-10 external ids
 * (space-separated, one line per query) to TOPS_OUT. {@code first} opens and answers one query
 * (the caller times the whole process).
 *
 * <p>Analysis as index-core's default: StandardTokenizer, lower case, ASCII folding, English
 * possessive, Lucene's 33 English stop words, Porter (PorterStemFilter). BM25Similarity(0.9, 0.4).
 * The query cache is off, so every timed query does its work.
 */
public final class LuceneBench {
  private static final int WARMUP_PASSES = 3;
  /** One writer memory budget for every engine in the benchmark (index-core's default). */
  private static final double RAM_BUFFER_MB = 256;

  private static final BM25Similarity BM25 = new BM25Similarity(0.9f, 0.4f);

  static final class EnglishLikeIndexCore extends Analyzer {
    @Override
    protected TokenStreamComponents createComponents(String field) {
      StandardTokenizer source = new StandardTokenizer();
      TokenStream s = new LowerCaseFilter(source);
      s = new ASCIIFoldingFilter(s);
      s = new EnglishPossessiveFilter(s);
      s = new StopFilter(s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
      s = new PorterStemFilter(s);
      return new TokenStreamComponents(source, s);
    }
  }

  private record CorpusDoc(String id, String title, String text) {}

  private static final CorpusDoc END = new CorpusDoc(null, null, null);
  private static final JsonFactory JSON = new JsonFactory();

  /** The top-level {@code _id}/{@code id}, {@code title} and {@code text} of one JSONL line. */
  private static CorpusDoc parseLine(String line) throws IOException {
    String id = null, title = "", text = "";
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        switch (name) {
          case "_id" -> id = p.getText();
          case "id" -> id = id == null ? p.getText() : id;
          case "title" -> title = p.getText();
          case "text" -> text = p.getText();
          default -> {}
        }
      }
    }
    return new CorpusDoc(id == null ? "" : id, title, text);
  }

  private static long dirBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void build(Path corpus, Path dir, int threads) throws Exception {
    long started = System.nanoTime();
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        old.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    IndexWriterConfig config =
        new IndexWriterConfig(new EnglishLikeIndexCore())
            .setSimilarity(BM25)
            .setRAMBufferSizeMB(RAM_BUFFER_MB)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    if (threads == 1) config.setMergeScheduler(new SerialMergeScheduler());
    long docs = 0;
    try (Directory d = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(d, config);
        BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
      if (threads == 1) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isBlank()) continue;
          writer.addDocument(document(parseLine(line)));
          docs++;
        }
      } else {
        // The reading thread parses; THREADS workers analyse and index (IndexWriter is
        // thread-safe, one in-memory segment per thread).
        BlockingQueue<CorpusDoc> queue = new ArrayBlockingQueue<>(4096);
        List<Thread> workers = new ArrayList<>();
        Exception[] failed = new Exception[1];
        for (int i = 0; i < threads; i++) {
          Thread w =
              new Thread(
                  () -> {
                    try {
                      for (CorpusDoc doc; (doc = queue.take()) != END; )
                        writer.addDocument(document(doc));
                    } catch (Exception e) {
                      failed[0] = e;
                    }
                  });
          w.start();
          workers.add(w);
        }
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isBlank()) continue;
          queue.put(parseLine(line));
          docs++;
        }
        for (int i = 0; i < threads; i++) queue.put(END);
        for (Thread w : workers) w.join();
        if (failed[0] != null) throw failed[0];
      }
      writer.forceMerge(1);
      writer.commit();
    }
    double ms = (System.nanoTime() - started) / 1e6;
    System.out.printf(
        "{\"docs\":%d,\"segments\":1,\"buildMs\":%.1f,\"indexBytes\":%d}%n",
        docs, ms, dirBytes(dir));
  }

  private static Document document(CorpusDoc c) {
    Document doc = new Document();
    doc.add(new StoredField("id", c.id()));
    doc.add(new StoredField("title", c.title()));
    doc.add(new StoredField("text", c.text()));
    doc.add(new TextField("body", c.title(), Field.Store.NO));
    doc.add(new TextField("body", c.text(), Field.Store.NO));
    return doc;
  }

  /**
   * The query's analysed terms as optional clauses, a repeated term boosted by its count (as
   * Anserini's bag-of-words queries do).
   */
  static Query parse(Analyzer analyzer, String text) {
    Map<String, Integer> counts = new TreeMap<>();
    try (TokenStream ts = analyzer.tokenStream("body", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) counts.merge(term.toString(), 1, Integer::sum);
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    counts.forEach(
        (t, n) -> {
          Query q = new TermQuery(new Term("body", t));
          b.add(n > 1 ? new BoostQuery(q, n) : q, BooleanClause.Occur.SHOULD);
        });
    return b.build();
  }

  private static IndexSearcher open(Path dir) throws IOException {
    IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(FSDirectory.open(dir)));
    searcher.setSimilarity(BM25);
    searcher.setQueryCache(null);
    return searcher;
  }

  private static final TopScoreDocCollectorManager exact() {
    return new TopScoreDocCollectorManager(10, null, Integer.MAX_VALUE);
  }

  private interface Run {
    void run(int i) throws IOException;
  }

  /** {"mean","p50","p99"} of the per-query medians, in µs. */
  private static String time(int n, int rounds, Run run) throws IOException {
    for (int w = 0; w < WARMUP_PASSES; w++) for (int i = 0; i < n; i++) run.run(i);
    double[][] t = new double[n][rounds];
    for (int r = 0; r < rounds; r++)
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        run.run(i);
        t[i][r] = (System.nanoTime() - t0) / 1e3;
      }
    double[] med = new double[n];
    for (int i = 0; i < n; i++) {
      Arrays.sort(t[i]);
      med[i] = t[i][rounds / 2];
    }
    Arrays.sort(med);
    double mean = Arrays.stream(med).average().orElse(Double.NaN);
    return String.format(
        "{\"mean\":%.2f,\"p50\":%.2f,\"p99\":%.2f}", mean, pct(med, 0.5), pct(med, 0.99));
  }

  private static double pct(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(p * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, i)) - 1];
  }

  private static String externalId(IndexSearcher s, int doc) throws IOException {
    return s.storedFields().document(doc).get("id");
  }

  private static void query(Path dir, Path queryFile, int rounds, Path topsOut) throws Exception {
    long t0 = System.nanoTime();
    IndexSearcher searcher = open(dir);
    double openMs = (System.nanoTime() - t0) / 1e6;
    Analyzer analyzer = new EnglishLikeIndexCore();
    List<String> texts = new ArrayList<>();
    for (String line : Files.readAllLines(queryFile, StandardCharsets.UTF_8))
      if (!line.isBlank()) texts.add(line);
    List<Query> queries = new ArrayList<>();
    for (String text : texts) queries.add(parse(analyzer, text));
    int n = queries.size();

    // Results first (they are what the timed runs return), then the timings.
    long totalHits = 0;
    int withHits = 0;
    try (PrintWriter tops = new PrintWriter(Files.newBufferedWriter(topsOut))) {
      for (Query q : queries) {
        TopDocs td = searcher.search(q, exact());
        totalHits += td.totalHits.value();
        if (td.totalHits.value() > 0) withHits++;
        List<String> ids = new ArrayList<>();
        for (ScoreDoc sd : td.scoreDocs) ids.add(externalId(searcher, sd.doc));
        tops.println(String.join(" ", ids));
      }
    }
    // Timed from the query's text, analysis included, as index-core's search is.
    String counted = time(n, rounds, i -> searcher.search(parse(analyzer, texts.get(i)), exact()));
    String top = time(n, rounds, i -> searcher.search(parse(analyzer, texts.get(i)), 10));
    System.out.printf(
        "{\"docs\":%d,\"openMs\":%.3f,\"queries\":%d,\"withHits\":%d,\"totalHits\":%d,\"counted\":%s,\"top\":%s}%n",
        searcher.getIndexReader().numDocs(), openMs, n, withHits, totalHits, counted, top);
  }

  private static void first(Path dir, String text) throws IOException {
    IndexSearcher searcher = open(dir);
    TopDocs td = searcher.search(parse(new EnglishLikeIndexCore(), text), 10);
    String id = td.scoreDocs.length > 0 ? externalId(searcher, td.scoreDocs[0].doc) : null;
    System.out.println(
        id == null ? "{\"first\":null}" : "{\"first\":\"" + id.replace("\"", "\\\"") + "\"}");
  }

  /**
   * Writes each document's indexed terms (title, then text) to {@code out}, one line each: the id,
   * a tab, the terms.
   */
  private static void terms(Path corpus, Path outFile) throws IOException {
    Analyzer analyzer = new EnglishLikeIndexCore();
    try (BufferedReader r = Files.newBufferedReader(corpus, StandardCharsets.UTF_8);
        PrintWriter out =
            new PrintWriter(Files.newBufferedWriter(outFile, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) continue;
        CorpusDoc d = parseLine(line);
        List<String> terms = new ArrayList<>();
        for (String value : new String[] {d.title(), d.text()}) {
          try (TokenStream ts = analyzer.tokenStream("body", value)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) terms.add(term.toString());
            ts.end();
          }
        }
        out.println(d.id() + "\t" + String.join(" ", terms));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String cmd = args.length > 0 ? args[0] : "";
    if (cmd.equals("build") && args.length == 4) {
      build(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
    } else if (cmd.equals("query") && args.length == 5) {
      query(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
    } else if (cmd.equals("first") && args.length == 3) {
      first(Path.of(args[1]), args[2]);
    } else if (cmd.equals("terms") && args.length == 3) {
      terms(Path.of(args[1]), Path.of(args[2]));
    } else {
      System.err.println(
          "usage: lucene-bench build CORPUS INDEX_DIR THREADS | query INDEX_DIR QUERIES ROUNDS"
              + " TOPS_OUT | first INDEX_DIR QUERY | terms CORPUS OUT");
      System.exit(2);
    }
  }
}
