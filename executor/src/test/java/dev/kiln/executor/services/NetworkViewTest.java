package dev.kiln.executor.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkViewTest {
  /** What `cat /proc/net/fib_trie /proc/net/tcp /proc/net/tcp6` printed in a container on Docker 20.10's bridge. */
  private static final String BRIDGE = """
      Main:
        +-- 0.0.0.0/0 3 0 5
           |-- 0.0.0.0
              /0 universe UNICAST
           +-- 127.0.0.0/8 2 0 2
              +-- 127.0.0.0/31 1 0 0
                 |-- 127.0.0.0
                    /8 host LOCAL
                 |-- 127.0.0.1
                    /32 host LOCAL
              |-- 127.255.255.255
                 /32 link BROADCAST
           +-- 172.17.0.0/16 2 0 2
              +-- 172.17.0.0/30 2 0 2
                 |-- 172.17.0.0
                    /16 link UNICAST
                 |-- 172.17.0.2
                    /32 host LOCAL
              |-- 172.17.255.255
                 /32 link BROADCAST
      Local:
        +-- 0.0.0.0/0 3 0 5
           +-- 172.17.0.0/16 2 0 2
                 |-- 172.17.0.2
                    /32 host LOCAL
        sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 1 1 0
         1: 020011AC:1538 050011AC:D2F0 01 00000000:00000000 00:00000000 00000000   101        0 2 1 0
        sl  local_address                         remote_address                        st tx_queue rx_queue
         0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2885734 1 0
      """;

  @Test
  void theInterfacesAddressWithoutLoopbackAndTheListeningPortsOfBothFamilies() {
    NetworkView view = NetworkView.parse(BRIDGE);
    assertThat(view.addresses()).containsExactly("172.17.0.2");
    // 0x1538 = 5432 listening on loopback, 0x1F90 = 8080 on IPv6; the established connection is no listener
    assertThat(view.listening()).containsExactlyInAnyOrder(5432, 8080);
  }

  @Test
  void aHostNetworkShowsSeveralAddressesAndNothingListeningIsNoPort() {
    String host = """
        Local:
          +-- 0.0.0.0/0 3 0 5
                   |-- 10.0.2.15
                      /32 host LOCAL
                   |-- 172.17.0.1
                      /32 host LOCAL
                   |-- 127.0.0.1
                      /32 host LOCAL
        """;
    NetworkView view = NetworkView.parse(host);
    assertThat(view.addresses()).containsExactly("10.0.2.15", "172.17.0.1");
    assertThat(view.listening()).isEmpty();
    assertThat(NetworkView.parse("").addresses()).isEmpty();
  }

  @Test
  void theLogKeepsTheLastLinesAndAnUnfinishedOne() throws Exception {
    ServiceLog log = new ServiceLog();
    var out = log.stream();
    for (int i = 0; i < ServiceLog.LINES + 5; i++) {
      out.write(("line " + i + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    out.write("partial".getBytes(StandardCharsets.UTF_8));
    List<String> tail = log.tail();
    assertThat(tail).hasSize(ServiceLog.LINES + 1);
    assertThat(tail.get(0)).isEqualTo("line 5");
    assertThat(tail).endsWith("line " + (ServiceLog.LINES + 4), "partial");
  }
}
