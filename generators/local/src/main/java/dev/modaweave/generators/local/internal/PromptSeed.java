package dev.modaweave.generators.local.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Turns a prompt into numbers: a seed from its SHA-256 (so the same prompt always gives the same
 * preview, on every JVM) and a per-word hash so that each word shapes part of the result.
 */
public final class PromptSeed {

    private PromptSeed() {
    }

    /** A 64-bit seed from the SHA-256 of {@code text}, mixed with {@code extra} (a user seed, or 0). */
    public static long of(String text, long extra) {
        byte[] digest = sha256(text);
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = (seed << 8) | (digest[i] & 0xFF);
        }
        return seed ^ (extra * 0x9E3779B97F4A7C15L);
    }

    /** A random source seeded from {@code text} and {@code extra}. */
    public static SplittableRandom random(String text, long extra) {
        return new SplittableRandom(of(text, extra));
    }

    /** The prompt's words, lower-cased, letters and digits only; never empty (falls back to the whole text). */
    public static List<String> words(String text) {
        List<String> words = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .toList();
        return words.isEmpty() ? List.of(text) : words;
    }

    /** A non-negative hash of one word, stable across JVMs. */
    public static int wordHash(String word) {
        return (int) (of(word, 0) >>> 33);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
