package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.crypto.Sha256;
import io.lifeboat.testkit.data.SparseRandomStream;
import io.lifeboat.testkit.storage.ForwardingStorage;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The backup's write path in its worst case for memory, in a child JVM with the heap the product
 * promises for large files (256 MiB) less 32 MiB for the command around it: chunks of the maximum
 * size and random chunks stored uncompressed, and a storage slower than the encoders, so that
 * every queue in the pipeline fills up (the read-ahead, the chunks in flight, the packs being
 * filled, assembled and uploaded). On a fast disk the queues rarely fill, which is how a 10 GiB
 * backup with a 256 MiB heap passed on one machine and ran out of memory on another.
 */
class SmallHeapBackupTest {
    private static final long MIB = 1024 * 1024;
    private static final long SIZE = 1024 * MIB;
    /**
     * 32 MiB at a time, in turn: 64 KiB of random bytes at the start of each mebibyte (chunks of
     * the maximum size, 8 MiB), and random bytes throughout (chunks of about 1 MiB stored
     * uncompressed, each in an array just over 1 MiB, which takes two regions of this heap).
     */
    private static final IntUnaryOperator SMALL_HEAP_MIX =
            mib -> (mib / 32) % 2 == 0 ? 64 * 1024 : (int) MIB;

    @Test
    void aSlowStorageAndLargeOrIncompressibleChunksFitIn224MibOfHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx224m", "-XX:+UseG1GC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), Long.toString(SIZE)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
        System.out.print("SmallHeapBackupTest child: " + output);
        assertThat(p.exitValue()).as("exit code of the child; its output:%n%s", output).isZero();
        // Every byte was chunked, stored and uploaded in packs.
        assertThat(output).contains("read " + SIZE + " bytes, added " + SIZE + " bytes");
        assertThat(output).containsPattern("in [1-9][0-9]+ packs");
    }

    /** Backs up the generated stream into a slow storage that keeps everything but the packs' bytes. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            long size = Long.parseLong(args[0]);
            PackCountingStorage storage = new PackCountingStorage();
            long t0 = System.nanoTime();
            StoredContent content;
            try (Repository repo = Repository.init(storage, "small heap".toCharArray(), KdfParams.FAST,
                            RepositoryConfig.DEFAULT_PACK_SIZE, ClientContext.system());
                    BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
                content = w.storeContent(new SparseRandomStream(size, 7, SMALL_HEAP_MIX));
                w.flush();
            }
            System.out.printf("read %d bytes, added %d bytes in %d packs (%d MiB) in %.1f s; heap %d MiB%n",
                    content.size(), content.addedBytes(), storage.packs.get(), storage.packBytes.get() >> 20,
                    (System.nanoTime() - t0) / 1e9, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /**
     * Keeps index, snapshots and keys; hashes each pack (so the bytes are read, as a real upload
     * reads them) and drops it after 300 ms, far slower than two cores seal packs of this data.
     */
    private static final class PackCountingStorage extends ForwardingStorage {
        final AtomicLong packs = new AtomicLong();
        final AtomicLong packBytes = new AtomicLong();

        PackCountingStorage() {
            super(new InMemoryStorage());
        }

        @Override
        public void putContentAddressed(Handle handle, byte[] content, int length) {
            if (handle.kind() != ObjectKind.DATA) {
                delegate.putContentAddressed(handle, Arrays.copyOf(content, length));
                return;
            }
            MessageDigest sha = Sha256.digest();
            Sha256.update(sha, content, 0, length);
            sha.digest();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            packs.incrementAndGet();
            packBytes.addAndGet(length);
        }
    }
}
