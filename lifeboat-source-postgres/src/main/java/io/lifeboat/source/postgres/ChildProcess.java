package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Starting and waiting for the PostgreSQL client programs, with errors that name them. */
final class ChildProcess {
    private static final long DUMP_EXIT_WAIT_SECONDS = 120;

    private ChildProcess() {}

    static Process start(ProcessBuilder pb) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot start " + pb.command().get(0) + ": " + e.getMessage(),
                    "check the PostgreSQL client installation (--pg-bin)", e);
        }
    }

    /** Waits for a child whose output has ended; kills it if it does not exit in time. */
    static int waitFor(Process p) {
        try {
            if (!p.waitFor(DUMP_EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, p.info().command().orElse("child")
                        + " did not exit within " + DUMP_EXIT_WAIT_SECONDS + " s after its output ended", "see the server log");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while waiting for " + p.info().command().orElse("child"), null, e);
        }
    }
}
