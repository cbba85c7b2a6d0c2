package dev.vigil;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.vigil.common.Suggestions;
import dev.vigil.sensor.LibC;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Package dependency rules of the production code. The rules on the packages the next issues add ({@code audit},
 * the CIS posture audit; {@code respond} with {@code respond.docker}, response actions; {@code web}, the REST API
 * and dashboard) stand before their first class does ({@code allowEmptyShould}); every other package a rule names
 * must hold classes ({@link #everyNamedPackageExists}), so no rule silently checks nothing.
 */
class ArchitectureTest {

  /** The existing packages the rules below name. */
  private static final List<String> NAMED = List.of("dev.vigil.alert", "dev.vigil.app", "dev.vigil.common",
      "dev.vigil.detect", "dev.vigil.engine", "dev.vigil.event", "dev.vigil.pipeline", "dev.vigil.record",
      "dev.vigil.rules", "dev.vigil.rules.field", "dev.vigil.rules.lang", "dev.vigil.sensor",
      "dev.vigil.sensor.cgroup", "dev.vigil.sensor.docker", "dev.vigil.sensor.fanotify", "dev.vigil.sensor.net",
      "dev.vigil.sensor.proc", "dev.vigil.sink", "dev.vigil.sink.delivery", "dev.vigil.sink.file",
      "dev.vigil.sink.opensearch", "dev.vigil.sink.route", "dev.vigil.sink.slack", "dev.vigil.sink.webhook",
      "dev.vigil.store");

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
  void everyNamedPackageExists() {
    for (String p : NAMED) {
      assertThat(vigil.stream().anyMatch(c -> c.getPackageName().equals(p) || c.getPackageName().startsWith(p + ".")))
          .as("package %s holds classes", p).isTrue();
    }
  }

  /** Docker-java stays in the adapters: the Docker sensors, and (planned) the Docker response actions. */
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
  void onlyTheKernelSensorsUseJna() {
    noClasses().that().resideInAPackage("dev.vigil..")
        .and().resideOutsideOfPackages("dev.vigil.sensor", "dev.vigil.sensor.proc", "dev.vigil.sensor.fanotify")
        .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
        .check(vigil);
  }

  /** One libc binding: LibC registers native methods (its own, and on request those of the fanotify calls). */
  @Test
  void onlyLibCRegistersNativeMethods() {
    noClasses().that().doNotHaveFullyQualifiedName(LibC.class.getName())
        .should().callMethod(Native.class, "register", Class.class, NativeLibrary.class)
        .check(vigil);
  }

  @Test
  void kernelSensorsDoNotDependOnEachOther() {
    List<String> kernel = List.of("dev.vigil.sensor.proc..", "dev.vigil.sensor.cgroup..",
        "dev.vigil.sensor.fanotify..", "dev.vigil.sensor.net..");
    for (String p : kernel) {
      noClasses().that().resideInAPackage(p)
          .should().dependOnClassesThat().resideInAnyPackage(kernel.stream().filter(q -> !q.equals(p))
              .toArray(String[]::new))
          .check(vigil);
    }
  }

  @Test
  void alertRouteKnowsNoDeliveryOrDestination() {
    noClasses().that().resideInAPackage("dev.vigil.sink.route..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sink.delivery..", "dev.vigil.sink.slack..",
            "dev.vigil.sink.webhook..", "dev.vigil.sink.opensearch..", "dev.vigil.sink.file..")
        .check(vigil);
  }

  @Test
  void deliveryKnowsNoDestinationAndDestinationsKnowNoOtherSink() {
    noClasses().that().resideInAPackage("dev.vigil.sink.delivery..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sink.route..", "dev.vigil.sink.slack..",
            "dev.vigil.sink.webhook..", "dev.vigil.sink.opensearch..", "dev.vigil.sink.file..")
        .check(vigil);
    List<String> leaves = List.of("dev.vigil.sink.slack..", "dev.vigil.sink.webhook..", "dev.vigil.sink.opensearch..",
        "dev.vigil.sink.file..");
    for (String p : leaves) {
      List<String> others = new ArrayList<>(leaves);
      others.remove(p);
      others.add("dev.vigil.sink.route..");
      noClasses().that().resideInAPackage(p)
          .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
          .check(vigil);
    }
  }

  /** The posture audit reads what it is given (container records) and reports alerts; it drives nothing. */
  @Test
  void auditUsesOnlyEventsAlertsAndCommon() {
    onlyVigilPackages("dev.vigil.audit..", "dev.vigil.audit..", "dev.vigil.event..", "dev.vigil.alert..",
        "dev.vigil.common..").check(vigil);
  }

  /** Response actions act on alerts; the Docker calls live in respond.docker (see the docker-java rule). */
  @Test
  void responseActionsUseOnlyEventsAlertsAndCommon() {
    onlyVigilPackages("dev.vigil.respond..", "dev.vigil.respond..", "dev.vigil.event..", "dev.vigil.alert..",
        "dev.vigil.common..").check(vigil);
  }

  /** The REST API and dashboard read alerts and the store; they know no sensor, pipeline or engine. */
  @Test
  void webUsesOnlyAlertsStoreAndCommon() {
    onlyVigilPackages("dev.vigil.web..", "dev.vigil.web..", "dev.vigil.alert..", "dev.vigil.store..",
        "dev.vigil.common..").check(vigil);
  }

  @Test
  void onlyAppDependsOnAuditResponseOrWeb() {
    for (String p : List.of("dev.vigil.audit..", "dev.vigil.respond..", "dev.vigil.web..")) {
      noClasses().that().resideInAPackage("dev.vigil..").and().resideOutsideOfPackages(p, "dev.vigil.app..")
          .should().dependOnClassesThat().resideInAPackage(p)
          .check(vigil);
    }
  }

  /** Classes in {@code pkg} may use any library but, of Vigil, only {@code allowed}; holds while pkg is empty. */
  private static ArchRule onlyVigilPackages(String pkg, String... allowed) {
    return classes().that().resideInAPackage(pkg)
        .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.vigil..").or(resideInAnyPackage(allowed)))
        .allowEmptyShould(true);
  }

  @Test
  void rulesDoNotDependOnSensorsPipelineEngineSinksRecordOrApp() {
    noClasses().that().resideInAPackage("dev.vigil.rules..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.sensor..", "dev.vigil.pipeline..",
            "dev.vigil.engine..", "dev.vigil.sink..", "dev.vigil.record..", "dev.vigil.app..")
        .check(vigil);
  }
}
