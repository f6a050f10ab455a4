package dev.kiln.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;

/** What {@code data.readJson} and {@code data.readYaml} share: read, parse, validate, convert. */
final class DataFiles {
  private DataFiles() {}

  /** The JSON-like value of the file {@code path}, checked against {@code schema} when given. */
  static Object read(Arguments args, FunctionContext context, DataFormat format) throws FunctionException {
    String path = args.string("path");
    JsonNode document = format.parse(ProjectFiles.text(context, path), path);
    if (args.has("schema")) {
      JsonSchemaCheck.validate(document, path, args.string("schema"), context);
    }
    return JsonValues.toJava(document, path);
  }
}
