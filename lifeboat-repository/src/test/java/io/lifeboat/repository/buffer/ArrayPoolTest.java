package io.lifeboat.repository.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayPoolTest {

    @Test
    void sizesStepByAQuarterOfThePowerOfTwoBelowThemFromTheMinimumUp() {
        ArrayPool pool = new ArrayPool(0);
        assertThat(pool.take(0)).hasSize(ArrayPool.MIN_SIZE);
        assertThat(pool.take(ArrayPool.MIN_SIZE)).hasSize(ArrayPool.MIN_SIZE);
        assertThat(pool.take(ArrayPool.MIN_SIZE + 1)).hasSize(ArrayPool.MIN_SIZE * 5 / 4);
        assertThat(pool.take(1_000_000)).hasSize(1 << 20);
        assertThat(pool.take(1 << 20)).hasSize(1 << 20);
        // From 1 MiB up a class has room for a blob's overhead: a sealed 1 MiB chunk gets
        // 1 MiB + 64 KiB (not 2 MiB), and a sealed 8 MiB chunk shares the 8 MiB chunk's class.
        assertThat(pool.take((1 << 20) + 29)).hasSize((1 << 20) + ArrayPool.SLACK);
        assertThat(pool.take((1 << 20) + ArrayPool.SLACK + 1)).hasSize((1 << 20) + (1 << 18) + ArrayPool.SLACK);
        assertThat(pool.take(3 << 20)).hasSize((3 << 20) + ArrayPool.SLACK);
        assertThat(pool.take((7 << 20) + 1)).hasSize((7 << 20) + ArrayPool.SLACK);
        assertThat(pool.take((7 << 20) + ArrayPool.SLACK + 1)).hasSize((8 << 20) + ArrayPool.SLACK);
        assertThat(pool.take(8 << 20)).hasSize((8 << 20) + ArrayPool.SLACK);
        assertThat(pool.take((8 << 20) + 32 * 1024 + 29)).hasSize((8 << 20) + ArrayPool.SLACK);
        for (int n = ArrayPool.MIN_SIZE; n < 40 << 20; n = n * 9 / 8 + 1) {
            int size = ArrayPool.sizeFor(n);
            assertThat(size).as("size for %d", n).isGreaterThanOrEqualTo(n)
                    .isLessThanOrEqualTo(n + n / 4 + ArrayPool.SLACK);
            assertThat(ArrayPool.sizeFor(size)).isEqualTo(size);
        }
        assertThat(ArrayPool.sizeFor(Integer.MAX_VALUE - 100)).isEqualTo(-1);
    }

    @Test
    void aGivenBackArrayIsHandedOutAgainForARequestOfItsClass() {
        ArrayPool pool = new ArrayPool(1 << 24);
        byte[] a = pool.take(750_000);
        pool.give(a);
        assertThat(pool.kept()).isEqualTo(a.length);
        assertThat(pool.take(700_000)).isSameAs(a);
        assertThat(pool.kept()).isZero();
        // A request it exceeds by more than half does not get it; one it fits does.
        pool.give(a);
        assertThat(pool.take(400_000)).isNotSameAs(a).hasSize(448 * 1024);
        assertThat(pool.take(600_000)).isSameAs(a);
        pool.give(a);
        assertThat(pool.take(800_000)).isNotSameAs(a);
    }

    @Test
    void keepsNoMoreThanItsBudget() {
        ArrayPool pool = new ArrayPool((3L << 20) + ArrayPool.SLACK);
        byte[] one = pool.take(1 << 20);
        byte[] two = pool.take(2 << 20);
        byte[] three = pool.take(1 << 20);
        pool.give(one);
        pool.give(two);
        pool.give(three); // over budget: dropped
        assertThat(pool.kept()).isEqualTo((3L << 20) + ArrayPool.SLACK);
        assertThat(pool.take(1 << 20)).isSameAs(one);
        assertThat(pool.take(1 << 20)).isNotSameAs(three);
    }

    @Test
    void arraysOfOtherSizesAreNotKept() {
        ArrayPool pool = new ArrayPool(1 << 24);
        pool.give(new byte[100_000]);
        pool.give(new byte[1024]);
        assertThat(pool.kept()).isZero();
    }

    @Test
    void refusesNegativeLengthsAndBudgets() {
        assertThatThrownBy(() -> new ArrayPool(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrayPool(1).take(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
