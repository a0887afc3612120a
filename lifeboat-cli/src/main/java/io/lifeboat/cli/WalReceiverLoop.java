package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.source.postgres.WalReceiveConfig;
import io.lifeboat.source.postgres.WalReceiver;
import io.lifeboat.source.postgres.physical.Lsn;
import io.lifeboat.source.postgres.physical.WalSink;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A WAL receiver inside the daemon: runs {@link WalReceiver} (as {@code wal receive} does) until
 * the daemon stops, and reconnects after the server restarts or the connection drops, waiting
 * {@link #FIRST_WAIT} doubling to {@link #MAX_WAIT} between attempts (back to the first wait once
 * a connection streamed). Each attempt resumes from the slot, so nothing is lost across
 * reconnects. Errors that a retry cannot fix (another system's repository, a bad configuration)
 * end this receiver with a message; the daemon keeps serving.
 */
final class WalReceiverLoop implements Runnable {
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final String label;
    private final WalReceiveConfig config;
    private final WalSink sink;
    private final Clock clock;
    private final Consumer<String> log;
    private final boolean logEachFile;
    private final BooleanSupplier stop;

    WalReceiverLoop(String label, WalReceiveConfig config, WalSink sink, Clock clock, Consumer<String> log,
            boolean logEachFile, BooleanSupplier stop) {
        this.label = label;
        this.config = config;
        this.sink = sink;
        this.clock = clock;
        this.log = log;
        this.logEachFile = logEachFile;
        this.stop = stop;
    }

    @Override
    public void run() {
        Duration wait = FIRST_WAIT;
        while (!stop.getAsBoolean()) {
            AtomicBoolean streamed = new AtomicBoolean();
            try {
                WalReceiver.Result r = new WalReceiver(config, sink, clock, events(streamed)).run(stop);
                log.accept(String.format("receiver %s: stopped at %s (%d segments stored this connection)", label,
                        r.flushed(), r.segmentsStored()));
            } catch (LifeboatException e) {
                if (isFinal(e.code())) {
                    log.accept("error: receiver " + label + " stopped: " + e.getMessage()
                            + (e.hint() == null ? "" : "\nhint: " + e.hint()));
                    return;
                }
                wait = streamed.get() ? FIRST_WAIT : wait;
                log.accept("receiver " + label + ": " + e.getMessage() + "; connecting again in " + wait.toSeconds() + " s");
            } catch (RuntimeException e) {
                wait = streamed.get() ? FIRST_WAIT : wait;
                log.accept("receiver " + label + ": " + e + "; connecting again in " + wait.toSeconds() + " s");
            }
            if (!sleep(wait)) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
        }
    }

    /** Whether a retry cannot help: the repository belongs to another system, or the options are wrong. */
    static boolean isFinal(ErrorCode code) {
        return code == ErrorCode.REFUSED || code == ErrorCode.USAGE || code == ErrorCode.WRONG_PASSWORD;
    }

    /** Sleeps, waking early to stop; false when the daemon stops. */
    private boolean sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (stop.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stop.getAsBoolean();
    }

    private WalReceiver.Events events(AtomicBoolean streamed) {
        return new WalReceiver.Events() {
            @Override
            public void started(String systemId, int timeline, Lsn start, String slotName, boolean slotCreated) {
                streamed.set(true);
                log.accept(String.format("receiver %s: receiving WAL of system %s, timeline %d, from %s (slot %s%s)", label,
                        systemId, timeline, start, slotName, slotCreated ? ", created" : ""));
            }

            @Override
            public void segmentStored(String segment, boolean stored, Lsn flushed) {
                if (logEachFile) {
                    log.accept(String.format("receiver %s: %s %s (flushed up to %s)", label,
                            stored ? "stored" : "already archived (identical)", segment, flushed));
                }
            }

            @Override
            public void historyStored(String name) {
                log.accept("receiver " + label + ": stored " + name);
            }

            @Override
            public void notice(String message) {
                log.accept("warning: receiver " + label + ": " + message);
            }
        };
    }
}
