package io.lifeboat.cli;

import io.lifeboat.repository.KeyRing;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat key add|list|remove|passwd}: the key files that unlock a repository. */
@Command(name = "key", description = "Manage the keys (passwords) of a repository.",
        subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Remove.class, KeyCommand.Passwd.class})
final class KeyCommand {

    @Command(name = "add", description = "Add a key for a new password ($LIFEBOAT_NEW_PASSWORD, --new-password-file, or a prompt).")
    static final class Add implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions options;
        @Option(names = "--new-password-file", paramLabel = "FILE") Path newPasswordFile;

        Add(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try (Repository repo = ctx.open(options)) {
                char[] pw = ctx.passwords().fresh(newPasswordFile, Passwords.NEW_ENV);
                try {
                    String id = repo.keys().add(pw, KdfParams.DEFAULT);
                    print(ctx, options, "added key " + id.substring(0, 8), Map.of("added", id));
                } finally {
                    Arrays.fill(pw, '\0');
                }
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the keys.")
    static final class ListKeys implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions options;

        ListKeys(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try (Repository repo = ctx.open(options)) {
                List<KeyRing.KeyEntry> keys = repo.keys().list();
                if (options.json) {
                    Output.json(ctx.out, keys.stream().map(k -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", k.id());
                        m.put("current", k.current());
                        m.put("host", k.host());
                        m.put("username", k.username());
                        m.put("created", k.created().toString());
                        m.put("kdf", k.kdf());
                        return m;
                    }).toList());
                } else {
                    ctx.out.printf("%-3s %-10s %-12s %-20s %s%n", "", "ID", "USER", "HOST", "CREATED");
                    for (KeyRing.KeyEntry k : keys) {
                        ctx.out.printf("%-3s %-10s %-12s %-20s %s%n", k.current() ? "*" : "", k.id().substring(0, 8),
                                k.username(), k.host(), k.created());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a key (never the last one, nor the one in use).")
    static final class Remove implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions options;
        @Parameters(paramLabel = "KEY_ID", description = "Key id or unique prefix.") String keyId;

        Remove(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try (Repository repo = ctx.open(options);
                    var lock = repo.lock(true, "key remove")) {
                repo.keys().remove(keyId);
                print(ctx, options, "removed key " + keyId, Map.of("removed", keyId));
            }
            return 0;
        }
    }

    @Command(name = "passwd", description = "Change the password of the key in use (instant: no data is rewritten).")
    static final class Passwd implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions options;
        @Option(names = "--new-password-file", paramLabel = "FILE") Path newPasswordFile;

        Passwd(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try (Repository repo = ctx.open(options)) {
                char[] pw = ctx.passwords().fresh(newPasswordFile, Passwords.NEW_ENV);
                try {
                    String id = repo.keys().changePassword(pw, KdfParams.DEFAULT);
                    print(ctx, options, "password changed; new key " + id.substring(0, 8), Map.of("added", id));
                } finally {
                    Arrays.fill(pw, '\0');
                }
            }
            return 0;
        }
    }

    private static void print(CliContext ctx, GlobalOptions options, String text, Map<String, Object> json) {
        if (options.json) {
            Output.json(ctx.out, json);
        } else {
            ctx.out.println(text);
        }
    }
}
