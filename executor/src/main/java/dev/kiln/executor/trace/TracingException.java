package dev.kiln.executor.trace;

import dev.kiln.model.KilnException;

/** The {@code OTEL_*} variables ask for tracing Kiln cannot set up (a protocol it has no exporter for, a bad value). */
public final class TracingException extends KilnException {
  TracingException(String message, Throwable cause) {
    super(message, "Kiln exports traces over OTLP/HTTP: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (the default),"
        + " or unset OTEL_EXPORTER_OTLP_ENDPOINT to trace nothing", cause);
  }
}
