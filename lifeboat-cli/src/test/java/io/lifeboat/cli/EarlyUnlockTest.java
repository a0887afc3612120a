package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageFactory;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.testkit.storage.ForwardingStorage;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The repository is unlocked while the command line is parsed, and the command uses that unlock
 * instead of its own: the storage is opened and the key derived once per command, a wrong
 * password fails once, and an unlock the command does not want is closed.
 */
class EarlyUnlockTest {
    private final InMemoryStorage memory = new InMemoryStorage();
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger keyReads = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final List<String> openedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private CliContext context(String password) {
        return context(Map.of("LIFEBOAT_PASSWORD", password, "LIFEBOAT_REPOSITORY", "mem:repo"));
    }

    private CliContext context(Map<String, String> env) {
        StorageFactory counting = new StorageFactory() {
            @Override
            public String scheme() {
                return "mem";
            }

            @Override
            public boolean accepts(String location) {
                return location.startsWith("mem:");
            }

            @Override
            public Storage open(String location) {
                opens.incrementAndGet();
                openedOn.add(Thread.currentThread().getName());
                return new Counting();
            }
        };
        return new CliContext(env, null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new StorageRegistry(List.of(counting)),
                new ClientContext("host-a", "alice", Clock.systemUTC(), LockPolicy.DEFAULT), "test");
    }

    @Test
    void aCommandUsesTheUnlockMadeWhileItsLineWasParsed() {
        assertThat(Main.run(context("pw"), "init")).as(err.toString()).isZero();
        opens.set(0);
        keyReads.set(0);
        closes.set(0);
        openedOn.clear();

        assertThat(Main.run(context("pw"), "snapshots", "--json")).as(err.toString()).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[");
        assertThat(opens).as("the storage is opened once").hasValue(1);
        assertThat(openedOn).as("by the early unlock, before the command ran").containsExactly("early-unlock");
        assertThat(keyReads).as("the key file is read (and its key derived) once").hasValue(1);
        assertThat(closes).as("the command closed the storage it was handed").hasValue(1);
    }

    @Test
    void aWrongPasswordFailsOnceWithItsOwnExitCode() {
        assertThat(Main.run(context("pw"), "init")).isZero();
        keyReads.set(0);

        int code = Main.run(context("not-the-password"), "snapshots");

        assertThat(code).isEqualTo(ErrorCode.WRONG_PASSWORD.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wrong password");
        assertThat(keyReads).as("the failed derivation is not repeated").hasValue(1);
    }

    @Test
    void anUnlockForAnotherRepositoryIsNotUsedAndItsStorageIsClosed() throws Exception {
        assertThat(Main.run(context("pw"), "init")).isZero();
        CliContext ctx = context("pw");
        closes.set(0);
        EarlyUnlock early = EarlyUnlock.start(ctx, new String[] {"snapshots", "--repo", "mem:repo"});

        assertThat(early.take("mem:other", "pw".toCharArray())).isEmpty();
        assertThat(early.take("mem:repo", "other".toCharArray())).as("another password").isEmpty();
        early.close();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (closes.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(closes).hasValue(1);
        assertThat(early.take("mem:repo", "pw".toCharArray())).as("closed: nothing left to take").isEmpty();
    }

    @Test
    void onlyCommandsThatOpenTheRepositoryWithAKnownPasswordStartOne() {
        assertThat(EarlyUnlock.start(context("pw"), new String[] {"init"})).isSameAs(EarlyUnlock.NONE);
        for (String usage : List.of("--help", "-h", "--version", "-V")) {
            assertThat(EarlyUnlock.start(context("pw"), new String[] {"backup", "files", usage, "/srv"})).as(usage)
                    .isSameAs(EarlyUnlock.NONE);
        }
        assertThat(EarlyUnlock.start(context("pw"), new String[] {"--version"})).isSameAs(EarlyUnlock.NONE);
        assertThat(EarlyUnlock.start(context(Map.of("LIFEBOAT_REPOSITORY", "mem:repo")), new String[] {"snapshots"})).as("a prompt is never asked early")
                .isSameAs(EarlyUnlock.NONE);
        assertThat(opens).hasValue(0);
    }

    @Test
    void theRepositoryOptionIsReadInEveryFormPicocliAccepts() {
        assertThat(EarlyUnlock.option(new String[] {"ls", "--repo", "/a", "x"}, "-r", "--repo")).contains("/a");
        assertThat(EarlyUnlock.option(new String[] {"ls", "--repo=/b"}, "-r", "--repo")).contains("/b");
        assertThat(EarlyUnlock.option(new String[] {"ls", "-r", "/c"}, "-r", "--repo")).contains("/c");
        assertThat(EarlyUnlock.option(new String[] {"ls", "-r/d"}, "-r", "--repo")).contains("/d");
        assertThat(EarlyUnlock.option(new String[] {"ls", "-r", "/e", "--repo", "/f"}, "-r", "--repo")).contains("/f");
        assertThat(EarlyUnlock.option(new String[] {"ls", "--", "--repo", "/g"}, "-r", "--repo")).isEmpty();
        assertThat(EarlyUnlock.option(new String[] {"ls", "--password-file", "/p"}, null, "--password-file"))
                .isEqualTo(Optional.of("/p"));
    }

    /** The shared in-memory repository, counting key reads and closes (which leave it open). */
    private final class Counting extends ForwardingStorage {
        Counting() {
            super(memory);
        }

        @Override
        public String location() {
            return "mem:repo";
        }

        @Override
        public byte[] get(Handle handle) {
            if (handle.kind() == ObjectKind.KEY) {
                keyReads.incrementAndGet();
            }
            return super.get(handle);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
