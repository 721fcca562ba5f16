package dev.modaweave.app.plugins;

import dev.modaweave.tools.GeneratorTool;

import java.io.IOException;
import java.nio.file.Path;

/** Sources of small plugin tools and libraries for the plugin tests, built into jars with {@link PluginJars}. */
public final class PluginSources {

    /** The class of {@link #colourTool}. */
    public static final String TOOL_CLASS = "com.example.plugin.PluginColourTool";

    /**
     * A text-to-image tool named {@code name} that paints an 8x8 PNG; when {@code withLibrary} its
     * description ends with {@code com.example.lib.Greeting.text()}, read in its constructor.
     */
    public static String colourTool(String name, boolean withLibrary) {
        return """
                package com.example.plugin;

                import com.fasterxml.jackson.databind.node.ObjectNode;
                import dev.modaweave.tools.*;
                import javax.imageio.ImageIO;
                import java.awt.Color;
                import java.awt.image.BufferedImage;
                import java.io.*;
                import java.util.Map;

                public final class PluginColourTool implements GeneratorTool {
                    private static final ObjectNode SCHEMA = (ObjectNode) Json.parse(
                            "{\\"type\\":\\"object\\",\\"required\\":[\\"prompt\\"],\\"additionalProperties\\":false,"
                            + "\\"properties\\":{\\"prompt\\":{\\"type\\":\\"string\\",\\"minLength\\":1}}}");
                    private final String note = NOTE;
                    private final ArgumentsSchema schema = ArgumentsSchema.compile("NAME", SCHEMA);

                    public ToolDescriptor descriptor() {
                        return ToolDescriptor.builder().name("NAME").task(Tasks.TEXT_TO_IMAGE)
                                .inputModalities(Modality.TEXT).outputModality(Modality.IMAGE).argumentsSchema(SCHEMA)
                                .example((ObjectNode) Json.parse("{\\"prompt\\":\\"blue\\"}"))
                                .description("Preview from a plugin: " + note).preview(true).build();
                    }

                    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
                        schema.requireValid(request.arguments());
                        request.cancellation().throwIfCancelled();
                        var image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                        var g = image.createGraphics();
                        g.setColor(new Color(request.text("prompt", "").hashCode() & 0xFFFFFF));
                        g.fillRect(0, 0, 8, 8);
                        g.dispose();
                        var png = new ByteArrayOutputStream();
                        try { ImageIO.write(image, "png", png); } catch (IOException e) { throw new UncheckedIOException(e); }
                        return new GenerationResult(png.toByteArray(), "image/png", Map.of("width", 8, "height", 8));
                    }
                }
                """.replace("NAME", name).replace("NOTE", withLibrary ? "com.example.lib.Greeting.text()" : "\"no library\"");
    }

    /** A library class {@code com.example.lib.Greeting} whose {@code text()} answers {@code text}. */
    public static String library(String text) {
        return """
                package com.example.lib;

                public final class Greeting {
                    public static String text() { return "TEXT"; }
                }
                """.replace("TEXT", text);
    }

    /** Writes {@code jar}: the colour tool named {@code name} with its services file. */
    public static Path toolJar(Path jar, String name) throws IOException {
        return PluginJars.builder().source(TOOL_CLASS, colourTool(name, false))
                .service(GeneratorTool.class, TOOL_CLASS).write(jar);
    }

    /** Writes {@code DIR/lib/greeting.jar} answering {@code text}, and {@code DIR/NAME.jar}, a tool that reads it. */
    public static Path toolJarWithLibrary(Path dir, String name, String text) throws IOException {
        Path library = PluginJars.builder().source("com.example.lib.Greeting", library(text)).write(dir.resolve("lib").resolve("greeting.jar"));
        return PluginJars.builder().source(TOOL_CLASS, colourTool(name, true)).compileAgainst(library)
                .service(GeneratorTool.class, TOOL_CLASS).write(dir.resolve(name + ".jar"));
    }

    private PluginSources() {
    }
}
