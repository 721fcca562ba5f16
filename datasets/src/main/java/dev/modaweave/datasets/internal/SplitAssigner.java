package dev.modaweave.datasets.internal;

import dev.modaweave.datasets.CaptionText;
import dev.modaweave.datasets.Split;

/**
 * Assigns a caption to a split from a seeded hash of its id, so that the assignment does not
 * depend on input order and a caption is in exactly one split.
 */
public final class SplitAssigner {

    /** Train, validation and test shares: 80 / 10 / 10. */
    public static final double[] DEFAULT = {0.8, 0.1, 0.1};

    private SplitAssigner() {
    }

    /** The split of a caption whose hash, mapped to [0, 1), is {@code unit}. */
    public static Split splitOf(double unit, double[] shares) {
        double total = shares[0] + shares[1] + shares[2];
        if (unit * total < shares[0]) {
            return Split.TRAIN;
        }
        return unit * total < shares[0] + shares[1] ? Split.VAL : Split.TEST;
    }

    /** The split of the caption with id {@code captionId} under {@code seed}. */
    public static Split splitOf(long seed, String captionId, double[] shares) {
        return splitOf(CaptionText.unit(seed, "caption:" + captionId), shares);
    }
}
