package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.PostgresSourceConfig;
import io.lifeboat.source.postgres.WalReceiveConfig;
import io.lifeboat.source.postgres.WalReceiver;
import io.lifeboat.source.postgres.physical.Lsn;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat wal receive}: streams WAL over the replication protocol into the repository
 * until stopped (SIGINT/SIGTERM: exit 130 after the current write) or until {@code --until-lsn} /
 * {@code --once} is reached (exit 0).
 */
@Command(name = "receive", description = {
        "Stream WAL from the server over the replication protocol (physical replication slot) into the repository.",
        "Complete segments are stored as 'wal push' stores them; the segment being received is also stored every "
                + "--partial-interval as <segment>.streaming. The server is told a position is flushed only once its "
                + "segment is durable in the repository, so the slot keeps everything not yet stored.",
        "Runs until SIGINT/SIGTERM (exit 130) or --until-lsn/--once."})
final class WalReceiveCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Mixin
    PgConnectionOptions pg;

    @Option(names = "--slot", paramLabel = "NAME", description = "Physical replication slot. Default: lifeboat.")
    String slot = WalReceiveConfig.DEFAULT_SLOT;

    @Option(names = "--create-slot", description = "Create the slot when it does not exist (reserving WAL at once).")
    boolean createSlot;

    @Option(names = "--spool", paramLabel = "DIR", required = true,
            description = "Local directory for the segment being received (fsync'd; one receiver per directory).")
    Path spool;

    @Option(names = "--partial-interval", paramLabel = "DURATION",
            description = "Store the segment being received this often (e.g. 10s, 1m). Default: 10s.")
    String partialInterval = "10s";

    @Option(names = "--until-lsn", paramLabel = "LSN", description = "Stop once the WAL up to LSN (X/Y) is in the repository.")
    String untilLsn;

    @Option(names = "--once", description = "Stop once the WAL the server had flushed at the start is in the repository.")
    boolean once;

    WalReceiveCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Lsn until = null;
        if (untilLsn != null) {
            try {
                until = Lsn.parse(untilLsn);
            } catch (IllegalArgumentException e) {
                throw new LifeboatException(ErrorCode.USAGE, "--until-lsn " + untilLsn + " is not an LSN", "write it as "
                        + "PostgreSQL does, e.g. 0/3000060 (SELECT pg_current_wal_lsn())");
            }
        }
        PostgresSourceConfig source = pg.sourceConfig(ctx.env, true);
        WalReceiveConfig config = new WalReceiveConfig(source.connection(), source.password(), slot, createSlot, spool,
                Durations.parse(partialInterval, "--partial-interval"), until, once);
        WalReceiver.Result r;
        try (Repository repo = ctx.open(options); StopSignals signals = new StopSignals()) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            r = new WalReceiver(config, new RepositoryWalSink(wal), Clock.systemUTC(), events()).run(signals::requested);
        }
        render(r);
        return r.stop() == WalReceiver.Stop.INTERRUPTED ? ErrorCode.INTERRUPTED.exitCode() : 0;
    }

    /** One line per stored file on stderr, unless quiet or JSON. */
    private WalReceiver.Events events() {
        if (options.quiet || options.json) {
            return WalReceiver.Events.NONE;
        }
        return new WalReceiver.Events() {
            @Override
            public void started(String systemId, int timeline, Lsn start, String slotName, boolean slotCreated) {
                ctx.err.printf("receiving WAL of system %s, timeline %d, from %s (slot %s%s)%n", systemId, timeline, start,
                        slotName, slotCreated ? ", created" : "");
            }

            @Override
            public void segmentStored(String segment, boolean stored, Lsn flushed) {
                ctx.err.printf("%s %s (flushed up to %s)%n", stored ? "stored" : "already archived (identical)", segment,
                        flushed);
            }

            @Override
            public void historyStored(String name) {
                ctx.err.printf("stored %s%n", name);
            }

            @Override
            public void notice(String message) {
                ctx.err.println("warning: " + message);
            }
        };
    }

    private void render(WalReceiver.Result r) {
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("system_identifier", r.systemId());
            m.put("slot", r.slot());
            m.put("slot_created", r.slotCreated());
            m.put("timeline", r.timeline());
            m.put("start_lsn", r.start().toString());
            m.put("received_lsn", r.received().toString());
            m.put("stored_lsn", r.stored().toString());
            m.put("flushed_lsn", r.flushed().toString());
            m.put("segments_stored", r.segmentsStored());
            m.put("segments_already_present", r.segmentsAlreadyPresent());
            m.put("partial_stores", r.streamingStores());
            m.put("bytes_received", r.bytesReceived());
            m.put("duration_ms", r.duration().toMillis());
            m.put("stopped_by", r.stop() == WalReceiver.Stop.INTERRUPTED ? "signal" : "until");
            Output.json(ctx.out, m);
        } else if (!options.quiet) {
            ctx.out.printf("received %s to %s in %.1f s: %d segments stored, %d already archived; in the repository up to "
                    + "%s (complete segments up to %s)%n", r.start(), r.received(), r.duration().toMillis() / 1000.0,
                    r.segmentsStored(), r.segmentsAlreadyPresent(), r.stored(), r.flushed());
        }
    }
}
