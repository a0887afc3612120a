package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.source.postgres.physical.WalReceiverStatus;
import io.lifeboat.source.postgres.physical.WalSink;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SegmentUploaderTest {
    private static final String SYS = "7";
    private static final String A = "000000010000000000000001";
    private static final String B = "000000010000000000000002";

    /** Stores in memory; the store of {@link #A} waits until {@link #B} is stored. */
    private static final class SlowFirstSink implements WalSink {
        final Map<String, byte[]> stored = new ConcurrentHashMap<>();
        final CountDownLatch secondStored = new CountDownLatch(1);
        final Set<String> streamingRemoved = ConcurrentHashMap.newKeySet();

        @Override
        public Set<String> systemIds() {
            return Set.of(SYS);
        }

        @Override
        public boolean store(String systemId, String name, byte[] content) {
            if (name.equals(A)) {
                try {
                    assertThat(secondStored.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (name.equals("000000010000000000000003")) {
                throw new LifeboatException(ErrorCode.ALREADY_EXISTS, "WAL file " + name + " differs", null);
            }
            stored.put(name, content);
            if (name.equals(B)) {
                secondStored.countDown();
            }
            return true;
        }

        @Override
        public boolean contains(String systemId, String name) {
            return stored.containsKey(name);
        }

        @Override
        public List<String> segments(String systemId) {
            return List.copyOf(stored.keySet());
        }

        @Override
        public void storeStreaming(String systemId, String segment, byte[] content) {}

        @Override
        public void removeStreaming(String systemId, String segment) {
            streamingRemoved.add(segment);
        }

        @Override
        public List<String> streamingSegments(String systemId) {
            return List.of();
        }

        @Override
        public void recordStatus(String systemId, WalReceiverStatus status) {}
    }

    @Test
    void segmentsStoredOutOfOrderAreReportedInTheOrderHandedOver() {
        SlowFirstSink sink = new SlowFirstSink();
        try (SegmentUploader u = new SegmentUploader(sink, SYS)) {
            u.submit(A, new byte[] {1}, 100);
            u.submit(B, new byte[] {2}, 200);
            List<SegmentUploader.Done> done = u.drain();
            assertThat(done).extracting(SegmentUploader.Done::segment).containsExactly(A, B);
            assertThat(done).extracting(SegmentUploader.Done::end).containsExactly(100L, 200L);
            assertThat(u.pending()).isZero();
            assertThat(sink.streamingRemoved).containsExactlyInAnyOrder(A, B);
        }
    }

    @Test
    void aFailedStoreIsRethrownToTheReceivingThread() {
        SlowFirstSink sink = new SlowFirstSink();
        sink.secondStored.countDown();
        try (SegmentUploader u = new SegmentUploader(sink, SYS)) {
            u.submit("000000010000000000000003", new byte[] {3}, 300);
            assertThatThrownBy(u::drain).isInstanceOfSatisfying(LifeboatException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        }
    }
}
