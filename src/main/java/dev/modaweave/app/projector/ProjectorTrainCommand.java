package dev.modaweave.app.projector;

import dev.modaweave.app.UsageException;
import dev.modaweave.projector.ProjectorSpec;
import dev.modaweave.projector.ProjectorTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code modaweave projector train}: trains the projector MLP with DJL and writes its weights. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train the learned projector's MLP with DJL on the CPU, on (picture, caption) pairs: DIR/pairs.jsonl holds",
                "one {\"image\": \"relative/path.png\", \"caption\": \"…\"} per line. Each picture's encoder embedding is mapped to",
                "its caption's token embeddings in the LLM's input space. Prints the loss per epoch; the same seed gives the",
                "same weights. Example: modaweave projector train --spec models/projector.json --data pairs --epochs 20"})
final class ProjectorTrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The projector's spec file (JSON).")
    Path specFile;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory with pairs.jsonl and the pictures.")
    Path data;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the pairs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "16", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--out", paramLabel = "FILE", description = "Weights file to write (default: the spec's 'projector' file).")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isDirectory(data)) {
            throw new UsageException("--data " + data + " is not a directory; it needs a pairs.jsonl");
        }
        try {
            ProjectorSpec projector = ProjectorSpec.load(specFile);
            Path target = out != null ? out : projector.projector();
            var err = spec.commandLine().getErr();
            long start = System.nanoTime();
            var report = new ProjectorTrainer(projector).epochs(epochs).seed(seed).batchSize(batchSize).learningRate(learningRate)
                    .train(data, target, e -> err.printf(Locale.ROOT, "epoch %d/%d: loss %.6f%n", e.epoch(), epochs, e.loss()));
            spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s (%d pairs, %d epochs, final loss %.6f) in %.1f s%n", target,
                    report.pairs(), report.epochs().size(), report.epochs().get(report.epochs().size() - 1).loss(),
                    (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
