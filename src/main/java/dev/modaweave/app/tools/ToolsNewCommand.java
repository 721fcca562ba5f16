package dev.modaweave.app.tools;

import dev.modaweave.app.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code modaweave tools new NAME --task TASK [--package P] [--dir DIR]}: writes a Maven project for a
 * new tool (see {@link StarterProject}) and prints what to do next.
 */
@Command(name = "new",
        mixinStandardHelpOptions = true,
        description = {
                "Write a Maven project for a new generator tool: pom (modaweave-tools and modaweave-tools-testkit at this",
                "application's version), a tool class making preview media for the task, its services file, a contract test",
                "and a README. Build it with 'mvn -o verify', then: modaweave tools list --plugins DIR/target/"})
final class ToolsNewCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The tool's name: lower-case words joined by '-', e.g. solid-colour.")
    String name;

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "What the tool does: text-to-image, text-to-video, text-to-audio or text-to-speech.")
    String task;

    @Option(names = "--package", paramLabel = "P", defaultValue = "com.example",
            description = "Java package of the tool (default: ${DEFAULT-VALUE}); also the project's groupId.")
    String javaPackage;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write the project (default: ./NAME); must be empty or new.")
    Path dir;

    @Override
    public Integer call() {
        StarterProject project;
        try {
            project = new StarterProject(name, task, javaPackage, StarterProject.applicationVersion());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Path target = dir != null ? dir : Path.of(name);
        requireEmpty(target);
        try {
            for (Map.Entry<String, String> file : project.files().entrySet()) {
                Path path = target.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the project into " + target + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + target + ": " + String.join(", ", project.files().keySet()));
        out.println("next: cd " + target + " && mvn -o verify, then modaweave tools list --plugins " + target.resolve("target")
                + " (see " + target.resolve("README.md") + ")");
        out.flush();
        return 0;
    }

    private static void requireEmpty(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new UsageException(target + " exists and is not a directory; choose another --dir");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new UsageException(target + " is not empty; choose another --dir or remove it");
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + target + ": " + e.getMessage(), e);
        }
    }
}
