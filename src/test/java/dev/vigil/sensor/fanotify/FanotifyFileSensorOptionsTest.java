package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FanotifyFileSensorOptionsTest {

  @Test
  void defaults_readsAndRememberedPaths_readerAtRaisedPriority() {
    FanotifyFileSensor.Options o = FanotifyFileSensor.Options.defaults();

    assertThat(o.eventClass()).isEqualTo(FanotifyGroup.EventClass.NOTIF);
    assertThat(o.unlimitedQueue()).isFalse();
    assertThat(o.readers()).isEqualTo(1);
    assertThat(o.readerNice()).isEqualTo(FanotifyFileSensor.DEFAULT_READER_NICE).isNegative();
    assertThat(o.reads()).isTrue();
    assertThat(o.rememberPaths()).isTrue();
    assertThat(o.mask()).isEqualTo(Fanotify.FAN_CLOSE_WRITE | Fanotify.FAN_CLOSE_NOWRITE | Fanotify.FAN_OPEN_EXEC);
  }

  @Test
  void withoutReads_theKernelIsNotAskedForCloseNoWrite() {
    FanotifyFileSensor.Options o = FanotifyFileSensor.Options.defaults().withReads(false);

    assertThat(o.mask()).isEqualTo(Fanotify.FAN_CLOSE_WRITE | Fanotify.FAN_OPEN_EXEC);
    assertThat(o.withReads(true).mask() & Fanotify.FAN_CLOSE_NOWRITE).isNotZero();
  }

  @Test
  void withers_changeOneSetting() {
    FanotifyFileSensor.Options o = FanotifyFileSensor.Options.defaults().withReaderNice(0).withRememberPaths(false);

    assertThat(o.readerNice()).isZero();
    assertThat(o.rememberPaths()).isFalse();
    assertThat(o.reads()).isTrue();
  }

  @Test
  void outOfRange_isRefused() {
    assertThatThrownBy(() -> FanotifyFileSensor.Options.defaults().withReaderNice(-21))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readerNice");
    assertThatThrownBy(() -> new FanotifyFileSensor.Options(FanotifyGroup.EventClass.NOTIF, false, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readers");
  }
}
