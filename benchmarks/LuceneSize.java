// The size of a Lucene index of arkisto's OpenSearch bulk documents, laid
// out as OpenSearch lays out a document of docs/scale.md's mapping: _id and
// _source stored, keyword facets indexed with doc values, the token fields
// read by the same analysers (whitespace; whitespace + pattern_capture on
// "|" for the lemma fields), dates and amounts as points with doc values.
//
// Input: the flat file benchmarks/opensearch_size.py writes (one
// "field<TAB>value" line per value, an empty line after each document).
// Run through opensearch_size.py; it compiles this against Debian's
// liblucene8-java.
//
//     java -cp CLASSPATH LuceneSize FLAT_FILE INDEX_DIR [best_compression]
//     java -cp CLASSPATH LuceneSize --positions "päätös tuli|tulla lupa"

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.codecs.lucene87.Lucene87Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

public class LuceneSize {
    static final FieldType FREQS = new FieldType(TextField.TYPE_NOT_STORED);
    static {
        FREQS.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        FREQS.freeze();
    }

    static Analyzer readings() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = new WhitespaceTokenizer();
                return new TokenStreamComponents(t,
                        new PatternCaptureGroupTokenFilter(t, false, Pattern.compile("([^|]+)")));
            }
        };
    }

    /** Each token of the lemma analyser with its position ("tuli|tulla" -> tuli@1 tulla@1). */
    static String positions(String text) throws Exception {
        StringBuilder out = new StringBuilder();
        try (TokenStream ts = readings().tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            int pos = -1;
            while (ts.incrementToken()) {
                pos += inc.getPositionIncrement();
                out.append(out.length() > 0 ? " " : "").append(term).append('@').append(pos);
            }
            ts.end();
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--positions")) {
            System.out.println(positions(args[1]));
            return;
        }
        Path flat = Paths.get(args[0]);
        Path dir = Paths.get(args[1]);
        boolean best = args.length > 2 && args[2].equals("best_compression");
        Map<String, Analyzer> per = new HashMap<>();
        per.put("text", readings());
        per.put("title", readings());
        Analyzer analyzer = new PerFieldAnalyzerWrapper(new WhitespaceAnalyzer(), per);
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
        cfg.setRAMBufferSizeMB(256);
        cfg.setUseCompoundFile(false);  // one file per part, to see what each costs
        cfg.getMergePolicy().setNoCFSRatio(0.0);
        cfg.setCodec(new Lucene87Codec(best ? Lucene87Codec.Mode.BEST_COMPRESSION
                                            : Lucene87Codec.Mode.BEST_SPEED));
        long docs = 0;
        try (FSDirectory fs = FSDirectory.open(dir); IndexWriter w = new IndexWriter(fs, cfg);
             BufferedReader in = Files.newBufferedReader(flat, StandardCharsets.UTF_8)) {
            Document doc = new Document();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    doc.add(new NumericDocValuesField("_seq_no", docs));
                    doc.add(new LongPoint("_seq_no", docs));
                    doc.add(new NumericDocValuesField("_version", 1));
                    doc.add(new NumericDocValuesField("_primary_term", 1));
                    w.addDocument(doc);
                    doc = new Document();
                    docs++;
                    continue;
                }
                int tab = line.indexOf('\t');
                String kind = line.substring(0, tab);
                int tab2 = line.indexOf('\t', tab + 1);
                String name = line.substring(tab + 1, tab2);
                String value = line.substring(tab2 + 1);
                switch (kind) {
                    case "id":  // OpenSearch's _id: indexed and stored
                        doc.add(new StringField("_id", value, Field.Store.YES));
                        break;
                    case "source":
                        doc.add(new StoredField("_source", new BytesRef(value.getBytes(StandardCharsets.UTF_8))));
                        break;
                    case "keyword":
                        doc.add(new StringField(name, value, Field.Store.NO));
                        doc.add(new SortedSetDocValuesField(name, new BytesRef(value)));
                        break;
                    case "keyword_nodv":
                        doc.add(new StringField(name, value, Field.Store.NO));
                        break;
                    case "text":
                        doc.add(new TextField(name, value, Field.Store.NO));
                        break;
                    case "freqs":
                        doc.add(new Field(name, value, FREQS));
                        break;
                    case "long":  // dates (epoch ms), cents, integers
                        long v = Long.parseLong(value);
                        doc.add(new LongPoint(name, v));
                        doc.add(new SortedNumericDocValuesField(name, v));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown kind " + kind);
                }
            }
            w.forceMerge(1);
        }
        Map<String, Long> byExt = new TreeMap<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                String ext = n.contains(".") ? n.substring(n.lastIndexOf('.') + 1) : n;
                long size = Files.size(p);
                byExt.merge(ext, size, Long::sum);
                total += size;
            }
        }
        StringBuilder out = new StringBuilder("{\"docs\": " + docs + ", \"bytes\": " + total + ", \"by_extension\": {");
        String sep = "";
        for (Map.Entry<String, Long> e : byExt.entrySet()) {
            out.append(sep).append('"').append(e.getKey()).append("\": ").append(e.getValue());
            sep = ", ";
        }
        System.out.println(out.append("}}"));
    }
}
