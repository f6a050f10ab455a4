package dev.kiln.executor.engine;

import dev.kiln.executor.proto.control.BytesMessage;
import dev.kiln.executor.proto.control.ControlGrpc;
import dev.kiln.executor.proto.control.DiskUsageRequest;
import dev.kiln.executor.proto.control.DiskUsageResponse;
import dev.kiln.executor.proto.control.InfoRequest;
import dev.kiln.executor.proto.control.InfoResponse;
import dev.kiln.executor.proto.control.ListWorkersRequest;
import dev.kiln.executor.proto.control.ListWorkersResponse;
import dev.kiln.executor.proto.control.PruneRequest;
import dev.kiln.executor.proto.control.SolveRequest;
import dev.kiln.executor.proto.control.SolveResponse;
import dev.kiln.executor.proto.control.StatusRequest;
import dev.kiln.executor.proto.control.StatusResponse;
import dev.kiln.executor.proto.control.UsageRecord;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The engine's Control service as Kiln calls it: every call with its deadline from a {@link
 * CallPolicy} (set in {@link #within}, nowhere else), read-only calls retried by the policy.
 */
final class ControlClient {
  private final Channel channel;
  private final CallPolicy policy;

  ControlClient(Channel channel, CallPolicy policy) {
    this.channel = channel;
    this.policy = policy;
  }

  ListWorkersResponse listWorkers() {
    return policy.retrying(() -> within(policy.query(), ControlGrpc.newBlockingStub(channel))
        .listWorkers(ListWorkersRequest.getDefaultInstance()));
  }

  /**
   * The {@link StallWatch}'s health question: ListWorkers, which the engine answers from memory,
   * once, within the liveness probe's time.
   */
  void probe() {
    within(policy.liveness().probe(), ControlGrpc.newBlockingStub(channel))
        .listWorkers(ListWorkersRequest.getDefaultInstance());
  }

  /** BuildKit's version; {@code UNIMPLEMENTED} before v0.11. */
  InfoResponse info() {
    return policy.retrying(() -> within(policy.query(), ControlGrpc.newBlockingStub(channel))
        .info(InfoRequest.getDefaultInstance()));
  }

  DiskUsageResponse diskUsage() {
    return policy.retrying(() -> within(policy.diskUsage(), ControlGrpc.newBlockingStub(channel))
        .diskUsage(DiskUsageRequest.getDefaultInstance()));
  }

  /** Removes cache records, streaming those removed; never retried. */
  Iterator<UsageRecord> prune(PruneRequest request) {
    return within(policy.prune(), ControlGrpc.newBlockingStub(channel)).prune(request);
  }

  /** Runs a solve until the engine is done with it; never retried. */
  SolveResponse solve(SolveRequest request) {
    return within(policy.solve(), ControlGrpc.newBlockingStub(channel)).solve(request);
  }

  /** Follows a solve's progress; the stream lives no longer than the solve may. */
  void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
    within(policy.solve(), ControlGrpc.newStub(channel)).status(request, observer);
  }

  /**
   * Opens the byte stream that carries a session to a standalone buildkitd. It has no deadline:
   * it lives as long as the session, which its owner closes.
   */
  StreamObserver<BytesMessage> session(Metadata headers, StreamObserver<BytesMessage> fromDaemon) {
    return ControlGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .session(fromDaemon);
  }

  private static <S extends AbstractStub<S>> S within(Duration deadline, S stub) {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }
}
