package io.lifeboat.cli;

import io.lifeboat.repository.crypto.Kdf;
import picocli.CommandLine.IVersionProvider;

/** Prints the version baked in at build time, and which Argon2 implementation derives keys. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"lifeboat " + Main.version() + " (Java " + Runtime.version() + ")",
            "key derivation: " + Kdf.implementation()};
    }
}
