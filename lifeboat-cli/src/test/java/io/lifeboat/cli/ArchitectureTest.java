package io.lifeboat.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule of DESIGN.md: dependencies point inward. Adapters depend on core (and the
 * repository where they must), never on each other; the engine never sees a concrete adapter;
 * only the CLI wires everything together.
 */
class ArchitectureTest {
    private static final String HOW_TO_FIX = "; fix: depend on an interface in io.lifeboat.core "
            + "(Storage, Source, RestoreTarget…) and wire the concrete adapter in io.lifeboat.cli";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lifeboat");
        // A rule over an empty class set passes vacuously: make sure every module was imported.
        for (String c : new String[] {"io.lifeboat.core.storage.Storage", "io.lifeboat.repository.Repository",
                "io.lifeboat.storage.local.LocalStorage", "io.lifeboat.storage.s3.S3Storage", "io.lifeboat.source.files.FilesSource",
                "io.lifeboat.source.postgres.PostgresLogicalSource", "io.lifeboat.source.qdrant.QdrantSource",
                "io.lifeboat.engine.backup.Backup", "io.lifeboat.cli.Main",
                "io.lifeboat.qdrant.standin.QdrantStandIn"}) {
            org.assertj.core.api.Assertions.assertThat(classes.contain(c)).as("imported " + c).isTrue();
        }
    }

    @Test
    void coreDependsOnTheJdkOnly() {
        noClasses().that().resideInAPackage("io.lifeboat.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.lifeboat.core..", "java..", "javax..")
                .because("core holds the domain and the contracts and must stay free of libraries" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void repositoryKnowsNoAdapterEngineOrCli() {
        noClasses().that().resideInAPackage("io.lifeboat.repository..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.storage..", "io.lifeboat.source..",
                        "io.lifeboat.engine..", "io.lifeboat.cli..")
                .because("the repository talks to storage only through the Storage interface" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void adaptersNeverDependOnEachOther() {
        noClasses().that().resideInAPackage("io.lifeboat.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.source..", "io.lifeboat.engine..",
                        "io.lifeboat.cli..", "io.lifeboat.repository..")
                .because("storage adapters implement io.lifeboat.core.storage.Storage and nothing else" + HOW_TO_FIX)
                .check(classes);
        noClasses().that().resideInAPackage("io.lifeboat.source..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.storage..", "io.lifeboat.engine..",
                        "io.lifeboat.cli..")
                .because("sources write through BackupSink and read through RestoreReader" + HOW_TO_FIX)
                .check(classes);
        noClasses().that().resideInAPackage("io.lifeboat.source.files..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.source.postgres..", "io.lifeboat.source.qdrant..")
                .because("one source never uses another" + HOW_TO_FIX)
                .check(classes);
        noClasses().that().resideInAPackage("io.lifeboat.source.postgres..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.source.files..",
                        "io.lifeboat.source.qdrant..", "io.lifeboat.repository..")
                .because("the PostgreSQL source writes through BackupSink and reads through RestoreReader; "
                        + "one source never uses another" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void qdrantSourceDependsOnCoreOnly() {
        noClasses().that().resideInAPackage("io.lifeboat.source.qdrant..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.source.files..",
                        "io.lifeboat.source.postgres..", "io.lifeboat.repository..", "io.lifeboat.storage..",
                        "io.lifeboat.engine..", "io.lifeboat.cli..", "io.lifeboat.testkit..")
                .because("the Qdrant source writes through BackupSink and reads through RestoreReader; "
                        + "one source never uses another" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void storageAdaptersNeverDependOnEachOther() {
        noClasses().that().resideInAPackage("io.lifeboat.storage.local..")
                .should().dependOnClassesThat().resideInAPackage("io.lifeboat.storage.s3..")
                .because("each storage adapter stands alone; share code through io.lifeboat.core.storage" + HOW_TO_FIX)
                .check(classes);
        noClasses().that().resideInAPackage("io.lifeboat.storage.s3..")
                .should().dependOnClassesThat().resideInAPackage("io.lifeboat.storage.local..")
                .because("each storage adapter stands alone; share code through io.lifeboat.core.storage" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void onlyTheS3AdapterSeesTheAwsSdk() {
        noClasses().that().resideInAPackage("io.lifeboat..")
                .and().resideOutsideOfPackages("io.lifeboat.storage.s3..", "io.lifeboat.testkit..")
                .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..")
                .because("the AWS SDK is an implementation detail of lifeboat-storage-s3; elsewhere use "
                        + "io.lifeboat.core.storage.Storage (and RequestCounts for request figures)" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void onlyTheDemoUsesTheQdrantStandIn() {
        noClasses().that().resideInAPackage("io.lifeboat..")
                .and().resideOutsideOfPackages("io.lifeboat.qdrant.standin..", "io.lifeboat.testkit..")
                .and().doNotHaveFullyQualifiedName(DemoCommand.class.getName())
                .should().dependOnClassesThat().resideInAPackage("io.lifeboat.qdrant.standin..")
                .because("the stand-in is a fake Qdrant for tests and the demo; Lifeboat talks to Qdrant over "
                        + "HTTP in lifeboat-source-qdrant" + HOW_TO_FIX)
                .check(classes);
        noClasses().that().resideInAPackage("io.lifeboat.qdrant.standin..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.lifeboat.qdrant.standin..", "java..",
                        "javax..", "com.sun.net.httpserver..", "com.fasterxml.jackson..", "org.apache.commons.compress..")
                .because("the stand-in is self-contained: it shares no code with what it stands in for" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void engineSeesNoConcreteAdapter() {
        noClasses().that().resideInAPackage("io.lifeboat.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lifeboat.storage..", "io.lifeboat.source..",
                        "io.lifeboat.cli..")
                .because("use cases depend on core contracts and the repository only" + HOW_TO_FIX)
                .check(classes);
    }

    @Test
    void useCasesDoNotDependOnEachOther() {
        for (String uc : new String[] {"backup", "restore", "check", "listing", "copy"}) {
            noClasses().that().resideInAPackage("io.lifeboat.engine." + uc + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(otherUseCases(uc))
                    .because("each use case package is one job; share code through the repository or core")
                    .check(classes);
        }
    }

    private static String[] otherUseCases(String uc) {
        return java.util.stream.Stream.of("backup", "restore", "check", "listing", "copy")
                .filter(u -> !u.equals(uc))
                .map(u -> "io.lifeboat.engine." + u + "..")
                .toArray(String[]::new);
    }
}
