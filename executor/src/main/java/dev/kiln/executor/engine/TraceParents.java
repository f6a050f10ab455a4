package dev.kiln.executor.engine;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The W3C trace context ({@code traceparent}) Kiln's calls carry to the engine, so that a
 * BuildKit that traces (v0.9 and later read it on every call) makes its spans children of the
 * task's. Set per thread of work with {@link #attach}; engines that do not trace ignore the header.
 */
public final class TraceParents {
  private static final Context.Key<String> PARENT = Context.key("kiln-traceparent");
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

  /** Adds the attached trace context, if any, to every call started in its scope. */
  static final ClientInterceptor INTERCEPTOR = new ClientInterceptor() {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      String parent = PARENT.get();
      ClientCall<Q, R> call = next.newCall(method, options);
      if (parent == null) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(HEADER, parent);
          super.start(listener, headers);
        }
      };
    }
  };

  private TraceParents() {}

  /** A trace context attached to the current thread until {@link #close}. */
  public static final class Attached implements AutoCloseable {
    private final Context context;
    private final Context previous;

    private Attached(Context context) {
      this.context = context;
      this.previous = context.attach();
    }

    @Override
    public void close() {
      context.detach(previous);
    }
  }

  /**
   * Makes the engine calls this thread starts, until the result is closed, carry {@code traceParent}
   * (a W3C {@code traceparent} value); null carries none.
   */
  public static Attached attach(String traceParent) {
    return new Attached(Context.current().withValue(PARENT, traceParent));
  }
}
