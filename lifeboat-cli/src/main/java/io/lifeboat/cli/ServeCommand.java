package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.PasswordLookup;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.WalReceiveConfig;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat serve}: the daemon. Opens the repository once (one key derivation) and serves
 * until SIGTERM/SIGINT: the WAL fast path on a unix domain socket ({@link WalSocketServer}, for
 * {@code lifeboat-wal-push} in {@code archive_command}) and zero or more WAL receivers streaming
 * from servers ({@link WalReceiverLoop}). On a signal it stops accepting, removes the socket,
 * finishes the pushes in flight, stops the receivers after their current write (each stores its
 * partial segment) and exits 0. The scheduler, REST API and dashboard will join it here.
 */
@Command(name = "serve", description = {
        "Run the daemon: the WAL fast path for archive_command on a unix socket (--wal-socket) and WAL receivers "
                + "(--wal-receive URL, each streaming from a replication slot and reconnecting after failures).",
        "Opens the repository once; runs until SIGTERM/SIGINT, then finishes the pushes in flight and exits 0."})
final class ServeCommand implements Callable<Integer> {
    /** Connections served at once on the WAL socket; more wait in its backlog. */
    static final int MAX_CONNECTIONS = 8;

    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--wal-socket", paramLabel = "PATH",
            description = "Serve WAL pushes on this unix domain socket (for lifeboat-wal-push in archive_command).")
    Path walSocket;

    @Option(names = "--wal-socket-mode", paramLabel = "MODE",
            description = "Permissions of the socket file, octal. Default: 660 (the daemon's user and group may push).")
    String walSocketMode = "660";

    @Option(names = "--wal-receive", paramLabel = "URL",
            description = "Stream WAL from this server (postgresql://user@host:port/db, no password; repeatable).")
    List<String> receive = new ArrayList<>();

    @Option(names = "--slot", paramLabel = "NAME", description = "Physical replication slot of each receiver. Default: lifeboat.")
    String slot = WalReceiveConfig.DEFAULT_SLOT;

    @Option(names = "--create-slot", description = "Create the slot when it does not exist (reserving WAL at once).")
    boolean createSlot;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "Directory for the segments being received; each receiver uses DIR/<host>-<port>-<slot>.")
    Path spool;

    @Option(names = "--partial-interval", paramLabel = "DURATION",
            description = "Store the segment being received this often (e.g. 10s). Default: 10s.")
    String partialInterval = "10s";

    @Option(names = "--pg-password-file", paramLabel = "FILE",
            description = "Database password for the receivers (first line). Default: $PGPASSWORD, else ~/.pgpass.")
    Path pgPasswordFile;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (walSocket == null && receive.isEmpty()) {
            throw new LifeboatException(ErrorCode.USAGE, "nothing to serve",
                    "pass --wal-socket PATH (archive_command fast path) and/or --wal-receive URL (streaming)");
        }
        if (!receive.isEmpty() && spool == null) {
            throw new LifeboatException(ErrorCode.USAGE, "--wal-receive needs --spool DIR",
                    "e.g. --spool /var/lib/lifeboat/spool (local, fsync'd, one directory per daemon)");
        }
        Set<PosixFilePermission> mode = socketMode(walSocketMode);
        Map<String, WalReceiveConfig> receivers = receiverConfigs();
        Consumer<String> log = this::log;
        try (Repository repo = ctx.open(options); StopSignals signals = new StopSignals()) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            WalSocketServer server = null;
            List<Thread> threads = new ArrayList<>();
            try {
                // The daemon stores large objects from its first minute: compile AES-GCM now.
                Thread.ofPlatform().daemon().name("aes-gcm-warmup").start(BlobCodec::warmUp);
                if (walSocket != null) {
                    server = new WalSocketServer(walSocket, new WalIntake(wal), log, !options.quiet, MAX_CONNECTIONS);
                    server.start(mode);
                    log("serving WAL pushes on " + walSocket + " (mode " + walSocketMode + ")");
                }
                RepositoryWalSink sink = new RepositoryWalSink(wal);
                receivers.forEach((label, config) -> threads.add(Thread.ofPlatform().name("wal-receiver-" + label)
                        .start(new WalReceiverLoop(label, config, sink, Clock.systemUTC(), log, !options.quiet,
                                signals::requested))));
                while (!signals.requested()) {
                    Thread.sleep(200);
                }
                log("stopping: finishing the WAL pushes in flight");
            } finally {
                if (server != null) {
                    server.close();
                }
                for (Thread t : threads) {
                    t.join(WalSocketServer.DRAIN_TIMEOUT.toMillis());
                }
            }
            render(server == null ? null : server.counts());
        }
        return 0;
    }

    private Map<String, WalReceiveConfig> receiverConfigs() {
        Map<String, WalReceiveConfig> out = new LinkedHashMap<>();
        for (String url : receive) {
            PgConnectionConfig.Given given = new PgConnectionConfig.Given(url, null, null, null, null, Map.of());
            PgConnectionConfig connection = PgConnectionConfig.resolve(given, ctx.env)
                    .withDatabase(given.namedDatabase().orElse("postgres"));
            String label = connection.host() + "-" + connection.port() + "-" + slot;
            if (out.containsKey(label)) {
                throw new LifeboatException(ErrorCode.USAGE, "--wal-receive names " + connection.host() + ":"
                        + connection.port() + " twice", "one receiver per server and slot");
            }
            out.put(label, new WalReceiveConfig(connection, PasswordLookup.find(pgPasswordFile, connection, ctx.env)
                    .orElse(null), slot, createSlot, spool.resolve(label.replaceAll("[^A-Za-z0-9._-]", "_")),
                    Durations.parse(partialInterval, "--partial-interval"), null, false));
        }
        return out;
    }

    static Set<PosixFilePermission> socketMode(String octal) {
        if (!octal.matches("0?[0-7]{3}")) {
            throw new LifeboatException(ErrorCode.USAGE, "--wal-socket-mode " + octal + " is not an octal mode",
                    "e.g. 660 (owner and group) or 600 (owner only)");
        }
        int m = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((m & (1 << i)) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }

    /** One timestamped line on stderr (the daemon's log; journald or a file collects it). */
    private synchronized void log(String line) {
        ctx.err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
    }

    private void render(WalSocketServer.Counts c) {
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wal_socket", walSocket == null ? null : walSocket.toString());
            m.put("files_stored", c == null ? 0 : c.stored());
            m.put("files_already_present", c == null ? 0 : c.alreadyPresent());
            m.put("files_refused", c == null ? 0 : c.refused());
            m.put("connections_dropped", c == null ? 0 : c.dropped());
            m.put("receivers", receive.size());
            Output.json(ctx.out, m);
        } else if (!options.quiet && c != null) {
            ctx.out.printf("served WAL pushes: %d stored, %d already archived, %d refused, %d dropped mid-transfer%n",
                    c.stored(), c.alreadyPresent(), c.refused(), c.dropped());
        }
    }
}
