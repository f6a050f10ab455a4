package dev.kiln.functions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 digests of bytes, files and directory trees, as lower-case hex. */
final class Sha256 {
  private Sha256() {}

  static String of(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** The digest of {@code file}'s contents, read in a stream (the file may be large). */
  static String ofFile(Path file) throws IOException {
    MessageDigest md = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** A directory's digest and how many entries it covers. */
  record Tree(String sha256, long files) {}

  /**
   * The digest of a directory tree: the SHA-256 of one line {@code <sha256>  <path>\n} per regular
   * file, sorted by relative path (in UTF-8 byte order, {@code /} separated), which is what {@code
   * cd dir && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum}
   * prints. A symbolic link is not followed: its line has the digest of the path it points to, so
   * the digest changes when a link is retargeted. Empty directories do not count.
   */
  static Tree ofTree(Path dir) throws IOException {
    List<String[]> entries = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
        if (Files.isSymbolicLink(p)) {
          entries.add(new String[] {rel, of(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8))});
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(new String[] {rel, ofFile(p)});
        }
      }
    }
    // Byte order of UTF-8 equals code point order; String.compareTo is UTF-16 order, which differs
    // for supplementary characters, so compare code points.
    entries.sort((a, b) -> compareCodePoints(a[0], b[0]));
    MessageDigest md = digest();
    for (String[] e : entries) {
      md.update((e[1] + "  " + e[0] + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return new Tree(HexFormat.of().formatHex(md.digest()), entries.size());
  }

  private static int compareCodePoints(String a, String b) {
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
