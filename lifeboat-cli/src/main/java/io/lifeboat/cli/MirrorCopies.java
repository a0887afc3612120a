package io.lifeboat.cli;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.engine.copy.Copy;
import io.lifeboat.engine.copy.CopyResult;
import io.lifeboat.repository.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mirrors of a repository: after a backup commits, every snapshot the mirror lacks is copied to it
 * (so a mirror that missed earlier runs catches up). A mirror is a copy target of the repository
 * ({@code lifeboat copy --init --to MIRROR} creates one) opened with the second password
 * ({@code LIFEBOAT_PASSWORD2} / {@code --password-file2}). A failing mirror never fails the backup:
 * its error is reported and the next run tries again.
 */
final class MirrorCopies {
    /** Mirrors from the environment: locations separated by whitespace. */
    static final String ENV = "LIFEBOAT_MIRRORS";

    /** The outcome of one mirror: what was copied, or the error. */
    record Outcome(String location, CopyResult result, Optional<RequestCounts> requests, LifeboatException error) {
        boolean ok() {
            return error == null;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("location", StorageRegistry.redacted(location));
            m.put("ok", ok());
            m.put("copied", ok() ? result.copied().stream().map(SnapshotId::hex).toList() : List.of());
            m.put("blobs_copied", ok() ? result.blobsCopied() : 0);
            m.put("bytes_copied", ok() ? result.bytesCopied() : 0);
            m.put("storage_requests", RequestsJson.of(requests));
            if (!ok()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("code", error.code().metricLabel());
                e.put("message", error.getMessage());
                e.put("hint", error.hint());
                m.put("error", e);
            }
            return m;
        }
    }

    private MirrorCopies() {}

    /** The mirrors of the options plus those of {@code LIFEBOAT_MIRRORS}, without repeats. */
    static List<String> locations(CliContext ctx, List<String> fromOptions) {
        List<String> all = new ArrayList<>(fromOptions);
        String env = ctx.env.get(ENV);
        if (env != null && !env.isBlank()) {
            all.addAll(Arrays.asList(env.trim().split("\\s+")));
        }
        return all.stream().distinct().toList();
    }

    /** Copies every snapshot of {@code source} that each mirror lacks; never throws for a mirror's failure. */
    static List<Outcome> run(CliContext ctx, GlobalOptions options, Path passwordFile2, Repository source,
            List<String> mirrors, ProgressListener progress) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String mirror : mirrors) {
            char[] password = null;
            try {
                password = ctx.passwords().second(passwordFile2, false);
                try (Repository target = ctx.openAt(mirror, options, password)) {
                    CopyResult r = new Copy(source, target).run(List.of(), progress);
                    outcomes.add(new Outcome(mirror, r, target.storage().requestCounts(), null));
                }
            } catch (LifeboatException e) {
                outcomes.add(new Outcome(mirror, null, Optional.empty(), e));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome(mirror, null, Optional.empty(), new LifeboatException(
                        io.lifeboat.core.error.ErrorCode.INTERNAL, "unexpected failure: " + e,
                        "this is a bug; please report it with the command you ran", e)));
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        }
        return outcomes;
    }

    /** Text lines for people: one per mirror, errors on stderr. */
    static void print(CliContext ctx, List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            String where = StorageRegistry.redacted(o.location());
            if (o.ok()) {
                ctx.out.printf("  mirror %s: %d snapshot(s) copied, %s%n", where, o.result().copied().size(),
                        Sizes.human(o.result().bytesCopied()));
            } else {
                ctx.err.println("warning: mirror " + where + " failed (the backup itself succeeded; the next run"
                        + " catches up): " + o.error().getMessage());
                if (o.error().hint() != null) {
                    ctx.err.println("hint: " + o.error().hint());
                }
            }
        }
    }
}
