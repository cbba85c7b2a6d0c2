package dev.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void countsInsertionsDeletionsAndSubstitutions() {
    assertThat(Suggestions.distance("proc.name", "proc.name")).isZero();
    assertThat(Suggestions.distance("proc.nme", "proc.name")).isEqualTo(1);
    assertThat(Suggestions.distance("proc.namee", "proc.name")).isEqualTo(1);
    assertThat(Suggestions.distance("proc.nave", "proc.name")).isEqualTo(1);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void givesUpAtTheLimit() {
    assertThat(Suggestions.distance("kitten", "sitting", 2)).isEqualTo(2);
    assertThat(Suggestions.distance("a", "abcdef", 3)).isEqualTo(3);
    assertThat(Suggestions.distance("kitten", "sitting", 4)).isEqualTo(3);
  }

  @Test
  void nearestIsTheFirstClosestWithinTheBound() {
    List<String> names = List.of("window", "max_keys", "rules", "windows");
    assertThat(Suggestions.nearest(names, "windw", 2)).isEqualTo("window");
    assertThat(Suggestions.nearest(names, "windowz", 2)).isEqualTo("window");
    assertThat(Suggestions.nearest(names, "max_key", 2)).isEqualTo("max_keys");
    assertThat(Suggestions.nearest(names, "priority", 2)).isNull();
    assertThat(Suggestions.nearest(names, "rulez", 0)).isNull();
    assertThat(Suggestions.nearest(names, "rules", 0)).isEqualTo("rules");
  }
}
