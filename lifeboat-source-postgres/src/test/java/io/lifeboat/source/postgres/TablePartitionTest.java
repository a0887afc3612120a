package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.source.postgres.DumpLayout.TableRef;
import io.lifeboat.source.postgres.TablePartition.SizedTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TablePartitionTest {
    private static SizedTable t(String name, long bytes) {
        return new SizedTable(new TableRef("s", name), bytes);
    }

    @Test
    void largestTablesGoFirstEachIntoTheSmallestSet() {
        List<TablePartition.Set> sets = TablePartition.of(List.of(t("a", 10), t("b", 70), t("c", 30), t("d", 25),
                t("e", 20), t("f", 5)), 3);
        assertThat(sets).extracting(s -> s.tables().stream().map(TableRef::name).toList())
                .containsExactly(List.of("b"), List.of("c", "a", "f"), List.of("d", "e"));
        assertThat(sets).extracting(TablePartition.Set::bytes).containsExactly(70L, 45L, 45L);
    }

    @Test
    void aBigTableIsNeverSplitSoItsSetStaysTheLongest() {
        List<TablePartition.Set> sets = TablePartition.of(List.of(t("huge", 1000), t("x", 1), t("y", 1)), 2);
        assertThat(sets.get(0).tables()).extracting(TableRef::name).containsExactly("huge");
        assertThat(sets.get(1).tables()).extracting(TableRef::name).containsExactly("x", "y");
    }

    @Test
    void fewerTablesThanJobsMakeFewerSetsAndNoTablesNone() {
        assertThat(TablePartition.of(List.of(t("a", 1), t("b", 2)), 8)).hasSize(2);
        assertThat(TablePartition.of(List.of(), 4)).isEmpty();
        assertThatThrownBy(() -> TablePartition.of(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalSizesSplitByNameSoTheSameDatabaseSplitsTheSameWay() {
        List<SizedTable> tables = List.of(t("d", 5), t("b", 5), t("c", 5), t("a", 5));
        List<SizedTable> shuffled = List.of(t("c", 5), t("a", 5), t("d", 5), t("b", 5));
        assertThat(TablePartition.of(shuffled, 2)).isEqualTo(TablePartition.of(tables, 2));
        assertThat(TablePartition.of(tables, 2).get(0).tables()).extracting(TableRef::name).containsExactly("a", "c");
    }

    @RepeatedTest(20)
    void everyTableLandsInExactlyOneSetAndTheLongestIsWithinFourThirdsOfTheBound() {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        int n = 1 + random.nextInt(40);
        int jobs = 1 + random.nextInt(6);
        List<SizedTable> tables = new ArrayList<>();
        long total = 0;
        long max = 0;
        for (int i = 0; i < n; i++) {
            long bytes = random.nextLong(1, 1_000_000);
            tables.add(t("t" + i, bytes));
            total += bytes;
            max = Math.max(max, bytes);
        }
        List<TablePartition.Set> sets = TablePartition.of(tables, jobs);
        List<TableRef> all = sets.stream().flatMap(s -> s.tables().stream()).toList();
        assertThat(all).hasSize(n);
        assertThat(new HashSet<>(all)).hasSize(n);
        assertThat(sets.stream().mapToLong(TablePartition.Set::bytes).sum()).isEqualTo(total);
        long lowerBound = Math.max(max, (total + sets.size() - 1) / sets.size());
        long longest = sets.stream().mapToLong(TablePartition.Set::bytes).max().orElseThrow();
        assertThat((double) longest).isLessThanOrEqualTo(lowerBound * 4.0 / 3.0 + 1);
    }
}
