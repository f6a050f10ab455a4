package dev.kiln.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.everit.json.schema.Schema;
import org.everit.json.schema.SchemaException;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaClient;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONTokener;

/**
 * Validates a document against a JSON Schema file of the project with Everit. Draft 7 unless the
 * schema's {@code $schema} says otherwise; {@code $ref}s may name other project files (relative to
 * the schema) but nothing on the network, which evaluation must not reach.
 */
final class JsonSchemaCheck {
  /** More violations than this are counted, not listed: the first ones show the pattern. */
  private static final int MAX_LISTED = 20;

  private JsonSchemaCheck() {}

  /**
   * Checks {@code document} (read from {@code name}) against the schema at {@code schemaPath}.
   *
   * @throws FunctionException listing every violation as {@code #/json/pointer: problem}
   */
  static void validate(JsonNode document, String name, String schemaPath, FunctionContext context)
      throws FunctionException {
    Schema schema = load(schemaPath, context);
    Object json;
    try {
      // Everit works on org.json values; the Jackson tree's JSON text converts losslessly.
      json = document == null ? JSONObject.NULL : new JSONTokener(document.toString()).nextValue();
    } catch (JSONException e) {
      throw new FunctionException(name + " cannot be checked against a schema: " + e.getMessage(), e);
    }
    try {
      schema.validate(json);
    } catch (ValidationException e) {
      List<String> all = e.getAllMessages();
      StringBuilder m = new StringBuilder(name).append(" does not match the schema ").append(schemaPath)
          .append(all.size() == 1 ? ":" : " (" + all.size() + " violations):");
      all.stream().limit(MAX_LISTED).forEach(v -> m.append("\n  ").append(v));
      if (all.size() > MAX_LISTED) {
        m.append("\n  ... and ").append(all.size() - MAX_LISTED).append(" more");
      }
      throw new FunctionException(m.toString());
    }
  }

  private static Schema load(String schemaPath, FunctionContext context) throws FunctionException {
    DataFormat format = DataFormat.byName(schemaPath);
    JsonNode node = format.parse(ProjectFiles.text(context, schemaPath), schemaPath);
    if (node == null || !node.isObject()) {
      throw new FunctionException(schemaPath + " is not a JSON Schema: a schema is an object");
    }
    Path schemaFile = context.resolve(schemaPath);
    try {
      return SchemaLoader.builder()
          .draftV7Support() // a "$schema" in the schema itself takes precedence
          .schemaJson(new JSONObject(node.toString()))
          .resolutionScope(schemaFile.toUri())
          .schemaClient(projectFilesOnly(context))
          .build()
          .load()
          .build();
    } catch (RefRefused e) {
      throw new FunctionException(schemaPath + ": " + e.getMessage());
    } catch (SchemaException | JSONException e) {
      throw new FunctionException(schemaPath + " is not a valid JSON Schema: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Everit wraps a $ref's failures in whatever it was doing; the root cause says what happened.
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RefRefused r) {
        throw new FunctionException(schemaPath + ": " + r.getMessage());
      }
      throw new FunctionException(schemaPath + " cannot be loaded as a JSON Schema: " + e.getMessage(), e);
    }
  }

  private static SchemaClient projectFilesOnly(FunctionContext context) {
    Path root = context.projectRoot();
    return url -> {
      URI uri = URI.create(url);
      if (!"file".equals(uri.getScheme())) {
        throw new RefRefused("$ref " + url + " is not a project file; functions do not reach the network"
            + " while the pipeline is evaluated (download the schema into the project)");
      }
      Path file = Path.of(uri).normalize();
      if (!file.startsWith(root)) {
        throw new RefRefused("$ref " + url + " is outside the project root");
      }
      String relative = root.relativize(file).toString();
      try {
        Path ref = context.resolve(relative);
        context.dependsOn(ref);
        return new ByteArrayInputStream(Files.readAllBytes(ref));
      } catch (FunctionException e) {
        throw new RefRefused("$ref " + url + ": " + e.getMessage());
      } catch (IOException e) {
        throw new RefRefused("$ref " + url + " cannot be read: " + ProjectFiles.unreadable(relative, e).getMessage());
      }
    };
  }

  /** A {@code $ref} that may not or cannot be followed. */
  private static final class RefRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefRefused(String message) {
      super(message);
    }
  }
}
