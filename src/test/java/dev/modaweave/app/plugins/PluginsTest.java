package dev.modaweave.app.plugins;

import dev.modaweave.app.CliRunner;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Plugin jars built here with {@code javax.tools}, the way a tool author's build makes them, reach
 * {@code tools list} and {@code run} through {@code --plugins}; each plugin has its own class loader,
 * and unusable jars stop the command naming the jar and the class.
 */
class PluginsTest {

    @TempDir
    Path dir;

    static CliRunner.Result cli(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void tools_list_shows_a_plugin_tool_with_its_jar_as_origin() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = PluginSources.toolJar(plugins.resolve("plugin-colour.jar"), "plugin-colour");

        CliRunner.Result table = cli("tools", "list", "--plugins", plugins.toString());
        CliRunner.Result json = cli("tools", "list", "--json", "--plugins", plugins.toString());

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("ORIGIN").containsPattern("plugin-colour\\s+text-to-image\\s+text -> image\\s+yes\\s+\\d+\\s+"
                + java.util.regex.Pattern.quote(jar.toRealPath().toString()));
        var listed = Json.parse(json.out());
        String jarPath = jar.toRealPath().toString();
        var plugin = Stream.of(Json.MAPPER.convertValue(listed, Map[].class)).filter(t -> "plugin-colour".equals(t.get("name"))).findFirst();
        assertThat(plugin).hasValueSatisfying(t -> assertThat(t.get("origin")).isEqualTo(jarPath));
        assertThat(Stream.of(Json.MAPPER.convertValue(listed, Map[].class)).filter(t -> !"plugin-colour".equals(t.get("name"))))
                .as("the application's own tools").isNotEmpty().allSatisfy(t -> assertThat(t.get("origin")).isEqualTo("built in"));
    }

    @Test
    void a_turn_naming_a_plugin_tool_writes_its_media() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginSources.toolJar(plugins.resolve("plugin-colour.jar"), "plugin-colour");
        Path out = dir.resolve("out");

