package dev.kiln.functions;

import dev.kiln.function.Arguments;
import dev.kiln.function.FunctionContext;
import dev.kiln.function.FunctionException;
import dev.kiln.function.KilnFunction;
import dev.kiln.function.Parameter;
import dev.kiln.function.Signature;
import dev.kiln.function.ValueType;
import java.util.Locale;

/** {@code data.readJson}/{@code data.readYaml}: a project's data file as a value, optionally schema-checked. */
abstract sealed class DataRead implements KilnFunction permits DataReadJson, DataReadYaml {
  private final DataFormat format;
  private final String typing;

  /** A reader of {@code format}; {@code typing} says how the format's scalars become values. */
  DataRead(DataFormat format, String typing) {
    this.format = format;
    this.typing = typing;
  }

  @Override
  public Signature signature() {
    String label = format.name();
    String title = label.charAt(0) + label.substring(1).toLowerCase(Locale.ROOT);
    return Signature.builder("data", "read" + title)
        .doc("The " + label + " file at [path] as a value (objects, arrays, strings, numbers, booleans and null;"
            + " integers as Int, other numbers as Float)" + typing + ". With [schema], the file must first match that"
            + " JSON Schema (draft 7 unless its"
            + " `$schema` says otherwise); every violation is reported with its JSON pointer, e.g."
            + " `#/dependencies/0/version: expected type: String, found: Integer`.")
        .param(Parameter.required("path", ValueType.STRING, "The " + label + " file, relative to the project root."))
        .param(Parameter.optional("schema", ValueType.STRING,
            "A JSON Schema file (JSON or YAML) to check the file against, relative to the project root."))
        .returns(ValueType.ANY)
        .build();
  }

  @Override
  public Object call(Arguments args, FunctionContext context) throws FunctionException {
    return DataFiles.read(args, context, format);
  }
}
