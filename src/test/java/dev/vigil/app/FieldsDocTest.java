package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.field.FieldDef;
import dev.vigil.rules.field.FieldTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/FIELDS.md is generated from the field table; this keeps the two from drifting apart. */
class FieldsDocTest {

  @Test
  void fieldsDoc_isExactlyWhatTheFieldTableGenerates() throws Exception {
    Path doc = Path.of(System.getProperty("vigil.projectDir", "."), "docs", "FIELDS.md");
    assertThat(Files.readString(doc)).as("regenerate with: bin/vigil fields --markdown > docs/FIELDS.md")
        .isEqualTo(FieldsCommand.markdown());
  }

  @Test
  void everyField_hasTypeCapabilityAndAOneLineDescription() {
    assertThat(FieldTable.standard().all()).hasSizeGreaterThan(60);
    for (FieldDef f : FieldTable.standard().all()) {
      assertThat(f.description()).as(f.name()).isNotBlank().doesNotContain("\n");
      assertThat(f.type()).as(f.name()).isNotNull();
      assertThat(f.needs()).as(f.name()).isNotNull();
    }
  }

  @Test
  void issueFields_areAllDeclared() {
    for (String name : new String[] {"evt.type", "evt.time", "proc.name", "proc.exepath", "proc.cmdline", "proc.args",
        "proc.pid", "proc.ppid", "proc.pname", "proc.pcmdline", "proc.aname", "proc.tty", "proc.is_exe_upper_layer",
        "user.uid", "user.name", "container.id", "container.name", "container.image", "container.image.repository",
        "container.image.tag", "container.privileged", "container.mounts", "fd.name", "fd.directory", "fd.filename",
        "fd.sip", "fd.sport", "fd.rip", "fd.rport", "fd.l4proto", "evt.is_open_write", "evt.is_open_read",
        "log.line", "stats.cpu"}) {
      assertThat(FieldTable.standard().find(name)).as(name).isPresent();
    }
  }
}
