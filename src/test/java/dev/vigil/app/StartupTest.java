package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Start-up steps run in order; whatever happens, the closers of the steps that ran unwind in reverse, once. */
class StartupTest {

  private final List<String> log = new ArrayList<>();
  private final StringWriter errText = new StringWriter();
  private final PrintWriter err = new PrintWriter(errText);

  private Startup.Step opens(Startup s, String name) {
    return new Startup.Step(name, () -> {
      log.add("open " + name);
      s.onClose(name, () -> log.add("close " + name));
    });
  }

  @Test
  void allStepsRun_thenCloseUnwindsInReverse() throws Exception {
    Startup s = new Startup();
    Integer code = s.run(List.of(opens(s, "a"), opens(s, "b"), opens(s, "c")), () -> false, 0, err);
    assertThat(code).isNull();
    assertThat(s.pending()).containsExactly("c: c", "b: b", "a: a");
    s.close();
    s.close();
    assertThat(log).containsExactly("open a", "open b", "open c", "close c", "close b", "close a");
  }

  @Test
  void aFailingStep_endsTheStartUpWithItsCode_andOnlyEarlierStepsAreClosed() throws Exception {
    Startup s = new Startup();
    Startup.Step fails = new Startup.Step("engine", () -> {
      throw new Startup.Failure(3, "cannot reach the engine");
    });
    Integer code = s.run(List.of(opens(s, "a"), fails, opens(s, "never")), () -> false, 0, err);
    s.close();
    assertThat(code).isEqualTo(3);
    assertThat(errText.toString()).isEqualTo("vigil: cannot reach the engine" + System.lineSeparator());
    assertThat(log).containsExactly("open a", "close a");
  }

  @Test
  void anUnexpectedException_isAnErrorNamingTheStep() throws Exception {
    Startup s = new Startup();
    Startup.Step boom = new Startup.Step("detectors", () -> {
      throw new IllegalStateException("model file corrupt");
    });
    assertThat(s.run(List.of(opens(s, "a"), boom), () -> false, 0, err)).isEqualTo(ExitCodes.ERROR);
    s.close();
    assertThat(errText.toString()).contains("vigil: detectors: model file corrupt");
    assertThat(log).containsExactly("open a", "close a");
  }

  @Test
  void aStopRequestedDuringStartUp_endsBeforeTheNextStep() throws Exception {
    Startup s = new Startup();
    AtomicBoolean stop = new AtomicBoolean();
    Startup.Step signal = new Startup.Step("signal", () -> stop.set(true));
    assertThat(s.run(List.of(opens(s, "a"), signal, opens(s, "b")), stop::get, 143, err)).isEqualTo(143);
    s.close();
    assertThat(log).containsExactly("open a", "close a");
  }

  @Test
  void aCloserThatThrows_doesNotStopTheOthers() throws Exception {
    Startup s = new Startup();
    Startup.Step bad = new Startup.Step("bad", () -> s.onClose("x", () -> {
      throw new IllegalStateException("close failed");
    }));
    s.run(List.of(opens(s, "a"), bad, opens(s, "c")), () -> false, 0, err);
    s.close();
    assertThat(log).containsExactly("open a", "open c", "close c", "close a");
  }
}
