package dev.modaweave.app.dataset;

import dev.modaweave.app.UsageException;
import dev.modaweave.datasets.DatasetStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code modaweave dataset stats DIR}: counts, histograms, duplicate rate, HTML report and data card. */
@Command(name = "stats",
        mixinStandardHelpOptions = true,
        description = {"Describe a built data set: counts by kind, modality and split, length histograms, duplicate rate.",
                "Writes stats.json, stats.txt, report.html (inline SVG charts) and the data card README.md."})
final class DatasetStatsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The data set's directory (output of dataset build).")
    Path dir;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the reports (default: the data set's directory).")
    Path out;

    @Override
    public Integer call() {
        DatasetStats stats;
        try {
            stats = DatasetStats.of(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        stats.writeReports(out != null ? out : dir);
        spec.commandLine().getOut().print(stats.toText());
        spec.commandLine().getOut().flush();
        boolean leakFree = stats.captionsInSeveralSplits() == 0 && stats.overlaps().values().stream().allMatch(DatasetStats.Overlap::none);
        return leakFree ? 0 : 1;
    }
}
