package dev.kiln.planner.llb;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.kiln.planner.llb.pb.Input;
import dev.kiln.planner.llb.pb.Op;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The digests a BuildKit that loads LLB with protobuf-go (v0.16 and later) gives Kiln's ops: it
 * re-marshals each op, inputs renamed first, and protobuf-go writes a message's oneof fields after
 * its other fields ("to preserve compatibility with historic wire output"). Only {@link Op} has a
 * oneof before other fields (its op, numbers 2-8, before platform 10 and constraints 11); nested
 * messages come out as Kiln writes them.
 */
final class EngineDigests {
  private static final int FIRST_ONEOF = Op.EXEC_FIELD_NUMBER;
  private static final int LAST_ONEOF = Op.PLATFORM_FIELD_NUMBER - 1;

  private EngineDigests() {}

  /** The engine's digest of each op whose digest differs from its own, mapped to its own. */
  static Map<String, String> of(List<ByteString> ops, List<String> digests) {
    Map<String, String> engineOf = new HashMap<>(); // own -> engine's, where they differ
    Map<String, String> ownOf = new HashMap<>();
    for (int i = 0; i < ops.size(); i++) {
      String engine = Digests.sha256(reordered(ops.get(i), engineOf));
      if (!engine.equals(digests.get(i))) {
        engineOf.put(digests.get(i), engine);
        ownOf.put(engine, digests.get(i));
      }
    }
    return Map.copyOf(ownOf);
  }

  /** {@code op}'s bytes as protobuf-go writes them, its inputs named by {@code renamed} where they are renamed. */
  private static ByteString reordered(ByteString op, Map<String, String> renamed) {
    List<ByteString> first = new ArrayList<>();
    List<ByteString> oneof = new ArrayList<>();
    try {
      CodedInputStream in = op.newCodedInput();
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        int number = WireFormat.getTagFieldNumber(tag);
        ByteString field = number == Op.INPUTS_FIELD_NUMBER && WireFormat.getTagWireType(tag)
            == WireFormat.WIRETYPE_LENGTH_DELIMITED ? input(in.readBytes(), renamed) : raw(tag, in);
        (number >= FIRST_ONEOF && number <= LAST_ONEOF ? oneof : first).add(field);
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a definition holds only ops it marshalled or checked", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(first).concat(ByteString.copyFrom(oneof));
  }

  private static ByteString input(ByteString bytes, Map<String, String> renamed) throws IOException {
    Input in = Input.parseFrom(bytes);
    String to = renamed.get(in.getDigest());
    return field(Op.INPUTS_FIELD_NUMBER, to == null ? bytes : Digests.deterministicBytes(in.toBuilder().setDigest(to)
        .build()));
  }

  /** One field as it was read: its tag and value, re-encoded byte for byte. */
  private static ByteString raw(int tag, CodedInputStream in) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeUInt32NoTag(tag);
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT -> c.writeUInt64NoTag(in.readRawVarint64());
      case WireFormat.WIRETYPE_FIXED64 -> c.writeFixed64NoTag(in.readRawLittleEndian64());
      case WireFormat.WIRETYPE_FIXED32 -> c.writeFixed32NoTag(in.readRawLittleEndian32());
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> c.writeBytesNoTag(in.readBytes());
      default -> throw new InvalidProtocolBufferException("unexpected wire type in an op: " + tag);
    }
    c.flush();
    return out.toByteString();
  }

  private static ByteString field(int number, ByteString message) throws IOException {
    ByteString.Output out = ByteString.newOutput();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    c.writeBytes(number, message);
    c.flush();
    return out.toByteString();
  }
}
