package dev.modaweave.app.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of every README compiles against the current API, following the rules in
 * {@link ReadmeSnippets}; the README's tool is the one {@code tools/README.md} shows.
 */
class ReadmeCodeTest {

    @Test
    void every_java_block_of_every_readme_compiles() {
        List<Path> readmes = ReadmeSnippets.readmes();
        List<String> failures = new ArrayList<>();
        int blocks = 0;
        for (Path readme : readmes) {
            if (ReadmeSnippets.blocks(readme).isEmpty()) {
                continue;
            }
            blocks += ReadmeSnippets.blocks(readme).size();
            try {
                ReadmeSnippets.compile(readme);
            } catch (IllegalStateException e) {
                failures.add(e.getMessage());
            }
        }
        assertThat(readmes).as("the READMEs found").contains(ReadmeSnippets.root().resolve("README.md"),
                ReadmeSnippets.root().resolve("tools/README.md"));
        assertThat(blocks).as("java blocks found").isGreaterThanOrEqualTo(4);
        assertThat(failures).as("READMEs whose code does not compile").isEmpty();
    }

    @Test
    void the_readme_shows_one_version_of_the_tool_the_same_as_tools_readme() {
        Path root = ReadmeSnippets.root();
        String main = tool(root.resolve("README.md"));
        String tools = tool(root.resolve("tools/README.md"));

        assertThat(main).isEqualTo(tools);
    }

    @Test
    void a_block_that_does_not_compile_is_reported_with_its_readme_and_line() throws Exception {
        Path readme = java.nio.file.Files.createTempFile("README", ".md");
        java.nio.file.Files.writeString(readme, "text\n\n```java\nint x = \"not a number\";\n```\n");
        var blocks = ReadmeSnippets.blocks(readme);

        assertThat(blocks).hasSize(1).first().satisfies(b -> assertThat(b.line()).isEqualTo(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.modaweave.app.plugins.PluginJars.compile(
                ReadmeSnippets.sources(blocks), List.of())).hasMessageContaining("incompatible types");
        java.nio.file.Files.delete(readme);
    }

    private static String tool(Path readme) {
        return ReadmeSnippets.blocks(readme).stream().filter(ReadmeSnippets.Block::isSourceFile)
                .filter(b -> b.className().endsWith(".SolidColourTool")).map(ReadmeSnippets.Block::code).findFirst()
                .orElseThrow(() -> new AssertionError(readme + " shows no SolidColourTool"));
    }
}
