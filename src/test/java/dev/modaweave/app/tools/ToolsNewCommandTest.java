package dev.modaweave.app.tools;

import dev.modaweave.app.Main;
import dev.modaweave.app.plugins.PluginJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tools new} writes a project whose files compile against the current API (with
 * {@code javax.tools}) and whose jar, built from them, is a plugin the application lists and runs.
 * The project's own Maven build needs Modaweave's artifacts installed, so it is not run here; its
 * contract test is, through {@code StarterToolContractTest}.
 */
class ToolsNewCommandTest {

    @TempDir
    Path dir;

    record Cli(int exitCode, String out, String err) {
    }

    static Cli cli(String... args) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Cli(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void tools_new_writes_the_pom_the_tool_its_services_file_the_contract_test_and_a_readme() throws Exception {
        Path project = dir.resolve("solid-colour");

        Cli result = cli("tools", "new", "solid-colour", "--task", "text-to-image", "--package", "org.example.colours",
                "--dir", project.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        String version = StarterProject.applicationVersion();
        assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(Files.readString(project.resolve("pom.xml"))).contains("<modaweave.version>" + version + "</modaweave.version>",
                "<artifactId>modaweave-bom</artifactId>", "<artifactId>modaweave-tools-testkit</artifactId>", "<scope>provided</scope>");
        assertThat(Files.readString(project.resolve("src/main/resources/META-INF/services/dev.modaweave.tools.GeneratorTool")))
                .isEqualTo("org.example.colours.SolidColourTool\n");
        assertThat(project.resolve("src/main/java/org/example/colours/SolidColourTool.java")).exists();
        assertThat(project.resolve("src/test/java/org/example/colours/SolidColourToolTest.java")).exists();
        assertThat(Files.readString(project.resolve("README.md"))).contains("mvn -o verify", "tools list --plugins target/",
                "\"tool\":\"solid-colour\"", "mvn -B install -DskipTests");
        assertThat(result.out()).contains("mvn -o verify");
    }

    @Test
    void every_task_a_starter_is_made_for_compiles_against_the_current_api() {
        for (String task : StarterProject.TASKS) {
            Map<String, byte[]> classes = StarterAccess.compile("my-" + task, task);

            assertThat(classes).as(task).containsKeys(StarterAccess.PACKAGE + "." + new StarterProject("my-" + task, task,
                    StarterAccess.PACKAGE, "0").className());
        }
    }

    @Test
    void the_starters_jar_is_a_plugin_that_a_turn_runs() throws Exception {
        Map<String, String> files = StarterAccess.files("tone-maker", "text-to-audio");
        PluginJars jar = PluginJars.builder();
        files.forEach((path, text) -> {
            if (path.startsWith("src/main/java/")) {
                jar.source(path.replaceFirst("^src/main/java/", "").replace(".java", "").replace('/', '.'), text);
            } else if (path.startsWith("src/main/resources/")) {
                jar.resource(path.replaceFirst("^src/main/resources/", ""), text);
            }
        });
        Path plugins = Files.createDirectories(dir.resolve("target"));
        jar.write(plugins.resolve("tone-maker-0.1.0.jar"));

        Cli list = cli("tools", "list", "--plugins", plugins.toString());
        Cli run = cli("run", "<meta>{\"id\":\"t1\",\"tool\":\"tone-maker\",\"args\":{\"prompt\":\"rain\"}}</meta>",
                "--plugins", plugins.toString(), "--out", dir.resolve("out").toString(), "--store", dir.resolve("store").toString());

        assertThat(list.out()).containsPattern("tone-maker\\s+text-to-audio\\s+text -> audio");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        try (var written = Files.list(dir.resolve("out"))) {
            assertThat(written.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".wav");
        }
    }

    @Test
    void bad_names_tasks_and_packages_and_a_used_directory_are_refused_with_a_reason() throws Exception {
        assertThat(cli("tools", "new", "Solid Colour", "--task", "text-to-image", "--dir", dir.resolve("a").toString()))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("lower-case words"));
        assertThat(cli("tools", "new", "x", "--task", "image-to-text", "--dir", dir.resolve("b").toString()).err())
                .contains("text-to-image, text-to-video, text-to-audio, text-to-speech", "artifactProperty");
        assertThat(cli("tools", "new", "x", "--task", "text-to-image", "--package", "Org.Example", "--dir", dir.resolve("c").toString()).err())
                .contains("not a Java package name");
        Files.createDirectories(dir.resolve("used"));
        Files.writeString(dir.resolve("used/keep.txt"), "mine");
        Cli used = cli("tools", "new", "x", "--task", "text-to-image", "--dir", dir.resolve("used").toString());
        assertThat(used.exitCode()).isEqualTo(2);
        assertThat(used.err()).contains("is not empty");
        assertThat(Files.readString(dir.resolve("used/keep.txt"))).isEqualTo("mine");
    }
}
