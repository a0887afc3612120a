package io.lifeboat.cli;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat startup-training --dir DIR} (hidden): the run the launcher records its start-up
 * cache from after each build. The demo, then the S3 adapter up to a refused connection: the AWS
 * SDK builds its client, signs and sends a request through its pipeline, and fails at once on a
 * closed local port. Without that second part the SDK's several thousand classes are loaded and
 * linked from the jar by every S3 command (about 0.45 s of wall time, measured).
 */
@Command(name = "startup-training", hidden = true,
        description = "Run the demo and the S3 client's request path once (for the launcher's start-up cache).")
final class StartupTrainingCommand implements Callable<Integer> {
    /** No server listens there: the request fails at connect, after the SDK did its work. */
    private static final String DEAD_S3 = "s3://lifeboat-training/repository?endpoint=http://127.0.0.1:9";

    private final CliContext ctx;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Working directory of the demo.")
    Path dir;

    StartupTrainingCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        DemoCommand demo = new DemoCommand(ctx);
        demo.dir = dir;
        int rc = demo.call();
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "training", "AWS_SECRET_ACCESS_KEY", "training",
                "LIFEBOAT_S3_MAX_ATTEMPTS", "1");
        try (Storage s3 = Main.defaultStorages(env).open(DEAD_S3)) {
            s3.stat(Handle.CONFIG);
        } catch (LifeboatException e) {
            // Expected: nothing listens on the port.
        }
        return rc;
    }
}
