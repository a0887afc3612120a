package io.lifeboat.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version baked in at build time. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"lifeboat " + Main.version() + " (Java " + Runtime.version() + ")"};
    }
}
