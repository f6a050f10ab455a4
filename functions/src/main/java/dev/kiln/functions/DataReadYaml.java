package dev.kiln.functions;

/** {@code data.readYaml(path, schema)}: a project's YAML file as a value, optionally schema-checked. */
public final class DataReadYaml extends DataRead {
  /** The function, as ServiceLoader makes it. */
  public DataReadYaml() {
    super(DataFormat.YAML, ", typed by YAML 1.2: `on`, `yes` and dates stay strings,"
        + " aliases and `<<` merges are resolved; one document per file");
  }
}
