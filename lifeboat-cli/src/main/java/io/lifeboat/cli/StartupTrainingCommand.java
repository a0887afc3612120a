package io.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat startup-training --dir DIR [--s3]} (hidden): the runs the launcher records its
 * start-up caches from after each build. The demo; with {@code --s3}, then the same commands
 * against an S3 endpoint ({@link TrainingS3Server}, in memory on 127.0.0.1): init, a first and an
 * unchanged backup, a listing and a restore. The AWS SDK's several thousand classes are then
 * loaded and linked from that cache, and the paths of its requests and responses (signing, XML
 * listings, object bodies) come with profiles, instead of being loaded from the jar and
 * interpreted by every S3 command. The launcher keeps two caches because a cache's classes are
 * all loaded at every start: with the SDK's (8,200 classes instead of 5,100) a command on a local
 * repository reached {@code main} 50-80 ms later.
 */
@Command(name = "startup-training", hidden = true,
        description = "Run the demo, and with --s3 a few commands on an in-memory S3 endpoint (for the launcher's start-up caches).")
final class StartupTrainingCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Working directory of the demo.")
    Path dir;

    @Option(names = "--s3", description = "Also run commands through the S3 adapter.")
    boolean s3;

    StartupTrainingCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        DemoCommand demo = new DemoCommand(ctx);
        demo.dir = dir;
        int rc = demo.call();
        if (!s3) {
            return rc;
        }
        Path tree = Files.createDirectories(dir.resolve("s3-training/tree"));
        Random random = new Random(1);
        for (int i = 0; i < 8; i++) {
            byte[] content = new byte[(i + 1) * 150_000];
            random.nextBytes(content);
            Files.write(tree.resolve("file-" + i), content);
        }
        Files.writeString(tree.resolve("notes.txt"), "training ".repeat(20_000));
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "training", "AWS_SECRET_ACCESS_KEY", "training",
                "LIFEBOAT_S3_MAX_ATTEMPTS", "1", "LIFEBOAT_PASSWORD", "training", "LIFEBOAT_NEW_PASSWORD", "training",
                "LIFEBOAT_PROGRESS", "0");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try (TrainingS3Server s3 = new TrainingS3Server()) {
            CliContext training = new CliContext(env, null, quiet, new PrintStream(errors, true, StandardCharsets.UTF_8),
                    Main.defaultStorages(env), ctx.client, ctx.version);
            String repo = "s3://training/repository?endpoint=" + s3.endpoint();
            int failures = 0;
            for (String[] command : List.of(new String[] {"init"},
                    new String[] {"backup", "files", tree.toString(), "--json"},
                    new String[] {"backup", "files", tree.toString(), "--json"},
                    new String[] {"snapshots", "--json"},
                    new String[] {"restore", "latest", "--target", dir.resolve("s3-training/restore").toString()})) {
                List<String> args = new ArrayList<>(List.of(command));
                args.addAll(List.of("--repo", repo));
                failures += Main.run(training, args.toArray(String[]::new)) == 0 ? 0 : 1;
            }
            if (failures > 0) {
                ctx.err.println("startup-training: " + failures + " of the S3 commands failed; the start-up cache covers less");
                ctx.err.print(errors.toString(StandardCharsets.UTF_8));
            }
        }
        return rc;
    }
}
