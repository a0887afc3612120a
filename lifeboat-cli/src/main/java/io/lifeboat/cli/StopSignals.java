package io.lifeboat.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM as a request to stop, for commands that run until stopped ({@code wal
 * receive}): instead of the JVM's immediate shutdown the command finishes its current write,
 * reports, and exits 130. The previous handlers come back on {@link #close()}.
 */
final class StopSignals implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final SignalHandler previousInt;
    private final SignalHandler previousTerm;

    StopSignals() {
        SignalHandler h = s -> requested.set(true);
        previousInt = Signal.handle(new Signal("INT"), h);
        previousTerm = Signal.handle(new Signal("TERM"), h);
    }

    boolean requested() {
        return requested.get();
    }

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
    }
}
