package io.lifeboat.source.qdrant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A local journal of the server-side snapshots a backup created and has not deleted yet. A
 * backup killed during its download (SIGKILL, power cut) cannot run its {@code finally}; the next
 * backup of the same server reads the journal and deletes what the killed one left. Only
 * snapshots Lifeboat made are ever deleted: a snapshot name alone does not tell who made it.
 *
 * <p>One line per snapshot: {@code URL TAB collection TAB name TAB pid}. Changes hold an exclusive
 * file lock, so concurrent backups on one machine do not lose each other's lines; only entries of
 * processes that no longer run are stale, so a backup never deletes the snapshot another running
 * backup is downloading.
 */
public final class PendingSnapshots {
    private final Path file;

    public PendingSnapshots(Path file) {
        this.file = file;
    }

    /** A journal that remembers nothing (stale snapshots are then not cleaned up). */
    public static PendingSnapshots none() {
        return new PendingSnapshots(null);
    }

    record Entry(String url, String collection, String name, long pid) {
        /** An entry of this process. */
        Entry(String url, String collection, String name) {
            this(url, collection, name, ProcessHandle.current().pid());
        }

        String line() {
            return url + "\t" + collection + "\t" + name + "\t" + pid;
        }

        /** Whether the process that made the snapshot is gone (so nobody will delete it but us). */
        boolean orphaned() {
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }
    }

    void add(Entry e) {
        update(lines -> {
            lines.add(e.line());
            return lines;
        });
    }

    void remove(Entry e) {
        update(lines -> {
            lines.remove(e.line());
            return lines;
        });
    }

    /** The entries of one server whose process no longer runs. */
    List<Entry> orphans(String url) {
        List<Entry> out = new ArrayList<>();
        update(lines -> {
            for (String l : lines) {
                String[] f = l.split("\t", 4);
                if (f.length == 4 && f[0].equals(url)) {
                    Entry e = new Entry(f[0], f[1], f[2], parsePid(f[3]));
                    if (e.orphaned()) {
                        out.add(e);
                    }
                }
            }
            return lines;
        });
        return out;
    }

    private static long parsePid(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1; // unreadable: treated as gone
        }
    }

    private synchronized void update(UnaryOperator<List<String>> change) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                ch.position(0);
                String text = new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
                List<String> lines = new ArrayList<>(text.lines().filter(l -> !l.isBlank()).toList());
                List<String> after = change.apply(lines);
                byte[] out = after.isEmpty() ? new byte[0] : (String.join("\n", after) + "\n").getBytes(StandardCharsets.UTF_8);
                ch.truncate(0);
                ch.position(0);
                ch.write(java.nio.ByteBuffer.wrap(out));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("journal of pending Qdrant snapshots " + file + ": " + e.getMessage(), e);
        }
    }
}
