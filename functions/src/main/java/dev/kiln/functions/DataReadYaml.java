package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;

/** {@code data.readYaml(path, schema)}: a project's YAML file as a value, optionally schema-checked. */
public final class DataReadYaml implements KilnFunction {
  @Override
  public Signature signature() {
    return Signature.builder("data", "readYaml")
        .doc("The YAML file at [path] as a value (objects, arrays, strings, numbers, booleans and null;"
            + " integers as Int, other numbers as Float), typed by YAML 1.2: `on`, `yes` and dates stay strings,"
            + " aliases and `<<` merges are resolved; one document per file. With [schema], the file must first match that"
            + " JSON Schema (draft 7 unless its"
            + " `$schema` says otherwise); every violation is reported with its JSON pointer, e.g."
            + " `#/dependencies/0/version: expected type: String, found: Integer`.")
        .param(Parameter.required("path", ValueType.STRING, "The YAML file, relative to the project root."))
        .param(Parameter.optional("schema", ValueType.STRING,
            "A JSON Schema file (JSON or YAML) to check the file against, relative to the project root."))
        .returns(ValueType.ANY)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    return DataFiles.read(args, context, DataFormat.YAML);
  }
}
