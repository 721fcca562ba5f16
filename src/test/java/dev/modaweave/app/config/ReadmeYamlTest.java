package dev.modaweave.app.config;

import dev.modaweave.generators.http.HttpGenerators;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```yaml} block of every README of the project is a configuration the application accepts, whose
 * backend kinds are shipped (or shown as a factory in the same README) and whose HTTP settings exist.
 */
class ReadmeYamlTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Block(Path file, int line, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    static List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(ReadmeYamlTest::isReadme).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).strip().equals("```yaml")) {
                        StringBuilder text = new StringBuilder();
                        int start = i + 1;
                        while (++i < lines.size() && !lines.get(i).strip().equals("```")) {
                            text.append(lines.get(i)).append('\n');
                        }
                        blocks.add(new Block(file, start, text.toString()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }

    private static boolean isReadme(Path p) {
        String path = ROOT.relativize(p).toString().replace('\\', '/');
        return p.getFileName().toString().equalsIgnoreCase("README.md") && !path.contains("/target/") && !path.startsWith("target/")
                && !path.contains("node_modules/") && !path.startsWith(".");
    }

    @Test
    void the_project_has_yaml_examples_to_check() {
        assertThat(blocks()).hasSizeGreaterThanOrEqualTo(8);
    }

    @TestFactory
    Stream<DynamicTest> every_readme_yaml_block_is_accepted_by_the_config_loader() {
        return blocks().stream().map(block -> DynamicTest.dynamicTest(block.toString(), () -> {
            ModaweaveConfig config = ConfigLoader.parse(block.text(), block.toString());
            for (Map<String, Object> entry : config.tools().backends()) {
                String kind = String.valueOf(entry.get("backend"));
                boolean definedInThisReadme = Files.readString(block.file()).contains("kind() { return \"" + kind + "\"; }");
                if (!definedInThisReadme) {
                    assertThat(ToolFactories.load().kinds()).as(block + ": backend kind (shipped, or shown as a factory in the README)")
                            .contains(kind);
                }
                if (HttpGenerators.BACKENDS.contains(kind)) {
                    List<String> keys = new ArrayList<>(entry.keySet());
                    keys.remove(ConfiguredTools.PRIORITY);
                    assertThat(HttpGenerators.settingsOf(kind)).as(block + ": settings of " + kind).containsAll(keys);
                }
            }
        }));
    }
}
