package dev.modaweave.datasets.internal;

import java.io.PrintWriter;
import java.util.function.Supplier;

/** A one-line progress bar redrawn with {@code \r} on a terminal stream (stderr), at most every 200 ms. */
public final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private final Supplier<String> suffix;
    private long done;
    private long lastDraw;

    /**
     * @param out    where to draw; null draws nothing
     * @param label  what is counted
     * @param total  the expected count
     * @param suffix extra text after the counts (e.g. requests and cost); may return ""
     */
    public ProgressBar(PrintWriter out, String label, long total, Supplier<String> suffix) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.suffix = suffix;
    }

    /** Counts one more item. */
    public void step() {
        done++;
        long now = System.nanoTime();
        if (out != null && (now - lastDraw > 200_000_000L || done == total)) {
            lastDraw = now;
            draw(now);
        }
    }

    /** Draws the final state and ends the line. */
    public void finish() {
        if (out != null) {
            draw(System.nanoTime());
            out.println();
            out.flush();
        }
    }

    private void draw(long now) {
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        double seconds = (now - started) / 1e9;
        String extra = suffix.get();
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + done + "/" + total + String.format(" %.0f/s", seconds > 0 ? done / seconds : 0.0)
                + (extra.isEmpty() ? "" : " " + extra));
        out.flush();
    }
}
