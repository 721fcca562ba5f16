package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.Session;
import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.Tasks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code modaweave plan}: shows what the embedded planner would answer, generating nothing. */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        description = {"Print the reply the embedded planner would write for a request, with its meta-responses, without",
                "generating anything. --json prints {\"request\":…,\"calls\":[{\"id\":…,\"task\":…,\"args\":{…}}…],\"text\":…}",
                "(text: the reply's words without the calls). --file reads one request per line and prints one line each.",
                "--history FILE gives earlier turns, so that follow-ups (\"make it darker\", \"now animate it\") can be tried.",
                "Examples: modaweave plan \"paint a lighthouse at dusk, then narrate a poem about it\"",
                "          modaweave plan --json --file requests.txt",
                "          modaweave plan --history turns.txt \"now animate it\""})
public final class PlanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REQUEST", description = "The request.")
    String request;

    @Option(names = "--file", paramLabel = "FILE", description = "Requests, one per line (blank lines are skipped).")
    Path file;

    @Option(names = "--json", description = "Print JSON lines.")
    boolean json;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file from 'planner train' (default: the shipped model).")
    Path modelFile;

    @Option(names = "--history", paramLabel = "FILE", description = {"Earlier turns of the conversation, one a line: a request",
            "(planned in turn; each of its calls becomes an artifact of the conversation) or a JSON artifact",
            "{\"modality\":\"image\",\"task\":\"text-to-image\",\"prompt\":\"…\"}. Follow-ups such as \"now animate it\" then refer to them."})
    Path history;
    @CommandLine.Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        if ((request == null) == (file == null)) {
            throw new UsageException("give either a REQUEST or --file FILE");
        }
        LlmConfig llm = config.load().config().llm();
        if (llm.provider() != LlmConfig.Provider.EMBEDDED) {
            spec.commandLine().getErr().println("note: the configuration's llm is " + llm.provider().configName()
                    + "; plan shows what the embedded planner would answer");
        }
        EmbeddedPlanner planner;
        try {
            planner = modelFile != null ? EmbeddedPlanner.load(modelFile) : EmbeddedPlanner.shared();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Session.ArtifactNote> artifacts = history == null ? List.of() : history(planner, history);
        if (request != null) {
            print(out, planner.plan(request, artifacts));
            return 0;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    print(out, planner.plan(line, artifacts));
                }
            }
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        return 0;
    }

    /** The artifacts the earlier turns of {@code file} leave in the conversation, oldest first. */
    static List<Session.ArtifactNote> history(EmbeddedPlanner planner, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read --history " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read --history " + file + ": " + e.getMessage());
        }
        List<Session.ArtifactNote> artifacts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("{")) {
                JsonNode o;
                try {
                    o = Json.parse(line);
                } catch (RuntimeException e) {
                    throw new UsageException("--history " + file + " line " + (i + 1) + " is not valid JSON: " + e.getMessage());
                }
                if (o.hasNonNull("request")) {
                    line = o.get("request").asText();
                } else {
                    Modality modality;
                    try {
                        modality = Modality.fromWireName(o.path("modality").asText("image"));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--history " + file + " line " + (i + 1) + ": " + e.getMessage());
                    }
                    String task = o.path("task").asText("");
                    String prompt = o.path("prompt").asText("");
                    String origin = task.isEmpty() ? "uploaded by the user" : prompt.isEmpty() ? task : task + ": \"" + prompt + "\"";
                    artifacts.add(new Session.ArtifactNote(id(artifacts.size()), modality, mime(modality), origin));
                    continue;
                }
            }
            for (MetaResponse call : planner.plan(line, artifacts).calls()) {
                Modality modality = switch (call.task()) {
                    case Tasks.TEXT_TO_VIDEO -> Modality.VIDEO;
                    case Tasks.TEXT_TO_AUDIO, Tasks.TEXT_TO_SPEECH -> Modality.AUDIO;
                    default -> Modality.IMAGE;
                };
                JsonNode prompt = call.args().has("prompt") ? call.args().get("prompt") : call.args().get("text");
                String origin = prompt == null ? call.task() : call.task() + ": \"" + prompt.asText() + "\"";
                artifacts.add(new Session.ArtifactNote(id(artifacts.size()), modality, mime(modality), origin));
            }
        }
        return artifacts;
    }

    private static String id(int n) {
        String digits = Integer.toString(n);
        return "art_hist" + "0".repeat(22 - digits.length()) + digits;
    }

    private static String mime(Modality m) {
        return switch (m) {
            case VIDEO -> "video/mp4";
            case AUDIO -> "audio/wav";
            default -> "image/png";
        };
    }

    private void print(PrintWriter out, Plan plan) {
        out.println(json ? Json.write(plan.toJson()) : plan.reply());
        out.flush();
    }
}
