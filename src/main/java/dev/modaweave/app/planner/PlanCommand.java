package dev.modaweave.app.planner;

import dev.modaweave.agent.llm.LlmConfig;
import dev.modaweave.app.UsageException;
import dev.modaweave.app.config.ConfigOption;
import dev.modaweave.tools.Json;
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
import java.util.concurrent.Callable;

/** {@code modaweave plan}: shows what the embedded planner would answer, generating nothing. */
@Command(name = "plan",
        mixinStandardHelpOptions = true,
        description = {"Print the reply the embedded planner would write for a request, with its meta-responses, without",
                "generating anything. --json prints {\"request\":…,\"calls\":[{\"id\":…,\"task\":…,\"args\":{…}}…],\"text\":…}",
                "(text: the reply's words without the calls). --file reads one request per line and prints one line each.",
                "Examples: modaweave plan \"paint a lighthouse at dusk, then narrate a poem about it\"",
                "          modaweave plan --json --file requests.txt"})
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
        if (request != null) {
            print(out, planner.plan(request));
            return 0;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    print(out, planner.plan(line));
                }
            }
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        return 0;
    }

    private void print(PrintWriter out, Plan plan) {
        out.println(json ? Json.write(plan.toJson()) : plan.reply());
        out.flush();
    }
}
