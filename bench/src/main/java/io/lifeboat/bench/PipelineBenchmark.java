package io.lifeboat.bench;

import com.github.luben.zstd.Zstd;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.chunk.ChunkStream;
import io.lifeboat.repository.chunk.ChunkStream.PooledChunk;
import io.lifeboat.repository.chunk.Chunker;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.BlobCodec.Encoded;
import io.lifeboat.repository.crypto.MasterKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread throughput of the per-byte work of a backup. Every benchmark processes the whole
 * 64 MiB input per invocation and declares 64 operations, so <b>the score (ops/s) is MiB/s</b>.
 *
 * <ul>
 *   <li>{@code pipeline}: InputStream → {@link ChunkStream} → {@link BlobCodec#idOf} →
 *       {@link BlobCodec#encode} (zstd, AES-GCM), each chunk and blob in a new array.</li>
 *   <li>{@code writePath}: what a backup's encoder does per chunk, on one core: chunks and sealed
 *       blobs in arrays from an {@link ArrayPool}, and every blob verified after it is sealed
 *       (decrypt, decompress, compare), as {@code BackupWriter} does.</li>
 *   <li>{@code stage1Chunk}, {@code stage2BlobId}, {@code stage3Zstd}, {@code stage4AesGcm}: one
 *       stage each over the same chunks, to see which one dominates.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g"})
public class PipelineBenchmark {
    static final int MIB = 1024 * 1024;
    static final int SIZE_MIB = 64;

    /**
     * {@code text}: log/JSON/CSV-like, zstd halves it; {@code embeddings}: a RAG chunks table as
     * pg_dump writes it (text floats); {@code random}: incompressible.
     */
    @Param({"text", "embeddings", "random"})
    public String data;

    /** {@code postgres}: the PostgreSQL dump profile (PostgresLogicalSource.DUMP_CHUNKING, 4/16/128 KiB). */
    @Param({"dumps", "files", "postgres"})
    public String profile;

    /** 0: the profile's level, as backups use it (3; 1 for the PostgreSQL dump profile). */
    @Param({"0"})
    public int zstdLevel;

    private byte[] input;
    private Chunker chunker;
    private BlobCodec codec;
    private List<byte[]> chunks;
    private SecretKeySpec aesKey;
    private byte[] nonce;
    private long storedBytes;
    private final ArrayPool pool = new ArrayPool(96L * MIB);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        input = switch (data) {
            case "text" -> Corpus.text(1, SIZE_MIB * MIB);
            case "embeddings" -> Corpus.embeddings(1, SIZE_MIB * MIB);
            case "random" -> Corpus.random(1, SIZE_MIB * MIB);
            default -> throw new IllegalArgumentException("data must be text, embeddings or random, got " + data);
        };
        MasterKey key = MasterKey.generate(new SecureRandom());
        ChunkingProfile p = switch (profile) {
            case "files" -> ChunkingProfile.FILES;
            case "postgres" -> new ChunkingProfile("postgres-dump", 4 * 1024, 16 * 1024, 128 * 1024, 1);
            default -> ChunkingProfile.DUMPS;
        };
        chunker = new Chunker(key.chunkerSeed(), p);
        codec = new BlobCodec(key, zstdLevel == 0 ? p.zstdLevel() : zstdLevel, new SecureRandom());
        chunks = new ArrayList<>();
        try (ChunkStream s = chunker.open(new ByteArrayInputStream(input))) {
            for (byte[] c = s.next(); c != null; c = s.next()) {
                chunks.add(c);
            }
        }
        aesKey = new SecretKeySpec(key.encryptionKey(), "AES");
        nonce = new byte[12];
    }

    @TearDown(Level.Trial)
    public void report() {
        if (storedBytes > 0) {
            System.out.printf("%n[%s/%s] %d chunks, average %d KiB, stored/plain = %.3f%n", data, profile,
                    chunks.size(), input.length / chunks.size() / 1024, storedBytes / (double) input.length);
        }
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public long pipeline() throws IOException {
        long stored = 0;
        try (ChunkStream s = chunker.open(new ByteArrayInputStream(input))) {
            for (byte[] c = s.next(); c != null; c = s.next()) {
                BlobId id = codec.idOf(c);
                stored += codec.encode(id, c).length;
            }
        }
        storedBytes = stored;
        return stored;
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public long writePath() throws IOException {
        long stored = 0;
        try (ChunkStream s = chunker.open(new ByteArrayInputStream(input), pool)) {
            for (PooledChunk c = s.nextPooled(); c != null; c = s.nextPooled()) {
                BlobId id = codec.idOf(c.array(), 0, c.length());
                Encoded blob = codec.encode(id, c.array(), 0, c.length(), codec.zstdLevel(), pool);
                codec.verify(id, blob.array(), blob.length(), c.array(), 0, c.length());
                stored += blob.length();
                pool.give(blob.array());
                pool.give(c.array());
            }
        }
        storedBytes = stored;
        return stored;
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public int stage1Chunk() {
        int count = 0;
        for (int off = 0; off < input.length; count++) {
            off += chunker.cut(input, off, input.length - off);
        }
        return count;
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public int stage2BlobId() {
        int h = 0;
        for (byte[] c : chunks) {
            h += codec.idOf(c).hashCode();
        }
        return h;
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public long stage3Zstd() {
        long total = 0;
        byte[] dst = new byte[(int) Zstd.compressBound(chunker.profile().max())];
        for (byte[] c : chunks) {
            total += Zstd.compressByteArray(dst, 0, dst.length, c, 0, c.length, codec.zstdLevel());
        }
        return total;
    }

    @Benchmark
    @OperationsPerInvocation(SIZE_MIB)
    public long stage4AesGcm() throws GeneralSecurityException {
        long total = 0;
        byte[] dst = new byte[chunker.profile().max() + 16];
        for (byte[] c : chunks) {
            nonce[0]++; // distinct nonces keep the JDK's GCM from refusing key+IV reuse
            nonce[1] += nonce[0] == 0 ? 1 : 0;
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
            total += cipher.doFinal(c, 0, c.length, dst, 0);
        }
        return total;
    }
}
