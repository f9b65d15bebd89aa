package io.stsbroker.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Someone who clones the repository has everything it refers to: no tracked file points at a path
 * on the machine it was written on, and every Markdown document it names exists in it.
 */
class RepositoryStandsAloneTest {

    // The patterns and samples below are spelt (character classes, concatenation) so that a plain
    // grep of the repository for such paths finds real references only, not this test.

    /** Paths of the machine the project was written on, or of its shared notes next to the repository. */
    static final Pattern OUTSIDE = Pattern.compile("/w[o]rk/|(?<![\\w.])\\.\\./sh[a]red\\b|/sh[a]red/[A-Z]+\\.md");
    /** A reference to a Markdown document: a path ending in .md, not part of a longer name or a variable. */
    static final Pattern MARKDOWN = Pattern.compile("(?<![\\w./${}-])((?:[\\w.-]+/)*[A-Za-z][\\w-]*\\.md)(?![\\w])");
    /** Markdown names that are test data, not references: file and name. */
    static final List<String> SAMPLES = List.of("src/test/java/io/stsbroker/deploy/DockerfileTest.java docs/sub/x.md");
    /** This file: its samples are the checks' teeth, not references. */
    static final String SELF = "src/test/java/io/stsbroker/deploy/RepositoryStandsAloneTest.java";

    @Test
    void noTrackedFileRefersToAPathOutsideTheRepository() {
        List<String> found = new ArrayList<>();
        for (String file : trackedTextFiles()) {
            String[] lines = read(file).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = OUTSIDE.matcher(lines[i]);
                while (m.find()) {
                    found.add(file + ":" + (i + 1) + ": " + m.group());
                }
            }
        }
        assertThat(found).as("references to files outside the repository").isEmpty();
    }

    @Test
    void everyMarkdownDocumentATrackedFileNamesExistsInTheRepository() {
        List<String> missing = new ArrayList<>();
        for (String file : trackedTextFiles()) {
            if (file.equals(SELF)) {
                continue;
            }
            Path dir = RepoFiles.path(file).getParent();
            String[] lines = read(file).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = MARKDOWN.matcher(lines[i]);
                while (m.find()) {
                    String ref = m.group(1);
                    if (SAMPLES.contains(file + " " + ref)) {
                        continue;
                    }
                    boolean exists = Files.isRegularFile(RepoFiles.path(ref)) || Files.isRegularFile(dir.resolve(ref));
                    Path resolved = dir.resolve(ref).normalize();
                    if (!exists || (!Files.isRegularFile(RepoFiles.path(ref)) && !resolved.startsWith(RepoFiles.root()))) {
                        missing.add(file + ":" + (i + 1) + ": " + ref);
                    }
                }
            }
        }
        assertThat(missing).as("Markdown documents named but not in the repository").isEmpty();
    }

    @Test
    void theChecksHaveTeeth() {
        String protocols = "PROTO" + "COLS.md";
        assertThat(OUTSIDE.matcher("read /wo" + "rk/sha" + "red/" + protocols).find()).isTrue();
        assertThat(OUTSIDE.matcher("see ../sha" + "red/TOOL" + "CHAIN.md").find()).isTrue();
        assertThat(OUTSIDE.matcher("resources: ../../base").find()).isFalse();
        Matcher bare = MARKDOWN.matcher("wire facts (" + protocols + " section 6)");
        assertThat(bare.find()).isTrue();
        assertThat(bare.group(1)).isEqualTo(protocols);
        assertThat(Files.isRegularFile(RepoFiles.path(bare.group(1)))).as("a bare name is not the file in docs/").isFalse();
        Matcher inRepo = MARKDOWN.matcher("(docs/" + protocols + " section 6)");
        assertThat(inRepo.find()).isTrue();
        assertThat(Files.isRegularFile(RepoFiles.path(inRepo.group(1)))).isTrue();
        assertThat(MARKDOWN.matcher("Verifier.md5Hex(body)").find()).isFalse();
        assertThat(MARKDOWN.matcher("\"$WORK/notes.md\"").find()).isFalse();
    }

    /** The files git tracks (a clone holds exactly these), minus binary ones. */
    private static List<String> trackedTextFiles() {
        try {
            Process p = new ProcessBuilder("git", "ls-files", "-z").directory(RepoFiles.root().toFile())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
            List<String> files = new ArrayList<>(Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\0")));
            files.removeIf(f -> f.isEmpty() || !Files.isRegularFile(RepoFiles.path(f)) || binary(f));
            assertThat(files).contains("README.md", "pom.xml", "docs/PROTO" + "COLS.md");
            return files;
        } catch (IOException e) {
            throw new AssertionError("cannot run git ls-files: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean binary(String file) {
        try {
            Files.readString(RepoFiles.path(file), StandardCharsets.UTF_8);
            return false;
        } catch (MalformedInputException e) {
            return true;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static String read(String file) {
        return RepoFiles.read(file);
    }
}
