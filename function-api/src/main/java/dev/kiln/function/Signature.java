package dev.kiln.function;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link KilnFunction} is called, takes and returns, and what it does. Pipelines call
 * {@code namespace.name(...)} after importing the namespace's stub module, which {@code kiln
 * schema} generates from signatures:
 *
 * <pre>{@code
 * Signature.builder("semver", "bump")
 *     .doc("The version after bumping one part.")
 *     .param(Parameter.required("version", ValueType.STRING, "A semantic version, e.g. 1.2.3."))
 *     .param(Parameter.required("part", ValueType.STRING, "major, minor or patch."))
 *     .returns(ValueType.STRING)
 *     .build();
 * }</pre>
 *
 * @param namespace the stub module's name, e.g. {@code git}; lower case
 * @param name the function's name in it, lowerCamelCase
 * @param doc what the function does, shown in IDE completion
 * @param parameters its parameters, in call order
 * @param phase when it runs
 * @param returns an evaluation-time function's return type; null for run-time functions
 * @param results a run-time function's result names; empty for evaluation-time functions
 */
public record Signature(
    String namespace,
    String name,
    String doc,
    List<Parameter> parameters,
    Phase phase,
    ValueType returns,
    List<String> results) {

  public Signature {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(phase, "phase");
    parameters = List.copyOf(parameters);
    results = List.copyOf(results);
    if (!namespace.matches("[a-z][a-z0-9]*")) {
      throw new IllegalArgumentException("namespace must be lower-case letters and digits: " + namespace);
    }
    if (!name.matches("[a-z][A-Za-z0-9]*")) {
      throw new IllegalArgumentException("function name must be lowerCamelCase: " + name);
    }
    Set<String> seen = new HashSet<>();
    for (Parameter p : parameters) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException(qualifiedName(namespace, name) + ": parameter " + p.name() + " twice");
      }
      if (phase == Phase.EVALUATION && p.type().isRunTimeOnly()) {
        throw new IllegalArgumentException(qualifiedName(namespace, name) + ": " + p.type()
            + " parameters are for run-time functions only");
      }
    }
    if (phase == Phase.EVALUATION) {
      Objects.requireNonNull(returns, "an evaluation-time function needs a return type");
      if (returns.isRunTimeOnly() || !results.isEmpty()) {
        throw new IllegalArgumentException(qualifiedName(namespace, name)
            + ": an evaluation-time function returns a value, not " + (results.isEmpty() ? returns : "results"));
      }
    } else {
      if (returns != null) {
        throw new IllegalArgumentException(qualifiedName(namespace, name) + ": a run-time function returns results, not a value");
      }
      for (String r : results) {
        if (!r.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
          throw new IllegalArgumentException(qualifiedName(namespace, name) + ": bad result name " + r);
        }
      }
    }
  }

  /** {@code namespace.name}, as pipelines write it. */
  public String qualifiedName() {
    return qualifiedName(namespace, name);
  }

  private static String qualifiedName(String namespace, String name) {
    return namespace + "." + name;
  }

  /** The parameter {@code name}, or null. */
  public Parameter parameter(String name) {
    for (Parameter p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** A builder for an evaluation-time function, until {@link Builder#results} makes it run-time. */
  public static Builder builder(String namespace, String name) {
    return new Builder(namespace, name);
  }

  /** Builds a {@link Signature}. */
  public static final class Builder {
    private final String namespace;
    private final String name;
    private String doc = "";
    private final List<Parameter> parameters = new ArrayList<>();
    private ValueType returns;
    private final List<String> results = new ArrayList<>();
    private Phase phase = Phase.EVALUATION;

    private Builder(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    /** What the function does. */
    public Builder doc(String doc) {
      this.doc = doc;
      return this;
    }

    /** Appends a parameter. */
    public Builder param(Parameter parameter) {
      parameters.add(parameter);
      return this;
    }

    /** The return type; makes this an evaluation-time function. */
    public Builder returns(ValueType type) {
      this.returns = type;
      this.phase = Phase.EVALUATION;
      return this;
    }

    /** The result names; makes this a run-time function. */
    public Builder results(String... names) {
      results.addAll(List.of(names));
      this.phase = Phase.RUN;
      return this;
    }

    /** The signature. */
    public Signature build() {
      return new Signature(namespace, name, doc, parameters, phase, returns, results);
    }
  }
}
