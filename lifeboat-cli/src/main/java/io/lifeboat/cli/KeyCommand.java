package io.lifeboat.cli;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.repository.KeyRing;
import io.lifeboat.repository.MasterKeyRotation;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.RepositoryLock;
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
        subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Remove.class, KeyCommand.Passwd.class,
                KeyCommand.RotateMaster.class})
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

    @Command(name = "rotate-master", description = {
            "Re-encrypt every object of the repository under a new master key, so that a leaked master key (or an old "
                    + "key file with its password) decrypts nothing any more. Takes the exclusive lock and rewrites all "
                    + "data once; if interrupted, run it again to finish. The key in use is moved to the new master key "
                    + "with the same password.",
            "Keys of other passwords cannot be moved without those passwords: the command refuses while they exist, "
                    + "unless --remove-other-keys deletes them (add them again afterwards with 'lifeboat key add')."})
    static final class RotateMaster implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions options;
        @Option(names = "--remove-other-keys", description = "Delete the keys of other passwords.") boolean removeOtherKeys;

        RotateMaster(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            char[] pw = ctx.passwords().current(options.passwordFile);
            MasterKeyRotation.Result r;
            try (Repository repo = ctx.open(options, pw);
                    RepositoryLock lock = repo.lock(true, "key rotate-master")) {
                ProgressListener progress = ctx.progress(options);
                try {
                    r = new MasterKeyRotation(repo, lock, progress).run(pw, removeOtherKeys);
                } finally {
                    CliContext.finishProgress(progress);
                }
            } finally {
                Arrays.fill(pw, '\0');
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resumed", r.resumed());
            m.put("new_key", r.newKeyId());
            m.put("packs_rewritten", r.packsRewritten());
            m.put("bytes_rewritten", r.bytesRewritten());
            m.put("packs_deleted", r.packsDeleted());
            m.put("index_files_replaced", r.indexFilesReplaced());
            m.put("snapshots_resealed", r.snapshotsResealed());
            m.put("holds_resealed", r.holdsResealed());
            m.put("keys_removed", r.keysRemoved());
            print(ctx, options, String.format("%smaster key rotated: %d pack(s) (%s) re-encrypted, %d snapshot(s) and %d "
                    + "hold(s) re-sealed, %d old key file(s) removed; the key in use is now %s",
                    r.resumed() ? "resumed: " : "", r.packsRewritten(), Sizes.human(r.bytesRewritten()),
                    r.snapshotsResealed(), r.holdsResealed(), r.keysRemoved().size(), r.newKeyId().substring(0, 8)), m);
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
