package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic protobuf bytes and {@code sha256:} digests, as BuildKit computes them. */
final class Digests {
  private Digests() {}

  /** {@code message} with map entries sorted by key, the bytes BuildKit digests. */
  static ByteString deterministicBytes(MessageLite message) {
    byte[] buf = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to an exactly sized array does not fail
    }
    return ByteString.copyFrom(buf);
  }

  /** {@code "sha256:" + hex(sha256(bytes))}. */
  static String sha256(ByteString bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes.asReadOnlyByteBuffer());
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
