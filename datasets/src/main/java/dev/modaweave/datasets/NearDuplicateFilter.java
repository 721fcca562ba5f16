package dev.modaweave.datasets;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Removes duplicate and near-duplicate captions, keeping the first of each group in input order.
 *
 * <p>Exact duplicates after normalisation (case, punctuation, spacing) are dropped first, without any
 * model. Then a caption is dropped when the cosine of its sentence embedding (all-MiniLM-L6-v2, by
 * default with 8-bit weights) with an earlier <em>kept</em> caption of the same modality reaches the
 * threshold. Which earlier captions it is compared with depends on the {@link Mode}:
 * <ul>
 *   <li>{@link Mode#EMBEDDING} (default): every caption is embedded and hashed by 20 tables of 12
 *       random hyperplanes; it is compared with the kept captions that share a bucket with it in any
 *       table, newest first, each once, at most {@link Options#maxCandidates()} of them. Only kept
 *       captions enter the buckets. On 20,000 captions it finds 998 in 1,000 of the near-duplicates that
 *       exact search finds.</li>
 *   <li>{@link Mode#LEXICAL}: MinHash over the caption's words; a bucket mate is a candidate only when
 *       the estimated word Jaccard reaches {@link Options#minJaccard()}, and only captions with a
 *       candidate are embedded. Cheaper on corpora with few lexical near-duplicates, blind to
 *       paraphrases.</li>
 *   <li>{@link Mode#ALL_PAIRS}: every caption is compared with every earlier kept one: the exact search,
 *       quadratic, that the recall of the other two is measured against ({@code bench dataset}).</li>
 *   <li>{@link Mode#EXACT}: the normalised exact pass only.</li>
 * </ul>
 */
public final class NearDuplicateFilter {

    /** How candidates are found before the cosine check. */
    public enum Mode {
        /** MinHash LSH over words; embeds only captions that have a lexical candidate; blind to paraphrases. */
        LEXICAL,
        /** Embeds every caption; random-hyperplane LSH over the embeddings (the default). */
        EMBEDDING,
        /** Exact (normalised) duplicates only; no model. */
        EXACT,
        /**
         * Embeds every caption and compares it with every earlier kept caption of its modality: exact
         * search, quadratic; for small sets and to measure the recall of the other modes.
         */
        ALL_PAIRS
    }

    /**
     * Settings.
     *
     * @param threshold     cosine at or above which two captions are near-duplicates, in (0, 1]
     * @param mode          how candidates are found
     * @param maxCandidates most earlier captions one caption is compared with (the most recent in its buckets)
     * @param chunk         captions processed (and embedded) per step
     * @param minJaccard    lexical mode: a candidate is embedded and compared only when the MinHash estimate
     *                      of the word Jaccard similarity of the two captions reaches this (0 compares every
     *                      bucket mate); pairs sharing fewer words are rarely above the cosine threshold
     */
    public record Options(double threshold, Mode mode, int maxCandidates, int chunk, double minJaccard) {
        public Options {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("near-duplicate threshold " + threshold + " is out of range; use a cosine in (0, 1], e.g. 0.92");
            }
            Objects.requireNonNull(mode, "mode");
            if (maxCandidates < 1 || chunk < 1) {
                throw new IllegalArgumentException("maxCandidates and chunk must be at least 1");
            }
            if (minJaccard < 0 || minJaccard > 1) {
                throw new IllegalArgumentException("minimum Jaccard " + minJaccard + " is out of range; use 0 to 1");
            }
        }

        /** Threshold 0.92, embedding candidates, 512 candidates per caption, chunks of 4,096, minimum Jaccard 0.5. */
        public static Options defaults() {
            return new Options(0.92, Mode.EMBEDDING, 512, 4096, 0.5);
        }

        public Options withThreshold(double t) {
            return new Options(t, mode, maxCandidates, chunk, minJaccard);
        }

        public Options withMode(Mode m) {
            return new Options(threshold, m, maxCandidates, chunk, minJaccard);
        }

        public Options withMinJaccard(double j) {
            return new Options(threshold, mode, maxCandidates, chunk, j);
        }
    }

    /**
     * What a run did.
     *
     * @param kept             the captions kept, in input order
     * @param input            captions read
     * @param exactDuplicates  dropped by the normalised exact pass
     * @param nearDuplicates   dropped by the cosine check
     * @param embedded         captions that were embedded
     * @param comparisons      cosine comparisons made
     * @param seconds          wall time
     */
    public record Result(List<Caption> kept, int input, int exactDuplicates, int nearDuplicates, int embedded,
                         long comparisons, double seconds) {
        /** Share of the input removed. */
        public double duplicateRate() {
            return input == 0 ? 0 : (exactDuplicates + nearDuplicates) / (double) input;
        }
    }

    private static final int MINHASH_BANDS = 8;
    private static final int MINHASH_ROWS = 4;
    /** Words too common to make two captions alike; left out of MinHash (not out of the embedding). */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "is", "are", "of", "in", "on", "at", "and",
            "with", "to", "some", "his", "her", "their", "its", "it", "by", "for", "from", "while", "as", "up", "down",
            "there", "this", "that", "being", "be", "has", "have", "two", "one", "other", "into", "next", "near");
    private static final int HYPERPLANE_TABLES = 20;
    /** Fewest captions of the first chunk whose mean the hyperplanes pass through. */
    static final int MIN_CENTRED = 512;
    private static final int HYPERPLANE_BITS = 12;

    private final SentenceEmbedder embedder;
    private final Options options;

    public NearDuplicateFilter(SentenceEmbedder embedder, Options options) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Filters {@code captions}. */
    public Result filter(List<Caption> captions) {
        return filter(captions, done -> { });
    }

    /**
     * Filters {@code captions}, reporting after each chunk how many input captions have been
     * decided (exact duplicates count as decided at once), for a progress bar.
     */
    public Result filter(List<Caption> captions, java.util.function.IntConsumer decided) {
        long start = System.nanoTime();
        List<Caption> unique = new ArrayList<>(captions.size());
        Set<String> seen = new HashSet<>();
        for (Caption c : captions) {
            if (seen.add(c.modality().name() + '\u0000' + CaptionText.normalised(c.text()))) {
                unique.add(c);
            }
        }
        int exact = captions.size() - unique.size();
        if (options.mode() == Mode.EXACT) {
            return new Result(List.copyOf(unique), captions.size(), exact, 0, 0, 0, seconds(start));
        }
        if (options.mode() == Mode.ALL_PAIRS) {
            return allPairs(unique, captions.size(), exact, start);
        }
        Run run = new Run(unique);
        for (int from = 0; from < unique.size(); from += options.chunk()) {
            run.chunk(from, Math.min(unique.size(), from + options.chunk()));
            decided.accept(exact + Math.min(unique.size(), from + options.chunk()));
        }
        List<Caption> kept = new ArrayList<>(unique.size() - run.dropped);
        for (int i = 0; i < unique.size(); i++) {
            if (run.kept[i]) {
                kept.add(unique.get(i));
            }
        }
        return new Result(kept, captions.size(), exact, run.dropped, run.embedded, run.comparisons, seconds(start));
    }

    private Result allPairs(List<Caption> unique, int input, int exact, long start) {
        float[][] v = embedder.embed(unique.stream().map(Caption::text).toList());
        List<Caption> kept = new ArrayList<>();
        Map<dev.modaweave.tools.Modality, List<float[]>> keptVectors = new HashMap<>();
        long comparisons = 0;
        for (int i = 0; i < unique.size(); i++) {
            List<float[]> same = keptVectors.computeIfAbsent(unique.get(i).modality(), m -> new ArrayList<>());
            boolean duplicate = false;
            for (float[] w : same) {
                comparisons++;
                if (dot(v[i], w) >= options.threshold()) {
                    duplicate = true;
                    break;
                }
            }
            if (!duplicate) {
                same.add(v[i]);
                kept.add(unique.get(i));
            }
        }
        return new Result(List.copyOf(kept), input, exact, unique.size() - kept.size(), unique.size(), comparisons, seconds(start));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The state of one filtering run. */
    private final class Run {
        private final List<Caption> captions;
        private final boolean[] kept;
        private final float[][] vectors;
        private final Map<Long, IntList> buckets = new HashMap<>();
        /** {@code marks[j] == i + 1} while caption {@code i} is compared: {@code j} was already a candidate of it. */
        private final int[] marks;
        private final long[] minHashSeeds;
        private final long[][] signatures;
        private final float[][] hyperplanes;
        private final float[] offsets = new float[HYPERPLANE_TABLES * HYPERPLANE_BITS];
        private int dropped;
        private int embedded;
        private long comparisons;

        Run(List<Caption> captions) {
            this.captions = captions;
            this.kept = new boolean[captions.size()];
            this.vectors = new float[captions.size()][];
            this.marks = new int[captions.size()];
            SplittableRandom random = new SplittableRandom(0x5eed);
            minHashSeeds = new long[MINHASH_BANDS * MINHASH_ROWS];
            for (int i = 0; i < minHashSeeds.length; i++) {
                minHashSeeds[i] = random.nextLong();
            }
            hyperplanes = new float[HYPERPLANE_TABLES * HYPERPLANE_BITS][];
            signatures = new long[captions.size()][];
        }

        /** The share of equal MinHash values of two captions: an unbiased estimate of their word Jaccard. */
        private double jaccard(int i, int j) {
            long[] a = signatures[i];
            long[] b = signatures[j];
            int same = 0;
            for (int k = 0; k < a.length; k++) {
                same += a[k] == b[k] ? 1 : 0;
            }
            return same / (double) a.length;
        }

        void chunk(int from, int to) {
            if (options.mode() == Mode.EMBEDDING) {
                embeddingChunk(from, to);
            } else {
                lexicalChunk(from, to);
            }
        }

        /**
         * Embedding mode: every caption of the chunk is embedded, then each, in input order, is compared
         * with the kept captions that share one of its hyperplane buckets (newest first, each once, at most
         * {@link Options#maxCandidates()}); only kept captions enter the buckets, since only they are ever
         * compared with, as in the exact search.
         */
        private void embeddingChunk(int from, int to) {
            embed(rangeOf(from, to));
            for (int i = from; i < to; i++) {
                float[] v = vectors[i];
                long[] keys = keys(i);
                IntList[] lists = new IntList[keys.length];
                boolean duplicate = false;
                int considered = 0;
                for (int k = 0; k < keys.length && !duplicate; k++) {
                    IntList bucket = buckets.get(keys[k]);
                    lists[k] = bucket;
                    if (bucket == null) {
                        continue;
                    }
                    for (int b = bucket.size - 1; b >= 0 && considered < options.maxCandidates(); b--) {
                        int j = bucket.values[b];
                        if (marks[j] == i + 1) {
                            continue;
                        }
                        marks[j] = i + 1;
                        considered++;
                        if (near(v, j)) {
                            duplicate = true;
                            break;
                        }
                    }
                }
                if (decide(i, duplicate)) {
                    continue;
                }
                for (int k = 0; k < keys.length; k++) {
                    IntList bucket = lists[k] != null ? lists[k] : buckets.get(keys[k]);
                    if (bucket == null) {
                        bucket = new IntList();
                        buckets.put(keys[k], bucket);
                    }
                    bucket.add(i);
                }
            }
        }

        private void lexicalChunk(int from, int to) {
            List<int[]> candidates = new ArrayList<>(to - from);
            Set<Integer> toEmbed = new LinkedHashSet<>();
            for (int i = from; i < to; i++) {
                IntList found = new IntList();
                for (long key : keys(i)) {
                    IntList bucket = buckets.computeIfAbsent(key, k -> new IntList());
                    for (int b = bucket.size - 1; b >= 0 && found.size < options.maxCandidates(); b--) {
                        int j = bucket.values[b];
                        if (marks[j] != i + 1 && jaccard(i, j) >= options.minJaccard()) {
                            marks[j] = i + 1;
                            found.add(j);
                        }
                    }
                    bucket.add(i);
                }
                candidates.add(java.util.Arrays.copyOf(found.values, found.size));
                if (found.size > 0) {
                    toEmbed.add(i);
                    for (int k = 0; k < found.size; k++) {
                        toEmbed.add(found.values[k]);
                    }
                }
            }
            embed(toEmbed);
            for (int i = from; i < to; i++) {
                boolean duplicate = false;
                for (int j : candidates.get(i - from)) {
                    if (kept[j] && near(vectors[i], j)) {
                        duplicate = true;
                        break;
                    }
                }
                decide(i, duplicate);
            }
        }

        /** Whether {@code v} is a near-duplicate of caption {@code j}; counts the comparison. */
        private boolean near(float[] v, int j) {
            comparisons++;
            return dot(v, vectors[j]) >= options.threshold();
        }

        /** Records whether caption {@code i} is kept; returns whether it was dropped. */
        private boolean decide(int i, boolean duplicate) {
            kept[i] = !duplicate;
            if (duplicate) {
                dropped++;
            }
            return duplicate;
        }

        private Set<Integer> rangeOf(int from, int to) {
            Set<Integer> range = new LinkedHashSet<>();
            for (int i = from; i < to; i++) {
                range.add(i);
            }
            return range;
        }

        private void embed(Set<Integer> indexes) {
            List<Integer> missing = indexes.stream().filter(i -> vectors[i] == null).toList();
            if (missing.isEmpty()) {
                return;
            }
            float[][] out = embedder.embed(missing.stream().map(i -> captions.get(i).text()).toList());
            for (int k = 0; k < out.length; k++) {
                vectors[missing.get(k)] = out[k];
            }
            embedded += missing.size();
        }

        private long[] keys(int i) {
            Caption c = captions.get(i);
            long modality = c.modality().ordinal() * 0x9E3779B97F4A7C15L;
            return options.mode() == Mode.EMBEDDING ? hyperplaneKeys(vectors[i], modality) : minHashKeys(i, c.text(), modality);
        }

        private long[] minHashKeys(int index, String text, long salt) {
            List<String> words = new ArrayList<>();
            for (String w : CaptionText.normalised(text).split(" ")) {
                if (!STOP_WORDS.contains(w)) {
                    words.add(w);
                }
            }
            if (words.isEmpty()) {
                words.add(CaptionText.normalised(text));
            }
            long[] mins = new long[minHashSeeds.length];
            java.util.Arrays.fill(mins, Long.MAX_VALUE);
            signatures[index] = mins;
            for (String w : words) {
                long h = mix(w.hashCode());
                for (int k = 0; k < mins.length; k++) {
                    long v = mix(h ^ minHashSeeds[k]);
                    if (v < mins[k]) {
                        mins[k] = v;
                    }
                }
            }
            long[] keys = new long[MINHASH_BANDS];
            for (int b = 0; b < MINHASH_BANDS; b++) {
                long key = mix(salt + b);
                for (int r = 0; r < MINHASH_ROWS; r++) {
                    key = mix(key ^ mins[b * MINHASH_ROWS + r]);
                }
                keys[b] = key;
            }
            return keys;
        }

        /**
         * The buckets of a vector: one key per table from the signs of its projections on the table's
         * hyperplanes. The planes pass through the mean of the first chunk's embeddings rather than the
         * origin: sentence embeddings share a common direction, and planes through the origin would put
         * most captions on the same side of most planes, crowding the buckets. A first chunk of fewer than
         * {@value #MIN_CENTRED} captions is too small to say where the middle is (two captions would be
         * split by every plane through their mean), so the planes then pass through the origin.
         */
        private long[] hyperplaneKeys(float[] v, long salt) {
            if (hyperplanes[0] == null) {
                SplittableRandom random = new SplittableRandom(0x1a5e);
                for (int p = 0; p < hyperplanes.length; p++) {
                    float[] plane = new float[v.length];
                    for (int d = 0; d < plane.length; d++) {
                        plane[d] = (float) (random.nextDouble() * 2 - 1);
                    }
                    hyperplanes[p] = plane;
                }
                float[] mean = new float[v.length];
                int n = 0;
                for (float[] w : vectors) {
                    if (w != null && n < options.chunk()) {
                        n++;
                        for (int d = 0; d < mean.length; d++) {
                            mean[d] += w[d];
                        }
                    }
                }
                for (int p = 0; p < hyperplanes.length; p++) {
                    offsets[p] = n < MIN_CENTRED ? 0 : dot(mean, hyperplanes[p]) / n;
                }
            }
            long[] keys = new long[HYPERPLANE_TABLES];
            for (int t = 0; t < HYPERPLANE_TABLES; t++) {
                long bits = 0;
                for (int b = 0; b < HYPERPLANE_BITS; b++) {
                    int p = t * HYPERPLANE_BITS + b;
                    bits = (bits << 1) | (dot(v, hyperplanes[p]) >= offsets[p] ? 1 : 0);
                }
                keys[t] = mix(salt + t * 0x100000L + bits);
            }
            return keys;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

    /** Dot product with four running sums, which the JIT keeps in registers. */
    static float dot(float[] a, float[] b) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int n = a.length & ~3;
        for (int i = 0; i < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (int i = n; i < a.length; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A growable list of ints, without boxing. */
    private static final class IntList {
        int[] values = new int[4];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
