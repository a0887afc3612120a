#!/usr/bin/env bash
# Builds a RAG-like PostgreSQL database for benchmarks, generated in the server from fixed seeds
# (the same data every run): schema rag with documents (jsonb metadata, bytea), chunks (text and
# float4[] embeddings, foreign key, B-tree index), document tags, a sequence and a view, plus the
# pg_trgm extension. The default size is about 1.1 GB on disk (60000 documents x 5 chunks of
# 768-dimensional embeddings); chunks hold most of it, as in real RAG stores.
# Connects with libpq's PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD).
# Usage:
#   bench/make-rag-db.sh create DB [DOCUMENTS (default 60000)]   a new database
#   bench/make-rag-db.sh append DB FIRST COUNT                   documents FIRST.. with their chunks and tags
#   bench/make-rag-db.sh update DB COUNT [SEED]                  revise the content of COUNT random chunks
# Environment: PG_BIN (default: the newest /usr/lib/postgresql/*/bin), CHUNKS_PER_DOC (5), DIM (768).
set -euo pipefail
bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
chunks_per_doc="${CHUNKS_PER_DOC:-5}"
dim="${DIM:-768}"
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

insert() { # db first count
  psql -d "$1" -c "SELECT setseed($2::float8 / ($2 + 1))" -c "
    INSERT INTO rag.documents (id, title, source_uri, metadata, raw, created_at)
    SELECT g, 'Document ' || g || ' ' || md5(random()::text), 'https://docs.example.com/' || g || '.pdf',
           jsonb_build_object('lang', (ARRAY['en','de','fr'])[1 + g % 3], 'pages', 1 + (random() * 40)::int,
                              'author', 'author-' || (g % 17), 'tags', jsonb_build_array('t' || g % 5)),
           decode(md5(g::text) || md5(random()::text), 'hex'),
           timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
      FROM generate_series($2, $2 + $3 - 1) g;
    INSERT INTO rag.chunks (document_id, ordinal, content, embedding, tokens)
    SELECT d, o, 'chunk ' || o || ' of document ' || d || ': ' || repeat(md5((d * 100 + o)::text) || ' ', 8),
           ARRAY(SELECT (random() * 2 - 1)::float4 FROM generate_series(1, $dim) WHERE d > 0),
           50 + (random() * 400)::int
      FROM generate_series($2, $2 + $3 - 1) d, generate_series(1, $chunks_per_doc) o ORDER BY d, o;
    INSERT INTO rag.document_tags SELECT g, t FROM generate_series($2, $2 + $3 - 1) g,
           unnest(ARRAY['policy', 'faq', 'contract']) t WHERE (g + length(t)) % 2 = 0;" >/dev/null
}

case "${1:-}" in
  create)
    db="$2"; docs="${3:-60000}"
    psql -d postgres -c "CREATE DATABASE $db"
    psql -d "$db" -c "CREATE EXTENSION pg_trgm" -c "CREATE SCHEMA rag" -c "
      CREATE TABLE rag.documents (id bigint PRIMARY KEY, title text NOT NULL, source_uri text UNIQUE NOT NULL,
                                  metadata jsonb NOT NULL, raw bytea, created_at timestamptz NOT NULL);
      CREATE TABLE rag.chunks (id bigserial PRIMARY KEY, document_id bigint NOT NULL REFERENCES rag.documents ON DELETE CASCADE,
                               ordinal int NOT NULL, content text NOT NULL, embedding float4[] NOT NULL, tokens int NOT NULL);
      CREATE TABLE rag.document_tags (document_id bigint REFERENCES rag.documents ON DELETE CASCADE, tag text,
                                      PRIMARY KEY (document_id, tag));
      CREATE SEQUENCE rag.ingest_batch START 1000;
      CREATE VIEW rag.document_stats AS SELECT d.id, d.title, count(c.id) AS chunks, sum(c.tokens) AS tokens
        FROM rag.documents d LEFT JOIN rag.chunks c ON c.document_id = d.id GROUP BY d.id, d.title;"
    batch=5000
    for ((first = 1; first <= docs; first += batch)); do
      insert "$db" "$first" $(( docs - first + 1 < batch ? docs - first + 1 : batch ))
    done
    psql -d "$db" -c "CREATE INDEX ON rag.chunks (document_id, ordinal)" -c "VACUUM ANALYZE"
    ;;
  append)
    insert "$2" "$3" "$4"
    ;;
  update)
    psql -d "$2" -c "SELECT setseed(${4:-0.77})" -c "UPDATE rag.chunks SET content = content || ' (revised)' WHERE id IN
      (SELECT id FROM rag.chunks ORDER BY random() LIMIT $3)" >/dev/null
    ;;
  *)
    sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