        CliRunner.Result run = cli("run", "Here: <meta>{\"id\":\"c1\",\"tool\":\"plugin-colour\",\"args\":{\"prompt\":\"teal\"}}</meta>",
                "--plugins", plugins.toString(), "--out", out.toString(), "--store", dir.resolve("store").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            // the artifact, beside the answer documents run --out writes
            List<Path> written = files.filter(f -> !f.getFileName().toString().startsWith("answer.")).toList();
            assertThat(written).hasSize(1);
            byte[] png = Files.readAllBytes(written.get(0));
            assertThat(MediaTypes.sniff(png)).hasValue("image/png");
            var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertThat(image.getWidth()).as("the plugin's 8x8 image, not a built-in tool's").isEqualTo(8);
        }
    }

    @Test
    void generate_runs_a_plugin_tool_directly() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginSources.toolJar(plugins.resolve("plugin-colour.jar"), "plugin-colour");

        CliRunner.Result generate = cli("generate", "--tool", "plugin-colour", "--args", "{\"prompt\":\"teal\"}", "--out", dir.resolve("g").toString(),
                "--plugins", plugins.toString());

        assertThat(generate.exitCode()).as(generate.err()).isZero();
        assertThat(Json.parse(generate.out()).path("mimeType").asText()).isEqualTo("image/png");
    }

    @Test
    void two_plugins_carry_different_versions_of_one_library() throws Exception {
        PluginSources.toolJarWithLibrary(dir.resolve("a"), "colour-a", "version one");
        PluginSources.toolJarWithLibrary(dir.resolve("b"), "colour-b", "version two");

        try (Plugins plugins = Plugins.open(List.of(dir.resolve("a"), dir.resolve("b")), getClass().getClassLoader())) {
            List<SourcedTool> tools = plugins.tools();

            assertThat(tools).extracting(t -> t.name() + ": " + t.tool().descriptor().description()).containsExactly(
                    "colour-a: Preview from a plugin: version one", "colour-b: Preview from a plugin: version two");
            assertThat(tools.get(0).tool().getClass().getClassLoader()).isNotSameAs(tools.get(1).tool().getClass().getClassLoader())
                    .isSameAs(plugins.plugins().get(0).classLoader());
            assertThat(plugins.plugins().get(0).classLoader().getParent()).isSameAs(getClass().getClassLoader());
            Plugins.closeAll(tools);
        }
    }

    @Test
    void a_plugin_missing_a_library_names_the_jar_the_class_and_the_missing_class() throws Exception {
        PluginSources.toolJarWithLibrary(dir.resolve("p"), "colour-lib", "v1");
        Files.delete(dir.resolve("p/lib/greeting.jar"));

        CliRunner.Result list = cli("tools", "list", "--plugins", dir.resolve("p").toString());

        assertThat(list.exitCode()).isNotZero();
        assertThat(list.err()).contains(dir.resolve("p/colour-lib.jar").toRealPath().toString(), PluginSources.TOOL_CLASS,
                "com.example.lib.Greeting", "lib");
    }

    @Test
    void a_jar_that_is_not_a_jar_stops_the_start_naming_it() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");

        CliRunner.Result list = cli("tools", "list", "--plugins", plugins.toString());

        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.err()).contains(plugins.toRealPath().resolve("broken.jar").toString(), "cannot be read as a jar");
    }

    @Test
    void a_provider_the_jar_does_not_hold_is_named() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.builder().source(PluginSources.TOOL_CLASS, PluginSources.colourTool("x", false))
                .service(GeneratorTool.class, "com.example.plugin.Missing").write(plugins.resolve("typo.jar"));

        CliRunner.Result list = cli("tools", "list", "--plugins", plugins.toString());

        assertThat(list.exitCode()).isNotZero();
        assertThat(list.err()).contains("typo.jar", "com.example.plugin.Missing");
    }

    @Test
    void two_tools_of_one_name_stop_the_start_naming_both_classes_and_jars() throws Exception {
        PluginSources.toolJar(dir.resolve("a/first.jar"), "same-name");
        PluginSources.toolJar(dir.resolve("b/second.jar"), "same-name");

        CliRunner.Result list = cli("tools", "list", "--plugins", dir.resolve("a").toString(), "--plugins", dir.resolve("b").toString());

        assertThat(list.exitCode()).isNotZero();
        assertThat(list.err()).contains("two tools are named 'same-name'", PluginSources.TOOL_CLASS,
                dir.resolve("a/first.jar").toRealPath().toString(), dir.resolve("b/second.jar").toRealPath().toString());
    }

    @Test
    void a_plugin_tool_named_like_a_built_in_tool_is_refused() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        String builtIn = dev.modaweave.tools.ToolRegistry.loadServices(getClass().getClassLoader()).get(0).descriptor().name();
        PluginSources.toolJar(plugins.resolve("clash.jar"), builtIn);

        CliRunner.Result list = cli("tools", "list", "--plugins", plugins.toString());

        assertThat(list.exitCode()).isNotZero();
        assertThat(list.err()).contains("two tools are named '" + builtIn + "'", "(built in)", "clash.jar");
    }

    @Test
    void a_plugin_jar_may_provide_a_tool_factory_found_on_its_own_class_loader() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.builder().source(PluginSources.TOOL_CLASS, PluginSources.colourTool("factory-made", false))
                .source("com.example.plugin.ColourFactory", """
                        package com.example.plugin;

                        public final class ColourFactory implements dev.modaweave.tools.GeneratorToolFactory {
                            public String kind() { return "plugin-colour"; }
                            public String description() { return "Colour previews from a plugin."; }
                            public dev.modaweave.tools.GeneratorTool create(dev.modaweave.tools.ToolSettings settings) {
                                return new PluginColourTool();
                            }
                        }
                        """)
                .service(dev.modaweave.tools.GeneratorToolFactory.class, "com.example.plugin.ColourFactory")
                .write(plugins.resolve("factory.jar"));

        try (Plugins opened = Plugins.open(List.of(plugins), getClass().getClassLoader())) {
            var factories = opened.services(dev.modaweave.tools.GeneratorToolFactory.class);

            assertThat(factories).singleElement().satisfies(f -> {
                assertThat(f.service().kind()).isEqualTo("plugin-colour");
                assertThat(f.plugin().jar()).isEqualTo(plugins.toRealPath().resolve("factory.jar"));
                assertThat(f.service().getClass().getClassLoader()).isSameAs(f.plugin().classLoader());
            });
            assertThat(opened.tools()).as("a factory-only jar adds no tool by itself").isEmpty();
        }
    }

    @Test
    void a_jar_without_a_services_file_is_refused() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.builder().source("com.example.lib.Greeting", PluginSources.library("x")).write(plugins.resolve("library.jar"));

        assertThatThrownBy(() -> Plugins.open(List.of(plugins), getClass().getClassLoader()))
                .isInstanceOf(PluginException.class).hasMessageContaining("library.jar provides no tool")
                .hasMessageContaining("META-INF/services/dev.modaweave.tools.GeneratorTool");
    }

    @Test
    void directories_come_from_flags_the_environment_the_configuration_and_the_defaults_in_that_order() throws Exception {
        Path flag = Files.createDirectories(dir.resolve("flag"));
        Path env1 = Files.createDirectories(dir.resolve("env1"));
        Path env2 = Files.createDirectories(dir.resolve("env2"));
        Path configDir = Files.createDirectories(dir.resolve("conf"));
        Path configured = Files.createDirectories(configDir.resolve("configured"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path local = Files.createDirectories(work.resolve("plugins"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path user = Files.createDirectories(home.resolve(".modaweave/plugins"));
        Files.writeString(configDir.resolve("modaweave.yaml"), "tools:\n  plugins: [configured]\n");
        var loaded = ConfigLoader.load(configDir.resolve("modaweave.yaml"), Map.of());

        List<Path> found = Plugins.directories(List.of(flag), Map.of(Plugins.ENV, env1 + File.pathSeparator + " " + File.pathSeparator + env2
                + File.pathSeparator + flag), loaded, work, home);

        assertThat(found).containsExactly(flag.toRealPath(), env1.toRealPath(), env2.toRealPath(), configured.toRealPath(),
                local.toRealPath(), user.toRealPath());
        assertThat(Plugins.directories(List.of(), Map.of(), null, dir.resolve("nowhere"), dir.resolve("nobody"))).isEmpty();
    }

    @Test
    void a_named_directory_that_does_not_exist_is_refused_with_where_it_was_named() {
        assertThatThrownBy(() -> Plugins.directories(List.of(), Map.of(Plugins.ENV, dir.resolve("missing").toString()), null, dir, null))
                .isInstanceOf(PluginException.class).hasMessageContaining("MODAWEAVE_PLUGINS entry")
                .hasMessageContaining("does not exist");
        CliRunner.Result list = cli("tools", "list", "--plugins", dir.resolve("missing").toString());
        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.err()).contains("--plugins " + dir.resolve("missing"), "is not a directory");
    }
}
