package dev.modaweave.datasets.internal;

import dev.modaweave.datasets.Caption;
import dev.modaweave.datasets.CaptionText;
import dev.modaweave.datasets.Split;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assigns a caption to a split from a seeded hash of its media item (not of the caption), so that
 * the assignment does not depend on input order and every caption of one image or clip lands in the
 * same split. The media item of a COCO caption ({@code coco2017-val-img<image>-ann<annotation>}) is
 * its image; other ids name the item itself (MSR-VTT has one caption per video here). The corpora's
 * own splits are kept where they exist: a caption the corpus puts in {@code test} goes to test, one it
 * puts in {@code train} goes to train or val, never test (AudioCaps clips, whose ids name captions,
 * are kept together this way, since the corpus splits by clip).
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

    private static final Pattern COCO = Pattern.compile("coco(\\d*)-([a-z]+)(\\d*)-img(\\d+)-ann\\d+");

    /** The media item a caption describes: {@code coco:<image id>} for COCO ids, else the caption id. */
    public static String mediaKey(String captionId) {
        Matcher m = COCO.matcher(captionId);
        return m.matches() ? "coco:" + Long.parseLong(m.group(4)) : captionId;
    }

    /**
     * The COCO image file of a COCO caption id relative to the COCO image root, e.g.
     * {@code val2017/000000270677.jpg}; null for other ids.
     */
    public static String cocoImagePath(String captionId) {
        Matcher m = COCO.matcher(captionId);
        if (!m.matches()) {
            return null;
        }
        String year = m.group(1).isEmpty() ? "2017" : m.group(1);
        return String.format(Locale.ROOT, "%s%s/%012d.jpg", m.group(2), year, Long.parseLong(m.group(4)));
    }

    /** The split of {@code caption}: by its corpus's test/train label where it has one, else by its media item. */
    public static Split splitOf(long seed, Caption caption, double[] shares) {
        String official = caption.split().toLowerCase(Locale.ROOT);
        double unit = CaptionText.unit(seed, "media:" + mediaKey(caption.id()));
        if (official.equals("test")) {
            return Split.TEST;
        }
        if (official.equals("train")) {
            return unit * (shares[0] + shares[1]) < shares[0] ? Split.TRAIN : Split.VAL;
        }
        return splitOf(unit, shares);
    }

    /** The split of the caption with id {@code captionId} under {@code seed}, by its media item. */
    public static Split splitOf(long seed, String captionId, double[] shares) {
        return splitOf(CaptionText.unit(seed, "media:" + mediaKey(captionId)), shares);
    }
}
