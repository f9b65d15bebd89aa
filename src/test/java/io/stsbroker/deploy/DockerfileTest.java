package io.stsbroker.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The images' rules, read from the Dockerfiles (no Docker engine here), and the COPY sources
 * against what the build really produces and what .dockerignore lets through.
 */
class DockerfileTest {

    /** What Quarkus' fast-jar packaging writes to target/quarkus-app, and what the image takes of it. */
    static final List<String> FAST_JAR_SOURCES = List.of(
            "target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/", "target/quarkus-app/quarkus/");
    static final String SIDECAR_JAR = "client/target/sts-broker-client-sidecar.jar";
    private static final Pattern IMAGE = Pattern.compile(
            "(?<repo>[a-z0-9./_-]+)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]*))?(?:@(?<digest>sha256:[0-9a-f]{64}))?");

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.sidecar"})
    void baseIsAJre17OrLaterImagePinnedByDigest(String file) {
        Dockerfiles d = Dockerfiles.read(file);
        assertThat(d.all("FROM")).as("single stage").hasSize(1);
        Matcher m = IMAGE.matcher(d.baseImage());

        assertThat(m.matches()).as(d.baseImage()).isTrue();
        // A tag can be moved to another image; the release step replaces the placeholder digest.
        assertThat(m.group("digest")).as("%s is pinned by digest", d.baseImage()).isNotNull();
        if (m.group("tag") != null) {
            assertThat(m.group("tag")).isNotEqualTo("latest");
            Matcher java = Pattern.compile("^(\\d+)").matcher(m.group("tag"));
            assertThat(java.find()).as("tag %s starts with the Java version", m.group("tag")).isTrue();
            assertThat(Integer.parseInt(java.group(1))).isGreaterThanOrEqualTo(17);
        }
        assertThat(d.baseImage()).as("a runtime-only image, no JDK or build tools").containsAnyOf("-jre", "runtime");
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.sidecar"})
    void runsAsANumericNonRootUser(String file) {
        Dockerfiles d = Dockerfiles.read(file);

        assertThat(d.uid()).isNotZero().isGreaterThanOrEqualTo(10000);
        assertThat(d.last("USER").orElseThrow().args()).matches("\\d+(:\\d+)?");
        int userLine = d.last("USER").orElseThrow().line();
        assertThat(d.all("RUN")).as("nothing runs as root after USER").allSatisfy(r -> assertThat(r.line()).isLessThan(userLine));
    }

    @Test
    void brokerJavaOptionsFollowTheContainerLimitsFailFastAndWriteOnlyToTmp() {
        String opts = Dockerfiles.broker().javaOpts();

        assertThat(opts).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp");
        assertThat(opts).as("a fixed heap would ignore the container limit").doesNotContain("-Xmx", "-Xms");
    }

    /**
     * The sidecar is sized by measurement (docs/BENCHMARKS.md, "Sidecar"), not by its limit: the
     * image runs exactly the options bench/sidecar.sh measured, plus the archive its build writes.
     */
    @Test
    void sidecarJavaOptionsAreTheMeasuredOnesFailFastWriteOnlyToTmpAndUseTheArchiveItsBuildWrites() throws Exception {
        Dockerfiles d = Dockerfiles.sidecar();
        String opts = d.javaOpts();
        Matcher measured = Pattern.compile("(?m)^IMAGE_OPTS=\"([^\"]+)\"").matcher(
                Files.readString(RepoFiles.path("bench/sidecar.sh")));

        assertThat(measured.find()).as("bench/sidecar.sh names the options it measures").isTrue();
        assertThat(opts).startsWith(measured.group(1) + " ")
                .contains("-XX:+UseSerialGC", "-Xmx", "-Xss", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
                .endsWith(" -XX:SharedArchiveFile=/app/sidecar.jsa");
        assertThat(d.all("RUN")).as("the build writes and checks the archive")
                .anySatisfy(r -> assertThat(r.args()).contains("-XX:ArchiveClassesAtExit=/app/sidecar.jsa", "-Xshare:on"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.sidecar"})
    void filesAreRootOwnedSoTheProcessCannotChangeThem(String file) {
        Dockerfiles d = Dockerfiles.read(file);

        assertThat(d.copies()).isNotEmpty().allSatisfy(c -> assertThat(c.flags()).containsEntry("chown", "0:0"));
        assertThat(d.all("ADD")).as("COPY only: ADD fetches URLs and unpacks archives").isEmpty();
        assertThat(d.all("VOLUME")).as("no anonymous volumes; Kubernetes mounts what is writable").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.sidecar"})
    void entrypointExecsJavaWithTheOptionsSoSignalsReachTheJvm(String file) {
        Dockerfiles d = Dockerfiles.read(file);
        List<String> entrypoint = d.entrypoint();
        String jar = d.copies().stream().map(Dockerfiles.Copy::destination).filter(p -> p.endsWith(".jar"))
                .findFirst().orElse(d.workdir() + "/quarkus-run.jar");

        assertThat(entrypoint).hasSizeGreaterThanOrEqualTo(3);
        assertThat(entrypoint.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(entrypoint.get(2)).startsWith("exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar ").contains(jar + " \"$@\"");
    }

    @Test
    void brokerExposesTheApiAndManagementPortsAndRunsTheProdProfile() {
        Dockerfiles d = Dockerfiles.broker();

        assertThat(d.exposedPorts()).containsExactly("8080", "9000");
        assertThat(d.env()).containsEntry("QUARKUS_PROFILE", "prod");
        assertThat(d.workdir()).isEqualTo("/deployments");
    }

    @Test
    void sidecarExposesNothing() {
        assertThat(Dockerfiles.sidecar().exposedPorts()).isEmpty();
    }

    @Test
    void embeddedStsPortIsExposedNowhere() {
        for (Dockerfiles d : List.of(Dockerfiles.broker(), Dockerfiles.sidecar())) {
            assertThat(d.exposedPorts()).as(d.file()).doesNotContain("8090");
        }
    }

    @Test
    void brokerCopiesExactlyTheQuarkusFastJarLayout() {
        Dockerfiles d = Dockerfiles.broker();
        List<String> sources = d.copies().stream().flatMap(c -> c.sources().stream()).toList();

        assertThat(sources).containsExactlyInAnyOrderElementsOf(FAST_JAR_SOURCES);
        for (Dockerfiles.Copy c : d.copies()) {
            String source = c.sources().get(0);
            String expected = source.endsWith("*.jar") ? "/deployments/"
                    : "/deployments/" + source.substring("target/quarkus-app/".length());
            assertThat(c.destination()).as(source).isEqualTo(expected);
        }
    }

    @Test
    void sidecarCopiesTheClientSidecarJar() {
        Dockerfiles d = Dockerfiles.sidecar();

        assertThat(d.copies()).singleElement().satisfies(c -> {
            assertThat(c.sources()).containsExactly(SIDECAR_JAR);
            assertThat(c.destination()).isEqualTo("/app/sts-broker-client-sidecar.jar");
        });
    }

    /** Checked when the build has run (./mvnw package): otherwise there is nothing to compare with. */
    @Test
    void copySourcesExistInTheBuildOutputWhenThereIsOne() throws IOException {
        Path app = RepoFiles.path("target/quarkus-app");
        if (Files.isDirectory(app)) {
            for (String source : FAST_JAR_SOURCES) {
                assertThat(expand(source)).as("%s matches files in the build output", source).isNotEmpty();
            }
            assertThat(expand("target/quarkus-app/*.jar")).extracting(p -> p.getFileName().toString()).contains("quarkus-run.jar");
            // A new top-level entry means the layout changed and the image may be missing it.
            // app-cds.jsa appears only when a build asks for AppCDS (bench/run.sh does); the image
            // build does not, so it is not copied.
            try (Stream<Path> entries = Files.list(app)) {
                Set<String> names = entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
                assertThat(names).allSatisfy(n -> assertThat(n).isIn("lib", "app", "quarkus", "quarkus-run.jar",
                        "quarkus-app-dependencies.txt", "app-cds.jsa"));
            }
        }
        Path sidecar = RepoFiles.path(SIDECAR_JAR);
        if (Files.isDirectory(sidecar.getParent())) {
            assertThat(sidecar).as("client build output").isRegularFile();
        }
    }

    @Test
    void dockerignoreLetsThroughWhatTheImagesCopyAndNothingElse() {
        DockerIgnore ignore = new DockerIgnore(RepoFiles.read(".dockerignore"));

        for (String kept : List.of("target/quarkus-app/quarkus-run.jar", "target/quarkus-app/lib/main/io.vertx.vertx-core-4.5.27.jar",
                "target/quarkus-app/lib/boot/io.quarkus.quarkus-bootstrap-runner-3.33.2.jar",
                "target/quarkus-app/app/sts-broker-0.1.0-SNAPSHOT.jar", "target/quarkus-app/quarkus/quarkus-application.dat",
                SIDECAR_JAR)) {
            assertThat(ignore.excludes(kept)).as("%s reaches the build context", kept).isFalse();
        }
        for (String left : List.of(".git/config", "src/main/resources/application.yml", "pom.xml", ".env",
                "target/classes/application.yml", "target/sts-broker-0.1.0-SNAPSHOT.jar", "client/src/Main.java",
                "client/target/classes/x.class", "k8s/overlays/prod/config/api-keys.properties", "docker/Dockerfile",
                ".ci/.tools/bin/kubectl", "node_modules/x/package.json")) {
            assertThat(ignore.excludes(left)).as("%s stays out of the build context", left).isTrue();
        }
    }

    @Test
    void dockerignoreMatcherFollowsBuildKitRules() {
        DockerIgnore ignore = new DockerIgnore("""
                *
                !target/quarkus-app
                **/*.tmp
                !docs/*.md
                """);

        assertThat(ignore.excludes("README.md")).isTrue();
        assertThat(ignore.excludes("target/quarkus-app/lib/main/a.jar")).isFalse();
        assertThat(ignore.excludes("target/quarkus-app/lib/x.tmp")).isTrue();
        assertThat(ignore.excludes("docs/DEPLOYING.md")).isFalse();
        assertThat(ignore.excludes("docs/sub/x.md")).isTrue();
    }

    @Test
    void parserJoinsContinuationsSkipsCommentsAndReadsQuotedEnvValues() {
        List<Dockerfiles.Instruction> parsed = Dockerfiles.parse("""
                # comment
                FROM a:1
                ENV A=1 \\
                    # a comment inside a continuation

                    B="x y" \\
                    C='z'
                USER 10001:10001
                """);

        assertThat(parsed).extracting(Dockerfiles.Instruction::keyword).containsExactly("FROM", "ENV", "USER");
        assertThat(Dockerfiles.keyValues(parsed.get(1).args())).containsEntry("A", "1").containsEntry("B", "x y").containsEntry("C", "z");
        assertThatThrownBy(() -> Dockerfiles.parse("RUN a \\\n\n")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Path> expand(String source) throws IOException {
        Path path = RepoFiles.path(source.endsWith("/") ? source.substring(0, source.length() - 1) : source);
        List<Path> out = new ArrayList<>();
        if (path.getFileName().toString().contains("*")) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(path.getParent(), path.getFileName().toString())) {
                s.forEach(out::add);
            }
        } else if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).forEach(out::add);
            }
        } else if (Files.exists(path)) {
            out.add(path);
        }
        return out;
    }
}
