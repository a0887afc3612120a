package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat demo}: the main job on embedded defaults. Creates a local repository with a
 * generated password, backs up a sample tree twice (the second run shows change detection),
 * restores it, compares the restored tree with the source byte for byte; backs up a throwaway
 * PostgreSQL database with sample RAG data, restores it into a new database and compares it table
 * by table; reads back every stored byte, and lists the snapshots. Runs the same commands a user
 * would, in-process.
 */
@Command(name = "demo", description = "Run the main job on embedded defaults: local repository, back up, restore and verify a sample tree and (when PostgreSQL is installed) a throwaway database with sample RAG data, list snapshots.")
final class DemoCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".lifeboat-demo", description = "Working directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    DemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        Path work = dir.toAbsolutePath().normalize();
        Files.createDirectories(work);
        Path repo = work.resolve("repository");
        Path passwordFile = passwordFile(work);
        Path sample = work.resolve("sample");
        SampleTree.write(sample);

        Map<String, String> env = new HashMap<>(ctx.env);
        env.put("LIFEBOAT_REPOSITORY", repo.toString());
        env.remove("LIFEBOAT_PASSWORD");
        CliContext inner = new CliContext(env, ctx.console, ctx.out, ctx.err, ctx.storages, ctx.client, ctx.version);
        String pw = "--password-file=" + passwordFile;

        step("repository " + repo);
        if (!Files.exists(repo.resolve("config"))) {
            run(inner, "init", pw);
        } else {
            ctx.out.println("using the existing repository");
        }
        step("first backup of " + sample);
        run(inner, "backup", "files", sample.toString(), "--tag", "demo", pw);
        SampleTree.touchOneFile(sample);
        step("second backup: unchanged files are not read again");
        run(inner, "backup", "files", sample.toString(), "--tag", "demo", pw);
        Path restored = work.resolve("restored-" + System.currentTimeMillis());
        step("restore the latest snapshot into " + restored);
        run(inner, "restore", "latest", "--target", restored.toString(), pw);
        Path copy = restored.resolve(work.getRoot().relativize(sample));
        SampleTree.Comparison cmp = SampleTree.compare(sample, copy);
        if (!cmp.differences().isEmpty()) {
            cmp.differences().forEach(d -> ctx.err.println("differs: " + d));
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, "the restored tree differs from the source",
                    "run 'lifeboat check --read-data' and report the differences above");
        }
        ctx.out.printf("restored tree equals the source: %d files, %d symlinks, %s compared byte for byte%n",
                cmp.files(), cmp.symlinks(), Sizes.human(cmp.bytes()));
        postgres(inner, pw);
        qdrant(inner, pw);
        step("read back and authenticate every stored byte");
        run(inner, "check", "--read-data", pw);
        step("snapshots");
        run(inner, "snapshots", pw);
        ctx.out.println();
        ctx.out.println("Try it yourself:");
        ctx.out.println("  export LIFEBOAT_REPOSITORY=" + repo + " LIFEBOAT_PASSWORD=\"$(cat " + passwordFile + ")\"");
        ctx.out.println("  ./lifeboat snapshots && ./lifeboat ls latest -R");
        return 0;
    }

    /** Backs up and restores a throwaway PostgreSQL database with sample RAG data, when PostgreSQL is installed. */
    private void postgres(CliContext inner, String pw) throws IOException {
        step("PostgreSQL: a throwaway cluster with sample RAG data (documents, chunks with embeddings)");
        Optional<DemoPostgres> started = DemoPostgres.start();
        if (started.isEmpty()) {
            ctx.out.println("skipped: PostgreSQL is not installed (apt-get install postgresql postgresql-contrib)");
            return;
        }
        try (DemoPostgres pg = started.get()) {
            pg.createSampleData("rag");
            Map<String, String> env = new HashMap<>(inner.env);
            env.put("PGPASSWORD", pg.password());
            CliContext withDb = new CliContext(env, inner.console, inner.out, inner.err, inner.storages, inner.client,
                    inner.version);
            step("back up the database (pg_dump in an exported snapshot, streamed into the repository)");
            run(withDb, "backup", "postgres", "--url", pg.url("rag"), "--tag", "demo", pw);
            step("restore it into a new database, then compare row counts and checksums");
            run(withDb, "restore", "latest", "--url", pg.url("postgres"), "--target-db", "rag_restored", pw);
            Map<String, String> source = pg.checksums("rag");
            Map<String, String> restored = pg.checksums("rag_restored");
            if (!source.equals(restored)) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, "the restored database differs from the source: "
                        + source + " versus " + restored, "run 'lifeboat check --read-data' and report the difference");
            }
            ctx.out.printf("restored database equals the source, table by table: %s%n", source);
        }
    }

    /**
     * Backs up and restores a sample Qdrant collection: on the server of $QDRANT_URL when one is
     * given, else on an in-process Qdrant stand-in (same REST API, collections in memory) on
     * 127.0.0.1, so that the demo shows the Qdrant path on a machine without Qdrant.
     */
    private void qdrant(CliContext inner, String pw) {
        step("Qdrant: a sample collection (document chunks with embeddings)");
        String url = inner.env.get("QDRANT_URL");
        if (url != null && !url.isBlank()) {
            qdrant(inner, pw, url, inner.env.get("QDRANT_API_KEY"));
            return;
        }
        try (QdrantStandIn standIn = QdrantStandIn.start()) {
            ctx.out.println("no QDRANT_URL: using Lifeboat's in-process Qdrant stand-in at " + standIn.url()
                    + " (set QDRANT_URL, and QDRANT_API_KEY, to use a real server)");
            qdrant(inner, pw, standIn.url().toString(), null);
        }
    }

    private void qdrant(CliContext inner, String pw, String url, String apiKey) {
        String name = "lifeboat_demo_" + System.currentTimeMillis();
        try (DemoQdrant q = new DemoQdrant(java.net.URI.create(url), apiKey)) {
            q.createSampleCollection(name, 2000);
            step("back up the collection (a server-side snapshot streamed into the repository, then deleted)");
            run(inner, "backup", "qdrant", "--url", url, "--collection", name, "--tag", "demo", pw);
            step("restore it into a new collection, then compare every point, vector and payload");
            q.forget(name + "_restored");
            run(inner, "restore", "latest", "--qdrant-url", url, "--collection", name + "_restored", pw);
            var source = q.points(name);
            if (!source.equals(q.points(name + "_restored"))) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, "the restored collection differs from the source",
                        "run 'lifeboat check --read-data' and report the difference");
            }
            ctx.out.printf("restored collection equals the source: %d points compared with their vectors and payloads%n",
                    source.size());
        }
    }

    private void step(String what) {
        ctx.out.println();
        ctx.out.println("== " + what);
    }

    private static void run(CliContext inner, String... args) {
        int code = Main.run(inner, args);
        if (code != 0) {
            throw new LifeboatException(ErrorCode.INTERNAL, "demo step 'lifeboat " + String.join(" ", args)
                    .replaceAll("--password-file=\\S+", "") + "' failed with exit code " + code, "see the error above");
        }
    }

    /** A random password in a file only the owner can read, made once per working directory. */
    private static Path passwordFile(Path work) throws IOException {
        Path f = work.resolve("password");
        if (!Files.exists(f)) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
        }
        return f;
    }
}
