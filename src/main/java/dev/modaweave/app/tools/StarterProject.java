package dev.modaweave.app.tools;

import dev.modaweave.tools.Tasks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The files of a new tool's Maven project, as {@code tools new} writes them: a pom importing
 * {@code modaweave-bom} at this application's version (with {@code modaweave-tools} provided and
 * {@code modaweave-tools-testkit} for tests), a tool class that makes preview media for its task, the
 * services file, a contract test and a README. Paths are relative to the project's directory.
 *
 * @param name        the tool's name
 * @param task        one of {@link #TASKS}
 * @param javaPackage the package of the tool's classes
 * @param version     the Modaweave version the project builds against
 */
record StarterProject(String name, String task, String javaPackage, String version) {

    /** The tasks a starter can be made for (their tools take text and make media). */
    static final List<String> TASKS = List.of(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO, Tasks.TEXT_TO_SPEECH);

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    StarterProject {
        if (name == null || name.length() > 64 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name '" + name + "' must be lower-case words of letters and digits joined by '-',"
                    + " starting with a letter, at most 64 characters (e.g. solid-colour)");
        }
        if (!TASKS.contains(task)) {
            throw new IllegalArgumentException("tools new makes starters for the tasks " + String.join(", ", TASKS) + "; got '" + task
                    + "'. For a task whose tool takes media, start from one of them and declare the input with "
                    + "ArgumentsSchema.artifactProperty (tools/README.md)");
        }
        if (javaPackage == null || !PACKAGE.matcher(javaPackage).matches() || javaPackage.startsWith("java.")) {
            throw new IllegalArgumentException("package '" + javaPackage + "' is not a Java package name such as com.example.tools");
        }
    }

    /** The version of this application, as its build recorded it. */
    static String applicationVersion() {
        try (InputStream in = StarterProject.class.getResourceAsStream("starter/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("this build does not record its version (starter/version.properties); rebuild it with Maven");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tool class's simple name: {@code solid-colour} gives {@code SolidColourTool}. */
    String className() {
        StringBuilder sb = new StringBuilder();
        for (String word : name.split("-")) {
            sb.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return sb + "Tool";
    }

    private String argument() {
        return task.equals(Tasks.TEXT_TO_SPEECH) ? "text" : "prompt";
    }

    private String exampleValue() {
        return switch (task) {
            case Tasks.TEXT_TO_SPEECH -> "hello there";
            case Tasks.TEXT_TO_AUDIO -> "rain on a tin roof";
            case Tasks.TEXT_TO_VIDEO -> "a slow sunrise";
            default -> "a blue square";
        };
    }

    /** Every file, by path relative to the project directory, in writing order. */
    Map<String, String> files() {
        String dir = javaPackage.replace('.', '/');
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", pom());
        files.put("src/main/java/" + dir + "/" + className() + ".java", toolClass());
        files.put("src/main/resources/META-INF/services/dev.modaweave.tools.GeneratorTool", javaPackage + "." + className() + "\n");
        files.put("src/test/java/" + dir + "/" + className() + "Test.java", testClass());
        files.put("README.md", readme());
        files.put(".gitignore", "target/\n");
        return files;
    }

    private String pom() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>@PACKAGE@</groupId>
                  <artifactId>@NAME@</artifactId>
                  <version>0.1.0</version>
                  <name>@NAME@</name>
                  <description>A Modaweave generator tool (@TASK@).</description>

                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <modaweave.version>@VERSION@</modaweave.version>
                  </properties>

                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>dev.modaweave</groupId>
                        <artifactId>modaweave-bom</artifactId>
                        <version>${modaweave.version}</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>

                  <dependencies>
                    <!-- provided: the application that loads the plugin has it -->
                    <dependency>
                      <groupId>dev.modaweave</groupId>
                      <artifactId>modaweave-tools</artifactId>
                      <scope>provided</scope>
                    </dependency>
                    <!-- the contract test every tool passes; brings JUnit 5 and AssertJ -->
                    <dependency>
                      <groupId>dev.modaweave</groupId>
                      <artifactId>modaweave-tools-testkit</artifactId>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>

                  <build>
                    <!-- every plugin of the build pinned, so that it runs offline from the local repository -->
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-clean-plugin</artifactId>
                        <version>3.4.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.4</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-jar-plugin</artifactId>
                        <version>3.4.2</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-install-plugin</artifactId>
                        <version>3.1.4</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.replace("@PACKAGE@", javaPackage).replace("@NAME@", name).replace("@TASK@", task).replace("@VERSION@", version);
    }

    private String toolClass() {
        String output = switch (task) {
            case Tasks.TEXT_TO_VIDEO -> "VIDEO";
            case Tasks.TEXT_TO_AUDIO, Tasks.TEXT_TO_SPEECH -> "AUDIO";
            default -> "IMAGE";
        };
        String imports = switch (output) {
            case "AUDIO" -> """
                    import javax.sound.sampled.AudioFileFormat;
                    import javax.sound.sampled.AudioFormat;
                    import javax.sound.sampled.AudioInputStream;
                    import javax.sound.sampled.AudioSystem;
                    """;
            case "VIDEO" -> """
                    import java.awt.Color;
                    import java.awt.image.BufferedImage;
                    import javax.imageio.IIOImage;
                    import javax.imageio.ImageIO;
                    import javax.imageio.ImageWriter;
                    import javax.imageio.stream.ImageOutputStream;
                    """;
            default -> """
                    import java.awt.Color;
                    import java.awt.image.BufferedImage;
                    import javax.imageio.ImageIO;
                    """;
        };
        String body = switch (output) {
            case "AUDIO" -> """
                            // Replace from here with the real model or service: this makes half a second of a tone.
                            int rate = 16000;
                            int samples = rate / 2;
                            double frequency = 220 + (@ARG@.hashCode() & 0x1FF);
                            byte[] pcm = new byte[samples * 2];
                            for (int i = 0; i < samples; i++) {
                                short s = (short) (Math.sin(2 * Math.PI * frequency * i / rate) * 8000);
                                pcm[2 * i] = (byte) s;
                                pcm[2 * i + 1] = (byte) (s >> 8);
                            }
                            progress.progress(0.5, "synthesised");
                            request.cancellation().throwIfCancelled();
                            var wav = new ByteArrayOutputStream();
                            try {
                                AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(pcm), new AudioFormat(rate, 16, 1, true, false), samples),
                                        AudioFileFormat.Type.WAVE, wav);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return new GenerationResult(wav.toByteArray(), "audio/wav", Map.of("durationMs", 500, "sampleRate", rate));
                    """;
            case "VIDEO" -> """
                            // Replace from here with the real model or service: this makes four frames of shifting colour.
                            int frames = 4;
                            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
                            var gif = new ByteArrayOutputStream();
                            try (ImageOutputStream out = ImageIO.createImageOutputStream(gif)) {
                                writer.setOutput(out);
                                writer.prepareWriteSequence(null);
                                for (int i = 0; i < frames; i++) {
                                    request.cancellation().throwIfCancelled();
                                    var frame = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                                    var g = frame.createGraphics();
                                    g.setColor(new Color((@ARG@.hashCode() + i * 0x203040) & 0xFFFFFF));
                                    g.fillRect(0, 0, 64, 64);
                                    g.dispose();
                                    writer.writeToSequence(new IIOImage(frame, null, null), null);
                                    progress.progress((i + 1.0) / frames, "frame " + (i + 1));
                                }
                                writer.endWriteSequence();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            } finally {
                                writer.dispose();
                            }
                            return new GenerationResult(gif.toByteArray(), "image/gif", Map.of("width", 64, "height", 64, "frames", frames));
                    """;
            default -> """
                            // Replace from here with the real model or service: this paints one colour taken from the prompt.
                            var image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                            var g = image.createGraphics();
                            g.setColor(new Color(@ARG@.hashCode() & 0xFFFFFF));
                            g.fillRect(0, 0, 64, 64);
                            g.dispose();
                            var png = new ByteArrayOutputStream();
                            try {
                                ImageIO.write(image, "png", png);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return new GenerationResult(png.toByteArray(), "image/png", Map.of("width", 64, "height", 64));
                    """;
        };
        return """
                package @PACKAGE@;

                import com.fasterxml.jackson.databind.node.ObjectNode;
                import dev.modaweave.tools.ArgumentsSchema;
                import dev.modaweave.tools.GenerationRequest;
                import dev.modaweave.tools.GenerationResult;
                import dev.modaweave.tools.GeneratorTool;
                import dev.modaweave.tools.Json;
                import dev.modaweave.tools.Modality;
                import dev.modaweave.tools.ProgressListener;
                import dev.modaweave.tools.ToolDescriptor;
                @IMPORTS@
                import java.io.ByteArrayInputStream;
                import java.io.ByteArrayOutputStream;
                import java.io.IOException;
                import java.io.UncheckedIOException;
                import java.util.Map;

                /**
                 * {@code @NAME@}: a @TASK@ tool. It makes preview media so that the project builds, passes the contract
                 * test and runs in Modaweave at once; replace the marked part of {@link #generate} with the real work.
                 */
                public final class @CLASS@ implements GeneratorTool {

                    static final ObjectNode SCHEMA = (ObjectNode) Json.parse(\"""
                            {"type":"object","required":["@ARG@"],"additionalProperties":false,
                             "properties":{"@ARG@":{"type":"string","minLength":1,"maxLength":2000}}}\""");

                    private final ArgumentsSchema schema = ArgumentsSchema.compile("@NAME@", SCHEMA);
                    private final ToolDescriptor descriptor = ToolDescriptor.builder()
                            .name("@NAME@").task("@TASK@")
                            .inputModalities(Modality.TEXT).outputModality(Modality.@OUTPUT@)
                            .argumentsSchema(SCHEMA).example((ObjectNode) Json.parse("{\\"@ARG@\\":\\"@EXAMPLE@\\"}"))
                            .description("Preview: @TASK@ stand-in made by tools new; replace it with the real generator.")
                            .preview(true)
                            .build();

                    @Override
                    public ToolDescriptor descriptor() {
                        return descriptor;
                    }

                    @Override
                    public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
                        schema.requireValid(request.arguments());      // InvalidArgumentsException
                        request.cancellation().throwIfCancelled();     // ToolCancelledException
                        String @ARG@ = request.text("@ARG@", "");
                @BODY@    }
                }
                """.replace("@IMPORTS@", imports.stripTrailing()).replace("@BODY@", body.replace("@ARG@", argument()))
                .replace("@PACKAGE@", javaPackage).replace("@CLASS@", className()).replace("@NAME@", name).replace("@TASK@", task)
                .replace("@OUTPUT@", output).replace("@ARG@", argument()).replace("@EXAMPLE@", exampleValue());
    }

    private String testClass() {
        return """
                package @PACKAGE@;

                import com.fasterxml.jackson.databind.node.ObjectNode;
                import dev.modaweave.tools.GeneratorTool;
                import dev.modaweave.tools.contract.GeneratorToolContract;
                import java.util.List;

                /** The contract every Modaweave tool passes, run on {@link @CLASS@}. */
                class @CLASS@Test extends GeneratorToolContract {

                    @Override
                    protected GeneratorTool createTool() {
                        return new @CLASS@();
                    }

                    @Override
                    protected ObjectNode validArguments() {
                        return args("{\\"@ARG@\\":\\"@EXAMPLE@\\"}");
                    }

                    @Override
                    protected List<ObjectNode> invalidArguments() {
                        return List.of(args("{}"), args("{\\"@ARG@\\":\\"\\"}"), args("{\\"@ARG@\\":\\"x\\",\\"unknown\\":1}"));
                    }

                    @Override
                    protected boolean deterministic() {
                        return true;
                    }
                }
                """.replace("@PACKAGE@", javaPackage).replace("@CLASS@", className()).replace("@ARG@", argument())
                .replace("@EXAMPLE@", exampleValue());
    }

    private String readme() {
        return """
                # @NAME@

                A Modaweave generator tool for `@TASK@`, started with `modaweave tools new`. `@CLASS@` makes preview
                media; replace the marked part of its `generate` with the real model or service, keep the
                arguments' schema in step, and keep `@CLASS@Test` (the contract test every tool passes) green.

                ```bash
                mvn -o verify                                   # builds target/@NAME@-0.1.0.jar and runs the contract test
                ./modaweave tools list --plugins target/        # lists @NAME@ with the jar as its origin
                ./modaweave run '<meta>{"id":"c1","tool":"@NAME@","args":{"@ARG@":"@EXAMPLE@"}}</meta>' --plugins target/
                ```

                (`./modaweave` is the launcher in a Modaweave checkout; give the path of this project's `target/`.)

                The build needs Modaweave @VERSION@'s artifacts in the local Maven repository: run
                `mvn -B install -DskipTests` once in a Modaweave checkout of that version. After that the build works
                offline (`-o`). The pom imports `modaweave-bom` for the versions, takes `modaweave-tools` as
                `provided` (the application has it) and `modaweave-tools-testkit` for tests (it brings JUnit 5 and
                AssertJ).

                To use the tool, put the jar in a plugins directory (`--plugins DIR`, `MODAWEAVE_PLUGINS`,
                `tools.plugins` in `modaweave.yaml`, `./plugins` or `~/.modaweave/plugins`); libraries it needs go
                in that directory's `lib/`. To serve it from another machine of the cluster:

                ```bash
                ./modaweave worker --plugins DIR --tools @NAME@ --cluster --members HOST:5701
                ```
                """.replace("@NAME@", name).replace("@TASK@", task).replace("@CLASS@", className()).replace("@ARG@", argument())
                .replace("@EXAMPLE@", exampleValue()).replace("@VERSION@", version);
    }
}
