package dev.modaweave.app.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.agent.ParseListener;
import dev.modaweave.tools.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code modaweave bench parser}: parser throughput for chunk sizes 1, 4, 64 and 4096 characters over
 * a realistic transcript, as ratios to parsing it in one chunk measured in the same run, and the
 * time from a closing delimiter's arrival to its meta event.
 */
@Command(name = "parser",
        mixinStandardHelpOptions = true,
        description = {
                "Measure the incremental parser on a realistic LLM transcript with meta-responses.",
                "Prints one JSON line per chunk size: {\"chunk\":…,\"mb_per_s\":…,\"ratio_to_one_chunk\":…,",
                "\"close_to_event_us_p50\":…,\"close_to_event_us_p99\":…}, after a line for the one-chunk baseline.",
                "ratio = time with this chunking / time in one chunk (lower is better; goal: ≤ 3 at 1 character)."})
public final class BenchParserCommand implements Callable<Integer> {

    @Option(names = "--mb", defaultValue = "10", description = "Transcript size in MB of characters (default: ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured runs per chunk size; the median is reported (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured runs per chunk size first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--chunks", split = ",", defaultValue = "1,4,64,4096", description = "Chunk sizes in characters (default: ${DEFAULT-VALUE}).")
    int[] chunkSizes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (megabytes < 1 || megabytes > 200) {
            throw new dev.modaweave.app.UsageException("--mb is " + megabytes + "; use 1 to 200");
        }
        if (iterations < 1 || warmup < 0) {
            throw new dev.modaweave.app.UsageException("--iterations must be at least 1 and --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        String transcript = TranscriptGenerator.generate(megabytes * 1_000_000, 42);
        double mb = transcript.length() / 1e6;

        String[] whole = {transcript};
        long baseline = median(whole);
        Counter check = runOnce(whole);
        out.println(Json.write(line("one", mb, baseline, baseline)
                .put("metas", check.metas).put("malformed", check.malformed).put("chars", transcript.length())));
        out.flush();

        for (int size : chunkSizes) {
            if (size < 1) {
                throw new dev.modaweave.app.UsageException("chunk size " + size + " is not positive");
            }
            String[] chunks = split(transcript, size);
            long nanos = median(chunks);
            Counter counted = runOnce(chunks);
            if (counted.metas != check.metas || counted.malformed != check.malformed || counted.textChars != check.textChars) {
                throw new IllegalStateException("chunk size " + size + " changed the events: " + counted + " vs " + check);
            }
            long[] latency = closeToEventLatencies(chunks);
            ObjectNode o = line(size, mb, nanos, baseline);
            o.put("close_to_event_us_p50", round(percentile(latency, 50) / 1000.0));
            o.put("close_to_event_us_p99", round(percentile(latency, 99) / 1000.0));
            out.println(Json.write(o));
            out.flush();
        }
        return 0;
    }

    private static ObjectNode line(Object chunk, double mb, long nanos, long baseline) {
        ObjectNode o = Json.object();
        if (chunk instanceof Integer i) {
            o.put("chunk", i);
        } else {
            o.put("chunk", chunk.toString());
        }
        o.put("mb_per_s", round(mb / (nanos / 1e9)));
        o.put("ratio_to_one_chunk", round((double) nanos / baseline));
        o.put("ms", round(nanos / 1e6));
        return o;
    }

    private long median(String[] chunks) {
        for (int k = 0; k < warmup; k++) {
            runOnce(chunks);
        }
        long[] times = new long[iterations];
        for (int k = 0; k < iterations; k++) {
            long start = System.nanoTime();
            runOnce(chunks);
            times[k] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[iterations / 2];
    }

    private static Counter runOnce(String[] chunks) {
        Counter counter = new Counter();
        MetaResponseParser parser = new MetaResponseParser();
        for (String chunk : chunks) {
            parser.feed(chunk, counter);
        }
        parser.finish(counter);
        return counter;
    }

    /** For every meta event: nanoseconds from the feed of the chunk holding its closing delimiter to the event. */
    private static long[] closeToEventLatencies(String[] chunks) {
        List<Long> samples = new ArrayList<>();
        long[] fedAt = new long[1];
        ParseListener timing = new Counter() {
            @Override
            public void onMeta(ParseEvent.Meta meta) {
                samples.add(System.nanoTime() - fedAt[0]);
            }
        };
        MetaResponseParser parser = new MetaResponseParser();
        for (String chunk : chunks) {
            fedAt[0] = System.nanoTime();
            parser.feed(chunk, timing);
        }
        parser.finish(timing);
        long[] out = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String[] split(String text, int size) {
        String[] chunks = new String[(text.length() + size - 1) / size];
        for (int k = 0; k < chunks.length; k++) {
            int start = k * size;
            chunks[k] = text.substring(start, Math.min(text.length(), start + size));
        }
        return chunks;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Counts what a consumer receives; text is counted, not copied. */
    private static class Counter implements ParseListener {
        long textChars;
        long metas;
        long malformed;

        @Override
        public void onText(CharSequence source, int start, int end) {
            textChars += end - start;
        }

        @Override
        public void onMeta(ParseEvent.Meta meta) {
            metas++;
        }

        @Override
        public void onMalformed(ParseEvent.Malformed m) {
            malformed++;
        }

        @Override
        public String toString() {
            return "{text=" + textChars + ", metas=" + metas + ", malformed=" + malformed + "}";
        }
    }
}
