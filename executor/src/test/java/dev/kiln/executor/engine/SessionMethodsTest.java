package dev.kiln.executor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;

class SessionMethodsTest {
  @Test
  void advertisesEveryMethodOfEveryServiceIncludingHealth() {
    var methods = Session.builder().addService(new HealthStatusManager().getHealthService()).methods();
    assertThat(methods).contains("/grpc.health.v1.Health/Check");
    assertThat(methods).allSatisfy(m -> assertThat(m).startsWith("/").doesNotContain(","));
  }
}
