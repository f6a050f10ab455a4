package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.DiskUsageRequest;
import dev.kiln.executor.proto.control.DiskUsageResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trace context reaches the engine as the {@code traceparent} header of calls in its scope, and only those. */
class TraceParentsTest {
  private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void engine() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerInterceptor record = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        seen.add(String.valueOf(headers.get(TRACEPARENT)));
        return next.startCall(call, headers);
      }
    };
    ControlGrpc.ControlImplBase control = new ControlGrpc.ControlImplBase() {
      @Override
      public void diskUsage(DiskUsageRequest request, StreamObserver<DiskUsageResponse> response) {
        response.onNext(DiskUsageResponse.getDefaultInstance());
        response.onCompleted();
      }
    };
    server = InProcessServerBuilder.forName(name).addService(ServerInterceptors.intercept(control, record)).build().start();
    channel = InProcessChannelBuilder.forName(name).intercept(TraceParents.INTERCEPTOR).build();
  }

  @AfterEach
  void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void callsInTheScopeCarryTheTraceContextAndOthersDoNot() {
    String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    var control = ControlGrpc.newBlockingStub(channel);
    try (TraceParents.Attached traced = TraceParents.attach(parent)) {
      control.diskUsage(DiskUsageRequest.getDefaultInstance());
    }
    control.diskUsage(DiskUsageRequest.getDefaultInstance());
    try (TraceParents.Attached none = TraceParents.attach(null)) {
      control.diskUsage(DiskUsageRequest.getDefaultInstance());
    }
    assertThat(seen).containsExactly(parent, "null", "null");
  }
}
