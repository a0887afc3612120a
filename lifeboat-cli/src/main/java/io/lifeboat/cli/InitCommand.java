package io.lifeboat.cli;

import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.RepositoryConfig;
import io.lifeboat.repository.crypto.KdfParams;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat init}: creates an encrypted repository. */
@Command(name = "init", description = "Create a new repository (the password comes from $LIFEBOAT_PASSWORD, --password-file, or a prompt).")
final class InitCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--pack-size", paramLabel = "MiB", description = "Target pack size in MiB (default: ${DEFAULT-VALUE}).", defaultValue = "16")
    int packSizeMiB;

    InitCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Storage storage = ctx.storage(options);
        char[] password = ctx.passwords().fresh(options.passwordFile, Passwords.ENV);
        try (Repository repo = Repository.init(storage, password, KdfParams.DEFAULT, packSizeMiB * 1024 * 1024,
                ctx.client(options))) {
            RepositoryConfig c = repo.config();
            if (options.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("location", storage.location());
                m.put("version", c.version());
                m.put("pack_size", c.packSize());
                Output.json(ctx.out, m);
            } else {
                ctx.out.println("created repository " + c.id().substring(0, 8) + " at " + storage.location());
                ctx.out.println("Keep the password safe: without it the backups cannot be restored.");
            }
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
