package dev.kiln.cli;

import picocli.CommandLine;

/** Reports Kiln's version from the jar manifest. */
final class KilnVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Kiln.class.getPackage().getImplementationVersion();
    return new String[] {"kiln " + (v == null ? "dev" : v)};
  }
}
