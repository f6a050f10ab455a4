package dev.kiln.executor.secrets;

import com.google.protobuf.ByteString;
import dev.kiln.executor.proto.secrets.GetSecretRequest;
import dev.kiln.executor.proto.secrets.GetSecretResponse;
import dev.kiln.executor.proto.secrets.SecretsGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;

/** The session's Secrets service: the engine asks for a secret by id when a step mounts it. */
public final class SecretsService extends SecretsGrpc.SecretsImplBase {
  private final SecretStore store;

  public SecretsService(SecretStore store) {
    this.store = store;
  }

  @Override
  public void getSecret(GetSecretRequest request, StreamObserver<GetSecretResponse> response) {
    Optional<byte[]> value;
    try {
      value = store.get(request.getID());
    } catch (IOException e) {
      // The message names the secret and the provider's problem, never the value.
      response.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (value.isEmpty()) {
      // The engine turns NOT_FOUND into "secret not found", its own message for this case.
      response.onError(Status.NOT_FOUND.withDescription("secret " + request.getID() + " not found").asRuntimeException());
      return;
    }
    response.onNext(GetSecretResponse.newBuilder().setData(ByteString.copyFrom(value.get())).build());
    response.onCompleted();
  }
}
