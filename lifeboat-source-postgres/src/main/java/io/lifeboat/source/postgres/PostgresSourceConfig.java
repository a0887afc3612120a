package io.lifeboat.source.postgres;

import java.util.Objects;

/**
 * What a {@link PostgresLogicalSource} backs up and with which programs.
 *
 * @param connection the database (server, user, TLS options)
 * @param password the database password, or {@code null} when the server asks for none
 * @param tools where to find pg_dump
 * @param jobs how many pg_dump processes dump table rows at once: 1 makes one stream; more make a
 *     schema part and up to {@code jobs} data parts in the same snapshot ({@link DumpLayout})
 */
public record PostgresSourceConfig(PgConnectionConfig connection, PgPassword password, ClientTools.Config tools, int jobs) {
    /** The most pg_dump processes one backup runs; each holds a server connection. */
    public static final int MAX_JOBS = 64;

    public PostgresSourceConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(tools, "tools");
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw PgConnectionConfig.usage("--jobs must be between 1 and " + MAX_JOBS + ", not " + jobs,
                    "pick about the number of CPU cores the database server can spare");
        }
    }

    /** One stream ({@code jobs} 1). */
    public PostgresSourceConfig(PgConnectionConfig connection, PgPassword password, ClientTools.Config tools) {
        this(connection, password, tools, 1);
    }
}
