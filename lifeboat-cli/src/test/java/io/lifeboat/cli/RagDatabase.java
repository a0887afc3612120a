package io.lifeboat.cli;

import io.lifeboat.testkit.postgres.PgCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A RAG-like database for PostgreSQL tests, generated in the server from a seed
 * ({@code setseed}), so every run holds the same data: schema {@code rag} with documents (jsonb
 * metadata, bytea), chunks ({@code float4[]} embeddings, foreign key, B-tree and trigram
 * indexes), tags (composite key), a sequence, a view, a SQL function and the {@code pg_trgm}
 * extension from postgresql-contrib.
 */
final class RagDatabase {
    /** Tables compared by {@link #checksums}, each with its ordering key. */
    static final Map<String, String> TABLES = Map.of(
            "rag.documents", "id", "rag.chunks", "id", "rag.document_tags", "document_id, tag");

    private RagDatabase() {}

    static void create(PgCluster pg, String db, double seed, int documents, int chunksPerDocument, int dim) {
        pg.createDatabase(db);
        pg.execute(db,
                "CREATE EXTENSION pg_trgm",
                "CREATE SCHEMA rag",
                """
                CREATE TABLE rag.documents (
                    id bigserial PRIMARY KEY, title text NOT NULL, source_uri text UNIQUE NOT NULL,
                    metadata jsonb NOT NULL, raw bytea, created_at timestamptz NOT NULL)""",
                """
                CREATE TABLE rag.chunks (
                    id bigserial PRIMARY KEY,
                    document_id bigint NOT NULL REFERENCES rag.documents (id) ON DELETE CASCADE,
                    ordinal int NOT NULL, content text NOT NULL, embedding float4[] NOT NULL, tokens int NOT NULL,
                    UNIQUE (document_id, ordinal))""",
                "CREATE INDEX chunks_content_trgm ON rag.chunks USING gin (content gin_trgm_ops)",
                """
                CREATE TABLE rag.document_tags (
                    document_id bigint REFERENCES rag.documents (id) ON DELETE CASCADE, tag text,
                    PRIMARY KEY (document_id, tag))""",
                "CREATE SEQUENCE rag.ingest_batch START 1000",
                """
                CREATE FUNCTION rag.dot(a float4[], b float4[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS
                $$ SELECT sum(x * y) FROM unnest(a, b) AS t(x, y) $$""",
                """
                CREATE VIEW rag.document_stats AS
                SELECT d.id, d.title, count(c.id) AS chunks, sum(c.tokens) AS tokens
                  FROM rag.documents d LEFT JOIN rag.chunks c ON c.document_id = d.id GROUP BY d.id, d.title""");
        insert(pg, db, seed, 1, documents, chunksPerDocument, dim);
        pg.execute(db, "SELECT nextval('rag.ingest_batch')", "ANALYZE");
    }

    /** Inserts documents {@code first..first+count-1} with their chunks and tags. */
    static void insert(PgCluster pg, String db, double seed, long first, long count, int chunksPerDocument, int dim) {
        long last = first + count - 1;
        pg.execute(db, String.format(Locale.ROOT, "SELECT setseed(%f)", seed) + "; " + String.format(Locale.ROOT, """
                INSERT INTO rag.documents (id, title, source_uri, metadata, raw, created_at)
                SELECT g, 'Document ' || g || ' ' || md5(random()::text),
                       'https://docs.example.com/' || g || '.pdf',
                       jsonb_build_object('lang', (ARRAY['en','de','fr'])[1 + g %% 3], 'pages', 1 + (random() * 40)::int,
                                          'author', 'author-' || (g %% 17), 'tags', jsonb_build_array('t' || g %% 5)),
                       decode(md5(g::text) || md5(random()::text), 'hex'),
                       timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
                  FROM generate_series(%d, %d) AS g""", first, last) + "; " + String.format(Locale.ROOT, """
                INSERT INTO rag.chunks (document_id, ordinal, content, embedding, tokens)
                SELECT d, o, 'chunk ' || o || ' of document ' || d || ': ' || repeat(md5((d * 100 + o)::text) || ' ', 8),
                       ARRAY(SELECT (random() * 2 - 1)::float4 FROM generate_series(1, %d) WHERE d > 0),
                       50 + (random() * 400)::int
                  FROM generate_series(%d, %d) AS d, generate_series(1, %d) AS o ORDER BY d, o""",
                dim, first, last, chunksPerDocument) + "; " + String.format(Locale.ROOT, """
                INSERT INTO rag.document_tags SELECT g, t FROM generate_series(%d, %d) g,
                       unnest(ARRAY['policy', 'faq', 'contract']) t WHERE (g + length(t)) %% 2 = 0""", first, last),
                "SELECT setval('rag.documents_id_seq', (SELECT max(id) FROM rag.documents))");
    }

    /** Ordered per-table checksums (md5 of every row's text form in key order), row counts, and other objects. */
    static Map<String, String> checksums(PgCluster pg, String db) {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
            for (var t : TABLES.entrySet()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), md5(string_agg(x::text, '|' ORDER BY "
                        + t.getValue() + ")) FROM " + t.getKey() + " x")) {
                    rs.next();
                    out.put(t.getKey(), rs.getLong(1) + " rows, md5 " + rs.getString(2));
                }
            }
            out.put("sequence rag.ingest_batch", one(st, "SELECT last_value || '/' || is_called FROM rag.ingest_batch"));
            out.put("sequence rag.documents_id_seq", one(st, "SELECT last_value::text FROM rag.documents_id_seq"));
            out.put("view rag.document_stats", one(st,
                    "SELECT md5(string_agg(s::text, '|' ORDER BY id)) FROM rag.document_stats s"));
            out.put("function rag.dot", one(st,
                    "SELECT round(rag.dot(embedding, embedding)::numeric, 3)::text FROM rag.chunks ORDER BY id LIMIT 1"));
            out.put("extensions", one(st, "SELECT string_agg(extname || ' ' || extversion, ',' ORDER BY extname) FROM pg_extension"));
            out.put("indexes", one(st, "SELECT string_agg(indexname || ': ' || indexdef, '; ' ORDER BY indexname)"
                    + " FROM pg_indexes WHERE schemaname = 'rag'"));
            out.put("foreign keys", one(st, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint"
                    + " WHERE contype = 'f' AND connamespace = 'rag'::regnamespace"));
            out.put("trigram search", one(st, "SELECT count(*)::text FROM rag.chunks WHERE content % 'chunk 3 of document 7'"));
        } catch (SQLException e) {
            throw new IllegalStateException("checksums of " + db + ": " + e.getMessage(), e);
        }
        return out;
    }

    static long count(PgCluster pg, String db, String sql) {
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return String.join(",", values);
        }
    }
}
