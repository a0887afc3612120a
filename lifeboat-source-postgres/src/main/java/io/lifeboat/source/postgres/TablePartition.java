package io.lifeboat.source.postgres;

import io.lifeboat.source.postgres.DumpLayout.TableRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits tables into at most {@code jobs} sets of about equal on-disk size, for the data parts
 * of a parallel dump: largest table first, each into the set that is smallest so far (the
 * classic longest-processing-time rule; never worse than 4/3 of the best split). A table is never
 * split, so one table larger than all others together makes its part the longest whatever
 * {@code jobs} is. Ties break by name, so the same database always splits the same way (which
 * keeps each part's stream, and so deduplication, stable from day to day).
 */
final class TablePartition {
    private TablePartition() {}

    /** A table and its size in bytes ({@code pg_table_size}: heap, TOAST, free space map). */
    record SizedTable(TableRef table, long bytes) {}

    /** A set of tables for one data part, in the order they were assigned (largest first). */
    record Set(List<TableRef> tables, long bytes) {}

    /** At most {@code jobs} non-empty sets, largest first; none when there are no tables. */
    static List<Set> of(List<SizedTable> tables, int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
        List<SizedTable> sorted = new ArrayList<>(tables);
        sorted.sort(Comparator.comparingLong(SizedTable::bytes).reversed()
                .thenComparing(t -> t.table().schema()).thenComparing(t -> t.table().name()));
        int n = Math.min(jobs, sorted.size());
        List<List<TableRef>> sets = new ArrayList<>();
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sets.add(new ArrayList<>());
        }
        for (SizedTable t : sorted) {
            int smallest = 0;
            for (int i = 1; i < n; i++) {
                if (sizes[i] < sizes[smallest]) {
                    smallest = i;
                }
            }
            sets.get(smallest).add(t.table());
            sizes[smallest] += t.bytes();
        }
        List<Set> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Set(List.copyOf(sets.get(i)), sizes[i]));
        }
        return out;
    }
}
