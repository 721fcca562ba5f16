package dev.modaweave.app.planner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The planner's tokenizer and hashed features. A token is a run of letters and digits or a single
 * other visible character; it keeps its character offsets so that a tagged span can be cut out of
 * the original request with its case and punctuation. Each token's features are the hash buckets of
 * its lower-cased word and of its character trigrams (with {@code #} marking the word's ends).
 */
final class Tokens {

    /** A token of a request. */
    record Token(String text, int start, int end) {
        boolean isWord() {
            return Character.isLetterOrDigit(text.charAt(0));
        }

        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private Tokens() {
    }

    /** The tokens of {@code text}, in order. */
    static List<Token> tokenize(String text) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < n && Character.isLetterOrDigit(text.charAt(j))) {
                    j++;
                }
                out.add(new Token(text.substring(i, j), i, j));
                i = j;
            } else {
                int j = Character.charCount(text.codePointAt(i));
                out.add(new Token(text.substring(i, i + j), i, i + j));
                i += j;
            }
        }
        return out;
    }

    /**
     * The feature buckets of one token: first the word's bucket, then its trigrams' (at most
     * {@code slots - 1}); unused slots hold -1.
     */
    static void features(String lowerWord, int buckets, int slots, long[] into, int offset) {
        into[offset] = bucket("w:" + lowerWord, buckets);
        String padded = "#" + lowerWord + "#";
        int k = 1;
        for (int i = 0; i + 3 <= padded.length() && k < slots; i++, k++) {
            into[offset + k] = bucket("t:" + padded.substring(i, i + 3), buckets);
        }
        for (; k < slots; k++) {
            into[offset + k] = -1;
        }
    }

    /** FNV-1a of the UTF-8 bytes, reduced to {@code [0, buckets)}. */
    static int bucket(String key, int buckets) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (int) Math.floorMod(h, (long) buckets);
    }
}
