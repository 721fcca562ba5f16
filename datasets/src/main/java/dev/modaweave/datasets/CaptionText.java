package dev.modaweave.datasets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;

/**
 * The forms a caption takes inside templates and calls (clean, inline, sentence, title…), and the stable hashes a
 * build derives from ids; the embedded planner writes its replies with the same forms.
 */
public final class CaptionText {

    private static final Set<String> MINOR_WORDS = Set.of("a", "an", "the", "and", "or", "of", "in", "on", "at",
            "to", "for", "with", "by", "from", "as", "is", "are");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private CaptionText() {
    }

    /** Whitespace collapsed, trailing full stops and spaces removed: what a call's prompt carries. */
    public static String clean(String caption) {
        String s = caption.strip().replaceAll("\\s+", " ");
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(0, end);
    }

    /** The clean caption with its first word lower-cased unless it is an acronym or "I": for use mid-sentence. */
    public static String inline(String caption) {
        String s = clean(caption);
        if (s.isEmpty()) {
            return s;
        }
        int space = s.indexOf(' ');
        String first = space < 0 ? s : s.substring(0, space);
        boolean acronym = first.length() > 1 && first.chars().filter(Character::isLetter).allMatch(Character::isUpperCase);
        if (acronym || first.equals("I") || first.startsWith("I'")) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** The clean caption as a sentence: capitalised, ending with a full stop (unless it ends with ? or !). */
    public static String sentence(String caption) {
        String s = capitalised(caption);
        if (s.isEmpty() || s.endsWith("?") || s.endsWith("!")) {
            return s;
        }
        return s + ".";
    }

    /** The clean caption, capitalised, without final punctuation. */
    public static String capitalised(String caption) {
        String s = clean(caption);
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Title Case: every word capitalised except short function words after the first. */
    public static String title(String caption) {
        String[] words = clean(caption).toLowerCase(Locale.ROOT).split(" ");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (i > 0) {
                out.append(' ');
            }
            if (w.isEmpty() || (i > 0 && MINOR_WORDS.contains(w))) {
                out.append(w);
            } else {
                out.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            }
        }
        return out.toString();
    }

    /** Number of whitespace-separated words. */
    public static int words(String caption) {
        String s = clean(caption);
        return s.isEmpty() ? 0 : s.split(" ").length;
    }

    /** Lower case, letters and digits only, single spaces: the key of the exact-duplicate pass. */
    public static String normalised(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (space && !out.isEmpty()) {
                    out.append(' ');
                }
                space = false;
                out.append(Character.toLowerCase(c));
            } else {
                space = true;
            }
        }
        return out.toString();
    }

    /** A well-formed artifact id ({@code art_} + 26 base-32 characters) derived from {@code key}. */
    public static String artifactId(String key) {
        byte[] digest = sha256(key);
        StringBuilder out = new StringBuilder("art_");
        long bits = 0;
        int count = 0;
        int i = 0;
        while (out.length() < 30) {
            if (count < 5) {
                bits = (bits << 8) | (digest[i++] & 0xff);
                count += 8;
            }
            out.append(BASE32[(int) ((bits >>> (count - 5)) & 31)]);
            count -= 5;
        }
        return out.toString();
    }

    /** A 64-bit hash of {@code key} under {@code seed}, stable across runs and JVMs. */
    public static long stableHash(long seed, String key) {
        byte[] d = sha256(seed + ":" + key);
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (d[i] & 0xff);
        }
        return h;
    }

    /** {@link #stableHash} mapped to [0, 1). */
    public static double unit(long seed, String key) {
        return (stableHash(seed, key) >>> 11) * 0x1.0p-53;
    }

    /** SHA-256 of the UTF-8 bytes. */
    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** Hex of SHA-256. */
    public static String sha256Hex(String text) {
        StringBuilder out = new StringBuilder(64);
        for (byte b : sha256(text)) {
            out.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return out.toString();
    }
}
