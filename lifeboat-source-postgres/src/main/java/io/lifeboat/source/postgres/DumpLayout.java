package io.lifeboat.source.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a logical backup's dump is laid out in the snapshot tree. A backup without {@code --jobs}
 * is one stream, {@value PostgresLogicalSource#DUMP_NODE}. A backup with {@code --jobs N} is a
 * schema part ({@value #SCHEMA_NODE}: everything but the rows of the listed tables) and up to N
 * data parts ({@code data-1.pgdump} …: the rows of disjoint table sets, balanced by size), all
 * taken in one exported snapshot. Recorded in the snapshot's metadata as {@code jobs} and
 * {@code parts}; a snapshot without them is one stream.
 *
 * @param jobs the {@code --jobs} of the backup (1: one stream)
 * @param parts empty for one stream; else the schema part first, then the data parts
 */
public record DumpLayout(int jobs, List<Part> parts) {
    public static final String SCHEMA_NODE = "schema.pgdump";
    public static final DumpLayout SINGLE = new DumpLayout(1, List.of());

    public DumpLayout {
        parts = List.copyOf(parts);
    }

    /** A schema-qualified table name, as recorded (not quoted). */
    public record TableRef(String schema, String name) {
        public String qualified() {
            return schema + "." + name;
        }

        /** A pg_dump/pg_restore pattern matching exactly this table, whatever characters its names hold. */
        String pattern() {
            return PgSession.ident(schema) + "." + PgSession.ident(name);
        }
    }

    /**
     * One stream of a dump in parts.
     *
     * @param node its name in the snapshot's root tree
     * @param schema whether it is the schema part (pre-data, post-data, sequence values, large objects)
     * @param tables the tables whose rows it holds (data parts)
     * @param tableBytes the on-disk size of those tables at backup time (what the balancing used)
     * @param dumpBytes the length of the stream
     */
    public record Part(String node, boolean schema, List<TableRef> tables, long tableBytes, long dumpBytes) {
        public Part {
            tables = List.copyOf(tables);
        }
    }

    public boolean single() {
        return parts.isEmpty();
    }

    public List<Part> dataParts() {
        return parts.stream().filter(p -> !p.schema()).toList();
    }

    public Part schemaPart() {
        return parts.stream().filter(Part::schema).findFirst()
                .orElseThrow(() -> new IllegalStateException("a dump in parts without a schema part"));
    }

    static String dataNode(int i) {
        return "data-" + i + ".pgdump";
    }

    /** Adds {@code jobs} and {@code parts} to a metadata map (nothing for one stream). */
    public void putInto(Map<String, Object> m) {
        if (single()) {
            return;
        }
        m.put("jobs", jobs);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Part p : parts) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("node", p.node());
            x.put("kind", p.schema() ? "schema" : "data");
            x.put("tables", p.tables().stream().map(t -> Map.of("schema", t.schema(), "name", t.name())).toList());
            x.put("table_bytes", p.tableBytes());
            x.put("dump_bytes", p.dumpBytes());
            out.add(x);
        }
        m.put("parts", out);
    }

    /** Reads what {@link #putInto} wrote; a map without {@code parts} (older snapshots) is one stream. */
    @SuppressWarnings("unchecked")
    public static DumpLayout fromMap(Map<String, Object> m) {
        Object parts = m.get("parts");
        if (!(parts instanceof List<?> list) || list.isEmpty()) {
            return SINGLE;
        }
        List<Part> out = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> x = (Map<String, Object>) o;
            List<TableRef> tables = new ArrayList<>();
            for (Object t : (List<Object>) x.getOrDefault("tables", List.of())) {
                Map<String, Object> tm = (Map<String, Object>) t;
                tables.add(new TableRef(String.valueOf(tm.get("schema")), String.valueOf(tm.get("name"))));
            }
            out.add(new Part(String.valueOf(x.get("node")), "schema".equals(x.get("kind")), tables,
                    num(x.get("table_bytes")), num(x.get("dump_bytes"))));
        }
        return new DumpLayout((int) num(m.get("jobs")), out);
    }

    private static long num(Object v) {
        return v instanceof Number n ? n.longValue() : v == null ? 0 : Long.parseLong(v.toString());
    }
}
