package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class DockerConnectionTest {

  private static final String SOCK = "unix:///var/run/docker.sock";
  private static final String TCP = "tcp://10.0.0.5:2376";

  /** docker-java wraps transport errors as RuntimeException(IOException(...)). */
  private static Throwable wrapped(Throwable root) {
    return new RuntimeException("java.io.IOException: wrapped", new UncheckedIOException(
        new IOException("request failed", root)));
  }

  private static void assertOneLine(EngineUnavailableException e) {
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void classify_noSuchFile_unreachableAsksIfDockerdRuns() {
    EngineUnavailableException e = DockerConnection.classify(SOCK,
        wrapped(new IOException("connect failed: No such file or directory")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.UNREACHABLE);
    assertThat(e.getMessage()).contains(SOCK).contains("is dockerd running?");
    assertOneLine(e);
  }

  @Test
  void classify_permissionDenied_mentionsDockerGroup() {
    EngineUnavailableException e = DockerConnection.classify(SOCK,
        wrapped(new IOException("connect(2) failed: Permission denied")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.PERMISSION_DENIED);
    assertThat(e.getMessage()).contains(SOCK).contains("'docker' group");
    assertOneLine(e);
  }

  @Test
  void classify_connectionRefused_unreachable() {
    EngineUnavailableException e = DockerConnection.classify(TCP,
        wrapped(new ConnectException("Connection refused")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.UNREACHABLE);
    assertThat(e.getMessage()).contains(TCP).contains("connection refused");
    assertOneLine(e);
  }

  @Test
  void classify_sslHandshake_tls() {
    EngineUnavailableException e = DockerConnection.classify(TCP,
        wrapped(new SSLHandshakeException("PKIX path building failed:\nunable to find valid certification path")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.TLS);
    assertThat(e.getMessage()).contains(TCP).contains("--tls-verify").contains("PKIX path building failed");
    assertOneLine(e);
  }

  @Test
  void classify_timeout_unreachableMentionsTimeout() {
    EngineUnavailableException e = DockerConnection.classify(TCP, wrapped(new SocketTimeoutException("Read timed out")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.UNREACHABLE);
    assertThat(e.getMessage()).contains(TCP).contains("timed out");
    assertOneLine(e);
  }

  @Test
  void classify_unknownCause_unreachableWithRootMessageOnOneLine() {
    EngineUnavailableException e = DockerConnection.classify(TCP,
        wrapped(new IOException("something odd\nsecond line")));

    assertThat(e.reason()).isEqualTo(EngineUnavailableException.Reason.UNREACHABLE);
    assertThat(e.getMessage()).contains(TCP).contains("something odd second line");
    assertOneLine(e);
  }

  @Test
  void classify_keepsCause() {
    Throwable t = wrapped(new IOException("No such file or directory"));
    assertThat(DockerConnection.classify(SOCK, t)).hasCause(t);
  }

  @Test
  void classify_selfCausedException_terminates() {
    Throwable t = new IOException("No such file or directory") {
      private static final long serialVersionUID = 1L;

      @Override
      public synchronized Throwable getCause() {
        return this;
      }
    };
    assertThat(DockerConnection.classify(SOCK, t).reason()).isEqualTo(EngineUnavailableException.Reason.UNREACHABLE);
  }

  @Test
  void rootMessage_noMessage_usesSimpleClassName() {
    assertThat(DockerConnection.rootMessage(new RuntimeException(new ConnectException()))).isEqualTo("ConnectException");
  }
}
