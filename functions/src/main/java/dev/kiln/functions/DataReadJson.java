package dev.kiln.functions;

/** {@code data.readJson(path, schema)}: a project's JSON file as a value, optionally schema-checked. */
public final class DataReadJson extends DataRead {
  /** The function, as ServiceLoader makes it. */
  public DataReadJson() {
    super(DataFormat.JSON, "");
  }
}
