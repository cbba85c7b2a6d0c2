package dev.vigil;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.vigil.common.Suggestions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Package dependency rules of the production code. */
class ArchitectureTest {

  private static JavaClasses vigil;

  @BeforeAll
  static void importClasses() {
    vigil = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.vigil");
  }

  @Test
  void importsProductionClassesOnly() {
    assertThat(vigil.contain("dev.vigil.app.Main")).isTrue();
    assertThat(vigil.contain("dev.vigil.sensor.docker.DockerConnection")).isTrue();
    assertThat(vigil.contain(ArchitectureTest.class)).isFalse();
  }

  @Test
  void onlyDockerAdaptersUseDockerJava() {
    noClasses().that().resideInAPackage("dev.vigil..")
        .and().resideOutsideOfPackages("dev.vigil.sensor.docker..", "dev.vigil.respond.docker..")
        .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
        .check(vigil);
  }

  @Test
  void eventModelDependsOnlyOnJavaAndItself() {
    classes().that().resideInAPackage("dev.vigil.event..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.vigil.event..")
        .check(vigil);
  }

  @Test
  void alertDoesNotDependOnSensorsPipelineEngineDetectorsSinksOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.alert..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.pipeline..",
            "dev.vigil.engine..", "dev.vigil.detect..", "dev.vigil.sink..", "dev.vigil.app..")
        .check(vigil);
  }

  @Test
  void detectorsDoNotDependOnSensorsPipelineSinksOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.detect..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.pipeline..",
            "dev.vigil.sink..", "dev.vigil.app..")
        .check(vigil);
  }

  @Test
  void engineDoesNotDependOnSensorsPipelineSinksOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.pipeline..",
            "dev.vigil.sink..", "dev.vigil.app..")
        .check(vigil);
  }

  @Test
  void pipelineDoesNotDependOnSensorsDetectorsEngineSinksAppOrAlerts() {
    noClasses().that().resideInAPackage("dev.vigil.pipeline..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.detect..",
            "dev.vigil.engine..", "dev.vigil.sink..", "dev.vigil.app..", "dev.vigil.alert..")
        .check(vigil);
  }

  @Test
  void sinksDoNotDependOnSensorsDetectorsEnginePipelineOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.sink..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.detect..",
            "dev.vigil.engine..", "dev.vigil.pipeline..", "dev.vigil.app..")
        .check(vigil);
  }

  @Test
  void storeDependsOnlyOnAlertsCommonAndItsLibraries() {
    classes().that().resideInAPackage("dev.vigil.store..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "dev.vigil.store..",
            "dev.vigil.alert..", "dev.vigil.common..", "org.sqlite..", "com.fasterxml.jackson..", "org.slf4j..",
            "io.micrometer..")
        .check(vigil);
  }

  @Test
  void onlyTheStoreUsesSqlite() {
    noClasses().that().resideInAPackage("dev.vigil..").and().resideOutsideOfPackage("dev.vigil.store..")
        .should().dependOnClassesThat().resideInAPackage("org.sqlite..")
        .check(vigil);
  }

  @Test
  void nothingOutsideAppDependsOnApp() {
    noClasses().that().resideInAPackage("dev.vigil..").and().resideOutsideOfPackage("dev.vigil.app..")
        .should().dependOnClassesThat().resideInAPackage("dev.vigil.app..")
        .check(vigil);
  }

  @Test
  void ruleLanguageDependsOnlyOnJavaAndItself() {
    classes().that().resideInAPackage("dev.vigil.rules.lang..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.vigil.rules.lang..")
        .check(vigil);
  }

  @Test
  void fieldTableDependsOnlyOnEventsJavaAndTheSuggestionHelper() {
    classes().that().resideInAPackage("dev.vigil.rules.field..")
        .should().onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.vigil.rules.field..", "dev.vigil.event..")
            .or(name(Suggestions.class.getName())))
        .check(vigil);
  }

  @Test
  void rulesDoNotDependOnSensorsPipelineEngineSinksRecordOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.rules..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.pipeline..",
            "dev.vigil.engine..", "dev.vigil.sink..", "dev.vigil.record..", "dev.vigil.app..")
        .check(vigil);
  }
}
