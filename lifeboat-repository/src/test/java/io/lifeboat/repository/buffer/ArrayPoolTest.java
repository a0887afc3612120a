package io.lifeboat.repository.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArrayPoolTest {

    @Test
    void sizesArePowersOfTwoFromTheMinimumUp() {
        ArrayPool pool = new ArrayPool(0);
        assertThat(pool.take(0)).hasSize(ArrayPool.MIN_SIZE);
        assertThat(pool.take(ArrayPool.MIN_SIZE)).hasSize(ArrayPool.MIN_SIZE);
        assertThat(pool.take(ArrayPool.MIN_SIZE + 1)).hasSize(2 * ArrayPool.MIN_SIZE);
        assertThat(pool.take(1_000_000)).hasSize(1 << 20);
        assertThat(pool.take(1 << 20)).hasSize(1 << 20);
    }

    @Test
    void aGivenBackArrayIsHandedOutAgainForARequestOfItsClass() {
        ArrayPool pool = new ArrayPool(1 << 24);
        byte[] a = pool.take(700_000);
        pool.give(a);
        assertThat(pool.kept()).isEqualTo(a.length);
        assertThat(pool.take(600_000)).isSameAs(a);
        assertThat(pool.kept()).isZero();
        // Another class does not get it.
        pool.give(a);
        assertThat(pool.take(100_000)).isNotSameAs(a).hasSize(128 * 1024);
    }

    @Test
    void keepsNoMoreThanItsBudget() {
        ArrayPool pool = new ArrayPool(3L << 20);
        byte[] one = pool.take(1 << 20);
        byte[] two = pool.take(2 << 20);
        byte[] three = pool.take(1 << 20);
        pool.give(one);
        pool.give(two);
        pool.give(three); // over budget: dropped
        assertThat(pool.kept()).isEqualTo(3L << 20);
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
