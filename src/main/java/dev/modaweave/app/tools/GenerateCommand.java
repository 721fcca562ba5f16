package dev.modaweave.app.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.app.cluster.AttemptOptions;
import dev.modaweave.app.config.ConfigLoader;
import dev.modaweave.app.config.ModaweaveConfig;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolWorker;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.modaweave.app.plugins.PluginOptions;
import dev.modaweave.app.plugins.Plugins;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code modaweave generate --tool NAME --args JSON --out DIR}: runs one tool of this installation or of
 * the configuration through a {@link ToolWorker}, as a turn's call runs (time limit per attempt, retries
 * with backoff, circuit breaker, progress on stderr), writes the media into DIR under a name made from
 * its SHA-256, and prints the path and metadata as one JSON line.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = "Run one generator tool through a worker (time limit, retries, circuit breaker, progress on stderr) and "
                + "write its media into a directory. Prints {\"path\":…,\"mimeType\":…,\"attributes\":…} as one JSON line.")
public final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tool", required = true, paramLabel = "NAME", description = "Tool name, see: modaweave tools list")
    String toolName;

    @Option(names = "--args", required = true, paramLabel = "JSON", description = "The call's arguments as a JSON object.")
    String argsJson;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory the media file is written to (created if missing).")
    Path out;

    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--input", paramLabel = "NAME=FILE",
            description = "An input artifact for an argument that takes one (e.g. image=photo.png for image-edit); repeatable.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = "--store", paramLabel = "DIR",
            description = "Artifact store the worker writes into (default: store.dir of the configuration, ~/.modaweave/artifacts).")
    Path storeDir;

    @CommandLine.Mixin
    AttemptOptions attempts;

    @CommandLine.Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() {
        ObjectNode args = parseArgs(argsJson);
        ConfigLoader.Loaded loaded = config.load();
        try (Plugins plugins = pluginOptions.open(loaded);
             LoadedTools tools = LoadedTools.load(loaded, plugins)) {
            GeneratorTool tool = tools.find(toolName).orElseThrow(() -> new UsageException("unknown tool '"
                    + shorten(toolName) + "'; known tools: " + String.join(", ", tools.names())));
            ToolDescriptor descriptor = tool.descriptor();
            ToolWorker.Options options = attempts.apply(ToolWorker.Options.builder()).nodeId("cli").build();
            ArgumentsSchema schema = ArgumentsSchema.compile(descriptor.name(), descriptor.argumentsSchema());
            ArtifactStore store = openStore(loaded.config().store());
            readInputs(schema, args, store);
            List<ArgumentsSchema.Violation> violations = schema.validate(args);
            if (!violations.isEmpty()) {
                throw new UsageException("arguments for '" + descriptor.name() + "' are invalid: " + violations);
            }
            long started = System.nanoTime();
            JsonObject reply = runOnWorker(tool, store, options, args);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            if (!reply.getBoolean("ok", false)) {
                JsonObject error = reply.getJsonObject("error", new JsonObject());
                if ("invalid_arguments".equals(error.getString("code"))) {
                    throw new UsageException(error.getString("message", "invalid arguments"));
                }
                spec.commandLine().getErr().println("generate: '" + descriptor.name() + "' failed after " + reply.getInteger("attempts", 0)
                        + " attempt(s) (" + error.getString("code", "failed") + "): " + error.getString("message", ""));
                spec.commandLine().getErr().flush();
                return 1;
            }
            String artifactId = reply.getString("artifactId");
            Artifact artifact = store.find(artifactId).orElseThrow(() -> new IllegalStateException(
                    "the worker stored artifact " + artifactId + " but the store does not have it"));
            byte[] bytes = store.read(artifactId);
            String mime = MediaTypes.requireMatches(bytes, artifact.mimeType());
            Path file = write(bytes, mime);
            ObjectNode report = Json.object();
            report.put("path", file.toString());
            report.put("tool", descriptor.name());
            report.put("mimeType", mime);
            report.put("size", bytes.length);
            report.put("sha256", sha256(bytes));
            report.put("preview", descriptor.preview());
            report.put("attempts", reply.getInteger("attempts", 1));
            report.put("artifactId", artifactId);
            report.put("elapsedMs", elapsedMs);
            report.set("attributes", Json.MAPPER.valueToTree(artifact.attributes()));
            PrintWriter printer = spec.commandLine().getOut();
            printer.println(Json.write(report));
            printer.flush();
            return 0;
        }
    }

    private ArtifactStore openStore(ModaweaveConfig.Store configured) {
        Path root = storeDir != null ? storeDir : configured.dir();
        try {
            return FileSystemArtifactStore.builder(root).maxTotalBytes(configured.maxBytes()).maxAge(configured.maxAge()).build();
        } catch (RuntimeException e) {
            throw new UsageException("cannot open the artifact store " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the call through a {@link ToolWorker} on a private Vert.x instance, exactly as a turn's call runs:
     * time limit per attempt, retries with backoff, circuit breaker; progress and retries go to stderr.
     */
    private JsonObject runOnWorker(GeneratorTool tool, ArtifactStore store, ToolWorker.Options options, ObjectNode args) {
        PrintWriter err = spec.commandLine().getErr();
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(ToolWorker.of(new Unclosed(tool), store, options)).await(30, TimeUnit.SECONDS);
            String jobId = jobId();
            String events = "modaweave.cli.events." + jobId;
            MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(events, m -> printEvent(err, m.body()));
            consumer.completion().await(10, TimeUnit.SECONDS);
            JsonObject call = new JsonObject().put("jobId", jobId).put("args", Json.toJsonObject(args)).put("attempt", 1)
                    .put("events", events);
            long waitMs = attempts.longestCall().toMillis();
            return vertx.eventBus().<JsonObject>request(EventBusAddresses.tool(tool.descriptor().name()), call,
                    new DeliveryOptions().setSendTimeout(waitMs)).await(waitMs + 5_000, TimeUnit.MILLISECONDS).body();
        } catch (TimeoutException e) {
            throw new IllegalStateException("'" + tool.descriptor().name() + "' gave no answer within " + attempts.longestCall(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot run '" + tool.descriptor().name() + "' on a worker: " + e.getMessage(), e);
        } finally {
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the result, or the failure above, is what matters
            }
        }
    }

    private static void printEvent(PrintWriter err, JsonObject event) {
        switch (event.getString("type", "")) {
            case "progress" -> err.println("  … " + Math.round(event.getDouble("fraction", 0.0) * 100) + "% "
                    + event.getString("message", ""));
            case "retrying" -> err.println("  retrying after attempt " + event.getInteger("attempt", 0) + ": "
                    + event.getString("message", ""));
            default -> {
                return;
            }
        }
        err.flush();
    }

    /** Leaves closing to {@link LoadedTools}: the worker closes its tool when Vert.x stops. */
    private record Unclosed(GeneratorTool tool) implements GeneratorTool {
        @Override
        public ToolDescriptor descriptor() {
            return tool.descriptor();
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return tool.generate(request, progress);
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

    private void readInputs(ArgumentsSchema schema, ObjectNode args, ArtifactStore store) {
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
            if (Modality.ofMimeType(mime) != expected.get()) {
                throw new UsageException("--input " + name + " must be " + expected.get().wireName() + " but " + input.getValue() + " is " + mime);
            }
            Artifact artifact = store.put(bytes, new ArtifactStore.NewArtifact(mime, Map.of(), "upload", Json.object(), List.of()));
            args.put(name, artifact.id());
        }
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
