package dev.modaweave.app.planner;

import dev.modaweave.app.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code modaweave planner train}: trains the planner on a data set and writes the model file. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train the embedded planner on a data set written by 'modaweave dataset build' (train.jsonl, val.jsonl)",
                "with DJL's PyTorch engine on the CPU. Prints a line per epoch with the loss and the validation call-set",
                "accuracy and span token F1. The same seed gives the same model.",
                "Example: modaweave planner train --data data --epochs 6 --seed 1"})
final class PlannerTrainCommand implements Callable<Integer> {

    /** Where the application's own model lives in the source tree. */
    static final Path DEFAULT_OUT = Path.of("src/main/resources").resolve(PlannerModel.RESOURCE);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set's directory.")
    Path data;

    @Option(names = "--epochs", defaultValue = "6", description = "Passes over the training split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.003", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--limit", defaultValue = "0", description = "Train on at most N examples per epoch (default: all).")
    int limit;

    @Option(names = "--feature-cache", paramLabel = "FILE",
            description = "Keep the MiniLM features of the examples in FILE and reuse them in later runs (default: none).")
    Path featureCache;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Model file to write (default: src/main/resources/" + PlannerModel.RESOURCE + ", the model the application ships).")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isDirectory(data)) {
            throw new UsageException("--data " + data + " is not a directory; pass one written by modaweave dataset build");
        }
        if (batchSize < 1) {
            throw new UsageException("--batch-size " + batchSize + " is invalid; use 1 or more");
        }
        Path target = out != null ? out : DEFAULT_OUT;
        PlannerTrainer.Summary summary;
        try {
            summary = new PlannerTrainer(new PlannerTrainer.Options(data, epochs, seed, batchSize, learningRate, limit, featureCache),
                    spec.commandLine().getErr()).train(target);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        spec.commandLine().getOut().printf("wrote %s (%d bytes) in %.1f s%n", target, target.toFile().length(), summary.seconds());
        return 0;
    }
}
