package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.plugins.PluginOptions;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code modaweave generate --tool NAME --args JSON --out DIR}: runs one tool directly, without
 * the event bus, writes the media into DIR under a name made from its SHA-256, and prints the
 * path and metadata as one JSON line.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = "Run one generator tool directly and write its media into a directory. "
                + "Prints {\"path\":…,\"mimeType\":…,\"attributes\":…} as one JSON line.")
public final class GenerateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tool", required = true, paramLabel = "NAME", description = "Tool name, see: modaweave tools list")
    String toolName;

    @Option(names = "--args", required = true, paramLabel = "JSON", description = "The call's arguments as a JSON object.")
    String argsJson;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory the media file is written to (created if missing).")
    Path out;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration of a backend that needs one: a TorchScript spec file (DJL) or an HTTP generator's "
                    + "settings as JSON ({\"backend\": \"comfyui\", …}); its tool can then be named with --tool.")
    Path config;

    @Option(names = "--input", paramLabel = "NAME=FILE",
            description = "An input artifact for an argument that takes one (e.g. image=photo.png for image-edit); repeatable.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @CommandLine.Mixin
    PluginOptions pluginOptions;

    @Override
    public void run() {
        ObjectNode args = parseArgs(argsJson);
        try (Plugins plugins = pluginOptions.open(ToolsCommand.configuration());
             LoadedTools tools = LoadedTools.load(config, plugins)) {
            GeneratorTool tool = tools.find(toolName).orElseThrow(() -> new UsageException("unknown tool '"
                    + shorten(toolName) + "'; known tools: " + String.join(", ", tools.names())));
            ToolDescriptor descriptor = tool.descriptor();
            ArgumentsSchema schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());
            Map<String, GenerationRequest.InputArtifact> artifacts = readInputs(schema, args);
            List<ArgumentsSchema.Violation> violations = schema.validate(args);
            if (!violations.isEmpty()) {
                throw new UsageException("arguments for '" + descriptor.name() + "' are invalid: " + violations);
            }
            long started = System.nanoTime();
            GenerationResult result;
            try {
                result = tool.generate(new GenerationRequest(jobId(), args, artifacts, Cancellation.create()),
                        (fraction, message) -> { });
            } catch (InvalidArgumentsException e) {
                throw new UsageException(e.getMessage(), e);
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            String mime = MediaTypes.requireMatches(result.bytes(), result.mimeType());
            Path file = write(result.bytes(), mime);
            ObjectNode report = Json.object();
            report.put("path", file.toString());
            report.put("tool", descriptor.name());
            report.put("mimeType", mime);
            report.put("size", result.bytes().length);
            report.put("sha256", sha256(result.bytes()));
            report.put("preview", descriptor.preview());
            report.put("elapsedMs", elapsedMs);
            report.set("attributes", Json.MAPPER.valueToTree(result.attributes()));
            PrintWriter printer = spec.commandLine().getOut();
            printer.println(Json.write(report));
            printer.flush();
        }
    }

    private static ObjectNode parseArgs(String text) {
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--args is not valid JSON: " + oneLine(e.getMessage()), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new UsageException("--args must be a JSON object like {\"prompt\":\"a red fox\"}, got " + node.getNodeType());
        }
        return object;
    }

    private Map<String, GenerationRequest.InputArtifact> readInputs(ArgumentsSchema schema, ObjectNode args) {
        Map<String, GenerationRequest.InputArtifact> artifacts = new LinkedHashMap<>();
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            String name = input.getKey();
            Optional<Modality> expected = schema.artifactModality(name);
            if (expected.isEmpty()) {
                throw new UsageException("--input " + shorten(name) + "=…: tool '" + toolName + "' takes no artifact argument of that name"
                        + (schema.artifactArguments().isEmpty() ? "" : "; it takes " + schema.artifactArguments().keySet()));
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(input.getValue());
            } catch (IOException e) {
                throw new UsageException("cannot read --input " + name + "=" + input.getValue() + ": " + e.getMessage(), e);
            }
            String mime = MediaTypes.sniff(bytes).orElseThrow(() -> new UsageException("--input " + name + "=" + input.getValue()
                    + " is no recognised media file (PNG, JPEG, GIF, WebP, WAV, MP3, MP4…)"));
            String id = newArtifactId();
            var artifact = new Artifact(id, mime, bytes.length, sha256(bytes), Map.of(), "upload", Json.object(), List.of(), Instant.now());
            if (artifact.modality() != expected.get()) {
                throw new UsageException("--input " + name + " must be " + expected.get().wireName() + " but " + input.getValue() + " is " + mime);
            }
            artifacts.put(name, new GenerationRequest.InputArtifact(artifact, bytes));
            args.put(name, id);
        }
        return artifacts;
    }

    private Path write(byte[] bytes, String mime) {
        String name = sha256(bytes).substring(0, 24) + "." + MediaTypes.extension(mime);
        try {
            Files.createDirectories(out);
            Path file = out.resolve(name);
            Files.write(file, bytes);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UsageException("cannot write into --out " + out + ": " + e.getMessage(), e);
        }
    }

    private static String jobId() {
        return "cli-" + Long.toHexString(new SecureRandom().nextLong());
    }

    private static String newArtifactId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder("art_");
        for (int i = 0; i < 26; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").strip();
    }

    private static String shorten(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
