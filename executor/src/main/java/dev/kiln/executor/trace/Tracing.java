package dev.kiln.executor.trace;

import dev.kiln.executor.PlanRunner;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where runs' traces go: OpenTelemetry's SDK configured by the standard {@code OTEL_*} variables
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, {@code _HEADERS},
 * {@code _PROTOCOL}, {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}, ...). Without an
 * OTLP endpoint, or with {@code OTEL_SDK_DISABLED=true}, nothing is set up and runs are not traced.
 * Only traces are exported, over OTLP/HTTP (protobuf), never metrics or logs. Closing flushes the
 * spans not sent yet.
 */
public final class Tracing implements AutoCloseable {
  private static final Tracing OFF = new Tracing(null);

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /**
   * Tracing as {@code environment}'s {@code OTEL_*} variables configure it, or off.
   *
   * @throws TracingException when they ask for what cannot be set up (gRPC, a malformed value)
   */
  public static Tracing fromEnvironment(Map<String, String> environment) {
    boolean endpoint = environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
        || environment.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (!endpoint || "true".equalsIgnoreCase(environment.get("OTEL_SDK_DISABLED"))
        || "none".equalsIgnoreCase(environment.get("OTEL_TRACES_EXPORTER"))) {
      return OFF;
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.service.name", "kiln");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
    properties.put("otel.traces.exporter", "otlp");
    properties.put("otel.exporter.otlp.protocol", "http/protobuf"); // the JDK's HTTP client sends it
    environment.forEach((name, value) -> {
      if (name.startsWith("OTEL_") && !name.equals("OTEL_METRICS_EXPORTER") && !name.equals("OTEL_LOGS_EXPORTER")
          && !name.equals("OTEL_TRACES_EXPORTER")) {
        properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    // the variables given here decide, not the JVM's own environment (the server passes its own)
    try {
      return new Tracing(AutoConfiguredOpenTelemetrySdk.builder().addPropertiesCustomizer(c -> properties)
          .disableShutdownHook().build().getOpenTelemetrySdk());
    } catch (ConfigurationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new TracingException("cannot export traces as the OTEL_* variables say: " + cause.getMessage(), e);
    }
  }

  /** Whether runs are traced. */
  public boolean enabled() {
    return sdk != null;
  }

  /**
   * A listener that makes a run's spans: the run ({@code name}, with {@code attributes}), a span per
   * task below it and a span per step below its task, with the engine's start and end times. A
   * listener that does nothing when tracing is off.
   */
  public PlanRunner.Listener run(String name, Map<String, String> attributes) {
    if (sdk == null) {
      return new PlanRunner.Listener() {};
    }
    Tracer tracer = sdk.getTracer("dev.kiln");
    return new RunTrace(tracer, name, attributes);
  }

  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
