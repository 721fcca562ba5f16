package dev.modaweave.tools.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemProgramsTest {

    @TempDir
    Path bin;

    @RequiresProgram(value = "frobnicate", debianPackage = "frobnicate-tools")
    @RequiresProgram(value = "chromedriver", debianPackage = "chromium-driver")
    static final class NeedsTwo {
    }

    private Path program(String name) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private List<RequiresProgram> needsOf(Class<?> type) {
        return List.of(type.getAnnotationsByType(RequiresProgram.class));
    }

    @Test
    void a_program_on_the_path_is_found_and_returned() throws IOException {
        Path frob = program("frobnicate");
        assertThat(SystemPrograms.require("frobnicate", "frobnicate-tools", Map.of("PATH", "/nonexistent:" + bin)))
                .isEqualTo(frob);
        assertThat(SystemPrograms.require("frobnicate", "frobnicate-tools", Map.of("PATH", bin.toString(), "CI", "true")))
                .isEqualTo(frob);
    }

    @Test
    void a_file_that_is_not_executable_does_not_count() throws IOException {
        Files.writeString(bin.resolve("frobnicate"), "data");
        assertThat(SystemPrograms.find("frobnicate", Map.of("PATH", bin.toString()))).isEmpty();
        assertThat(SystemPrograms.find("frobnicate", Map.of())).isEmpty();
    }

    @Test
    void a_missing_program_skips_the_test_with_the_package_to_install() {
        assertThatThrownBy(() -> SystemPrograms.require("frobnicate", "frobnicate-tools", Map.of("PATH", bin.toString())))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("frobnicate is not installed")
                .hasMessageContaining("apt-get install -y frobnicate-tools");
    }

    @Test
    void a_missing_program_fails_the_test_when_ci_is_true() {
        assertThatThrownBy(() -> SystemPrograms.require("frobnicate", "frobnicate-tools", Map.of("PATH", bin.toString(), "CI", "true")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install -y frobnicate-tools")
                .hasMessageContaining("CI=true");
        assertThatThrownBy(() -> SystemPrograms.require("frobnicate", "frobnicate-tools", Map.of("PATH", bin.toString(), "CI", "false")))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void the_annotation_disables_a_class_naming_every_missing_package() throws IOException {
        var result = RequiresProgramCondition.evaluate("NeedsTwo", needsOf(NeedsTwo.class), Map.of("PATH", bin.toString()));
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("apt-get install -y frobnicate-tools").contains("apt-get install -y chromium-driver"));

        program("frobnicate");
        var one = RequiresProgramCondition.evaluate("NeedsTwo", needsOf(NeedsTwo.class), Map.of("PATH", bin.toString()));
        assertThat(one.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .doesNotContain("frobnicate-tools").contains("chromium-driver"));

        program("chromedriver");
        assertThat(RequiresProgramCondition.evaluate("NeedsTwo", needsOf(NeedsTwo.class), Map.of("PATH", bin.toString())).isDisabled())
                .isFalse();
    }

    @Test
    void the_annotation_fails_instead_of_skipping_when_ci_is_true() {
        assertThatThrownBy(() -> RequiresProgramCondition.evaluate("NeedsTwo", needsOf(NeedsTwo.class),
                Map.of("PATH", bin.toString(), "CI", "TRUE")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("NeedsTwo")
                .hasMessageContaining("apt-get install -y chromium-driver");
    }
}
