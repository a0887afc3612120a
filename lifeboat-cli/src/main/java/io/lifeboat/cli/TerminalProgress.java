package io.lifeboat.cli;

import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/** Renders progress as one self-overwriting line on a terminal, at most ten times a second. */
final class TerminalProgress implements ProgressListener {
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastNanos;
    private boolean drawn;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void onProgress(Progress p) {
        long now = System.nanoTime();
        if (now - lastNanos < 100_000_000L) {
            return;
        }
        lastNanos = now;
        double secs = Math.max(0.001, (now - startNanos) / 1e9);
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "[%s] %s", clock(secs), p.phase()));
        if (p.itemsTotal() > 0) {
            line.append(String.format(Locale.ROOT, " %d/%d", p.itemsDone(), p.itemsTotal()));
        } else if (p.itemsDone() > 0) {
            line.append(' ').append(p.itemsDone()).append(" items");
        }
        if (p.bytesDone() > 0) {
            line.append(", ").append(Sizes.human(p.bytesDone()));
            if (p.bytesTotal() > 0) {
                line.append(" of ").append(Sizes.human(p.bytesTotal()));
            }
            line.append(String.format(Locale.ROOT, " (%s/s)", Sizes.human((long) (p.bytesDone() / secs))));
        }
        if (p.current() != null) {
            line.append("  ").append(shorten(p.current(), 50));
        }
        String s = line.length() > 118 ? line.substring(0, 118) : line.toString();
        out.print("\r" + s + "\u001b[K");
        out.flush();
        drawn = true;
    }

    /** Clears the progress line before results are printed. */
    synchronized void finish() {
        if (drawn) {
            out.print("\r\u001b[K");
            out.flush();
        }
    }

    private static String clock(double secs) {
        long s = (long) secs;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
}
