package dev.kiln.executor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What BuildKit says about an error beyond its message: the typed details of the {@code
 * google.rpc.Status} it sends in the {@code grpc-status-details-bin} trailer. Each detail is an
 * {@code Any} whose type URL is {@code github.com/moby/buildkit/<name>+json} and whose value is
 * JSON, not protobuf (BuildKit's {@code util/grpcerrors} marshals them with Go's {@code json}), so
 * they are read as JSON here and need no generated messages. Details Kiln does not read are kept by
 * type URL, as BuildKit's own client keeps them. Docker up to 20.10.25 sends no details at all.
 *
 * @param vertexDigest the failing vertex ({@code errdefs.Vertex}), or null
 * @param exitCode the failed process's exit code ({@code gatewayapi.ExitMessage}, BuildKit v0.12+), or null
 * @param command the failed exec's arguments ({@code errdefs.Solve}'s op, gateway solves), or empty
 * @param unread the type URLs of the details not read, in order
 * @param mountIds the failed exec's mounts after the failure, one result id per mount ({@code
 *     errdefs.Solve}'s mountIDs, gateway solves; empty where a mount has none), or empty
 * @param inputIds the same mounts before the step ran ({@code errdefs.Solve}'s inputIDs), or empty
 */
record EngineErrorDetails(String vertexDigest, Integer exitCode, List<String> command, List<String> unread,
    List<String> mountIds, List<String> inputIds) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "github.com/moby/buildkit/";
  static final String VERTEX = PREFIX + "errdefs.Vertex+json";
  static final String EXIT = PREFIX + "gatewayapi.ExitMessage+json";
  static final String SOLVE = PREFIX + "errdefs.Solve+json";

  EngineErrorDetails {
    command = List.copyOf(command);
    unread = List.copyOf(unread);
    mountIds = List.copyOf(mountIds);
    inputIds = List.copyOf(inputIds);
  }

  /** No details: an engine that sends none, or an error that has none. */
  static final EngineErrorDetails NONE = new EngineErrorDetails(null, null, List.of(), List.of(), List.of(),
      List.of());

  /** The details of a failed call's status, if its trailers carry them. */
  static EngineErrorDetails of(Throwable grpcError) {
    Status status = StatusProto.fromThrowable(grpcError);
    return status == null ? NONE : decode(status);
  }

  /** The details of {@code status}; a detail that does not parse counts as unread. */
  static EngineErrorDetails decode(Status status) {
    String vertex = null;
    Integer exit = null;
    List<String> command = List.of();
    List<String> unread = new ArrayList<>();
    List<String> mountIds = List.of();
    List<String> inputIds = List.of();
    for (Any detail : status.getDetailsList()) {
      JsonNode json = json(detail);
      String type = detail.getTypeUrl();
      if (json != null && type.equals(VERTEX) && json.path("digest").isTextual()) {
        vertex = json.path("digest").asText();
      } else if (json != null && type.equals(EXIT) && field(json, "code").canConvertToInt()) {
        exit = field(json, "code").asInt();
      } else if (json != null && type.equals(SOLVE) && exec(json).path("meta").path("args").isArray()) {
        List<String> args = new ArrayList<>();
        exec(json).path("meta").path("args").forEach(a -> args.add(a.asText()));
        command = args;
        mountIds = texts(json.path("mountIDs"));
        inputIds = texts(json.path("inputIDs"));
      } else {
        unread.add(type);
      }
    }
    return new EngineErrorDetails(vertex, exit, command, unread, mountIds, inputIds);
  }

  /**
   * The failed exec of an {@code errdefs.Solve}: BuildKit v0.16+ writes its op as {@code
   * {"op":{"Op":{"exec":...}}}} (pb.Op's own JSON form, the oneof under "Op"), earlier ones as
   * {@code {"op":{"exec":...}}}.
   */
  private static JsonNode exec(JsonNode solve) {
    JsonNode op = solve.path("op");
    return op.has("Op") ? op.path("Op").path("exec") : op.path("exec");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.asText()));
    return out;
  }

  private static JsonNode json(Any detail) {
    try {
      JsonNode node = JSON.readTree(detail.getValue().toByteArray());
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A field by name, whatever its case: Go's field names ({@code Code}) or proto's ({@code code}). */
  private static JsonNode field(JsonNode object, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
