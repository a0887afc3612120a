package io.lifeboat.source.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts a logical backup records in its snapshot ({@code metadata}, documented in
 * docs/json.md). Everything here was read inside the exported snapshot the dump used, so the
 * row counts are exactly the rows in the dump; restore drills compare against them.
 *
 * @param host where the database was (with {@code port}, {@code user}, {@code database}); the default restore server
 * @param systemIdentifier from {@code pg_control_system()}, {@code null} when the user may not read it
 * @param snapshotName the exported snapshot the dump used ({@code pg_export_snapshot()})
 * @param snapshotTime the server's clock in the snapshot transaction, ISO-8601
 * @param walLsn the WAL position when the snapshot was taken, or {@code null}
 * @param tables every table whose data is in the dump, with its exact row count, by schema then name
 * @param clientMajor the major version of pg_dump; pg_restore must be at least as new
 */
public record DumpMetadata(
        String host,
        int port,
        String user,
        String database,
        String serverVersion,
        int serverVersionNum,
        String systemIdentifier,
        long databaseSize,
        String encoding,
        String collation,
        String ctype,
        List<Extension> extensions,
        String snapshotName,
        String snapshotTime,
        String walLsn,
        List<TableCount> tables,
        String format,
        long dumpBytes,
        String clientVersion,
        int clientMajor) {

    /** The dump format: custom, uncompressed (see the package documentation for why). */
    public static final String FORMAT = "pg_dump custom (-Fc -Z0)";
    /** The format of a dump in parts ({@code --jobs}): one custom-format stream per part ({@link DumpLayout}). */
    public static final String FORMAT_PARTS = "pg_dump custom (-Fc -Z0), schema and data parts";

    public record Extension(String name, String version, String schema) {}

    /** One table's exact row count in the snapshot. */
    public record TableCount(String schema, String name, long rows) {
        public String qualified() {
            return schema + "." + name;
        }
    }

    public DumpMetadata {
        extensions = List.copyOf(extensions);
        tables = List.copyOf(tables);
    }

    public int serverMajor() {
        return serverVersionNum / 10000;
    }

    public long totalRows() {
        return tables.stream().mapToLong(TableCount::rows).sum();
    }

    DumpMetadata withDump(long bytes, List<TableCount> counted) {
        return new DumpMetadata(host, port, user, database, serverVersion, serverVersionNum, systemIdentifier,
                databaseSize, encoding, collation, ctype, extensions, snapshotName, snapshotTime, walLsn, counted,
                format, bytes, clientVersion, clientMajor);
    }

    /** The JSON-ready form stored in the snapshot (snake_case keys; only ever extended). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("port", port);
        m.put("user", user);
        m.put("database", database);
        m.put("server_version", serverVersion);
        m.put("server_version_num", serverVersionNum);
        m.put("system_identifier", systemIdentifier);
        m.put("database_size", databaseSize);
        m.put("encoding", encoding);
        m.put("collation", collation);
        m.put("ctype", ctype);
        List<Map<String, Object>> ext = new ArrayList<>();
        for (Extension e : extensions) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", e.name());
            x.put("version", e.version());
            x.put("schema", e.schema());
            ext.add(x);
        }
        m.put("extensions", ext);
        m.put("snapshot", snapshotName);
        m.put("snapshot_time", snapshotTime);
        m.put("wal_lsn", walLsn);
        List<Map<String, Object>> t = new ArrayList<>();
        for (TableCount c : tables) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("schema", c.schema());
            x.put("name", c.name());
            x.put("rows", c.rows());
            t.add(x);
        }
        m.put("tables", t);
        m.put("total_rows", totalRows());
        m.put("format", format);
        m.put("dump_bytes", dumpBytes);
        m.put("client_version", clientVersion);
        m.put("client_major", clientMajor);
        return m;
    }

    /** Reads what {@link #toMap} wrote (as decoded from the snapshot's JSON). */
    @SuppressWarnings("unchecked")
    public static DumpMetadata fromMap(Map<String, Object> m) {
        List<Extension> ext = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("extensions", List.of())) {
            Map<String, Object> x = (Map<String, Object>) o;
            ext.add(new Extension(str(x, "name"), str(x, "version"), str(x, "schema")));
        }
        List<TableCount> tables = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("tables", List.of())) {
            Map<String, Object> x = (Map<String, Object>) o;
            tables.add(new TableCount(str(x, "schema"), str(x, "name"), num(x, "rows")));
        }
        return new DumpMetadata(str(m, "host"), (int) num(m, "port"), str(m, "user"), str(m, "database"),
                str(m, "server_version"), (int) num(m, "server_version_num"), str(m, "system_identifier"),
                num(m, "database_size"), str(m, "encoding"), str(m, "collation"), str(m, "ctype"), ext,
                str(m, "snapshot"), str(m, "snapshot_time"), str(m, "wal_lsn"), tables, str(m, "format"),
                num(m, "dump_bytes"), str(m, "client_version"), (int) num(m, "client_major"));
    }

    private static String str(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? null : v.toString();
    }

    private static long num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v instanceof Number n ? n.longValue() : v == null ? 0 : Long.parseLong(v.toString());
    }
}
