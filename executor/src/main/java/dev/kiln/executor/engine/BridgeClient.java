package dev.kiln.executor.engine;

import dev.kiln.executor.proto.gateway.ExecMessage;
import dev.kiln.executor.proto.gateway.LLBBridgeGrpc;
import dev.kiln.executor.proto.gateway.NewContainerRequest;
import dev.kiln.executor.proto.gateway.PingRequest;
import dev.kiln.executor.proto.gateway.PongResponse;
import dev.kiln.executor.proto.gateway.ReadDirRequest;
import dev.kiln.executor.proto.gateway.ReadDirResponse;
import dev.kiln.executor.proto.gateway.ReadFileRequest;
import dev.kiln.executor.proto.gateway.ReadFileResponse;
import dev.kiln.executor.proto.gateway.ReleaseContainerRequest;
import dev.kiln.executor.proto.gateway.ResolveImageConfigRequest;
import dev.kiln.executor.proto.gateway.ResolveImageConfigResponse;
import dev.kiln.executor.proto.gateway.ReturnRequest;
import dev.kiln.executor.proto.gateway.SolveRequest;
import dev.kiln.executor.proto.gateway.SolveResponse;
import dev.kiln.executor.proto.gateway.StatFileRequest;
import dev.kiln.executor.proto.gateway.StatFileResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The engine's LLBBridge service (the gateway) for one build, as Kiln calls it: every call names
 * the build and has its deadline from a {@link CallPolicy} (set in {@link #stub}, nowhere else);
 * read-only calls are retried by the policy, Solve and Return never.
 */
final class BridgeClient {
  private static final Metadata.Key<String> BUILD_ID =
      Metadata.Key.of("buildkit-controlapi-buildid", Metadata.ASCII_STRING_MARSHALLER);

  private final Channel channel;
  private final String buildId;
  private final CallPolicy policy;

  BridgeClient(Channel channel, String buildId, CallPolicy policy) {
    this.channel = channel;
    this.buildId = buildId;
    this.policy = policy;
  }

  /** The time limits this client's calls have. */
  CallPolicy policy() {
    return policy;
  }

  PongResponse ping() {
    return policy.retrying(() -> stub(policy.query()).ping(PingRequest.getDefaultInstance()));
  }

  SolveResponse solve(SolveRequest request) {
    return stub(policy.solve()).solve(request);
  }

  ReadFileResponse readFile(ReadFileRequest request) {
    return policy.retrying(() -> stub(policy.read()).readFile(request));
  }

  ReadDirResponse readDir(ReadDirRequest request) {
    return policy.retrying(() -> stub(policy.read()).readDir(request));
  }

  StatFileResponse statFile(StatFileRequest request) {
    return policy.retrying(() -> stub(policy.read()).statFile(request));
  }

  ResolveImageConfigResponse resolveImageConfig(ResolveImageConfigRequest request) {
    return policy.retrying(() -> stub(policy.read()).resolveImageConfig(request));
  }

  /** Hands the build its result (or an error), which the engine then exports; never retried. */
  void return_(ReturnRequest request) {
    stub(policy.read()).return_(request);
  }

  /** Creates a container; never retried (a second try would find the id taken). */
  void newContainer(NewContainerRequest request) {
    stub(policy.read()).newContainer(request);
  }

  void releaseContainer(ReleaseContainerRequest request) {
    stub(policy.query()).releaseContainer(request);
  }

  /**
   * Opens a stream of process messages: {@code responses} gets the engine's; the returned observer
   * sends Kiln's. A process may run as long as a solve may.
   */
  StreamObserver<ExecMessage> execProcess(StreamObserver<ExecMessage> responses) {
    return LLBBridgeGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(buildIdHeader()))
        .withDeadlineAfter(policy.solve().toMillis(), TimeUnit.MILLISECONDS)
        .execProcess(responses);
  }

  private LLBBridgeGrpc.LLBBridgeBlockingStub stub(Duration deadline) {
    return LLBBridgeGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(buildIdHeader()))
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Metadata buildIdHeader() {
    // Gateway calls must name the build (job) they belong to.
    Metadata md = new Metadata();
    md.put(BUILD_ID, buildId);
    return md;
  }
}
