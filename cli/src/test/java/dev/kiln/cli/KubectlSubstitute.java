package dev.kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Stands in for {@code kubectl} in {@link RemoteEngineE2ETest} (run as {@code $KUBECTL}): there is
 * no cluster here. It appends its command line to {@code $KILN_FAKE_KUBECTL_LOG}; for {@code get
 * pods} it prints {@code $KILN_FAKE_KUBECTL_PODS}; for {@code exec -i POD -- buildctl dial-stdio}
 * it does what {@code buildctl dial-stdio} in a pod would, against Docker's BuildKit at
 * {@code $KILN_FAKE_KUBECTL_DOCKER} instead: Docker has no buildctl, so it upgrades a Docker socket
 * connection with {@code POST /grpc} (h2c) and then copies stdin and stdout to it, so that what
 * Kiln reads is plain gRPC over HTTP/2, as from dial-stdio. An unknown pod fails as kubectl does.
 */
public final class KubectlSubstitute {
  private KubectlSubstitute() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    Files.writeString(Path.of(System.getenv("KILN_FAKE_KUBECTL_LOG")), String.join(" ", a) + "\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    String pods = System.getenv().getOrDefault("KILN_FAKE_KUBECTL_PODS", "");
    if (a.contains("get")) {
      System.out.print(pods);
      return;
    }
    int exec = a.indexOf("exec");
    String pod = a.get(exec + 2);
    if (!List.of(pods.split(" ")).contains(pod) || !a.subList(a.indexOf("--") + 1, a.size())
        .equals(List.of("buildctl", "dial-stdio"))) {
      System.err.println("Error from server (NotFound): pods \"" + pod + "\" not found");
      System.exit(1);
    }
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(System.getenv("KILN_FAKE_KUBECTL_DOCKER")));
    // Channels.newInputStream/newOutputStream would share one lock: a blocked read would stall writes
    OutputStream toDocker = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    };
    InputStream fromDocker = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, len));
      }
    };
    toDocker.write(("POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    toDocker.flush();
    int matched = 0; // the response head ends with \r\n\r\n
    while (matched < 4) {
      int b = fromDocker.read();
      if (b < 0) {
        System.exit(1);
      }
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    Thread up = new Thread(() -> {
      copy(System.in, toDocker);
      try {
        ch.shutdownOutput(); // dial-stdio half-closes too
      } catch (IOException e) {
        // gone already
      }
    });
    up.start();
    copy(fromDocker, System.out);
    System.exit(0);
  }

  private static void copy(InputStream in, OutputStream out) {
    byte[] buf = new byte[65536];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    }
  }
}
