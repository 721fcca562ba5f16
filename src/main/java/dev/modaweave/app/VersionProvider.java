package dev.modaweave.app;

import picocli.CommandLine;

/** Reads the version from the jar manifest, or says it is a development build. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"modaweave " + (v == null ? "development build" : v)};
    }
}
