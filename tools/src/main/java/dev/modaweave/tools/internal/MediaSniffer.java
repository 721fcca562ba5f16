package dev.modaweave.tools.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks bytes against the magic numbers of the media types Modaweave stores. Types it has no
 * signature for are not checked.
 */
public final class MediaSniffer {

    private MediaSniffer() {
    }

    /**
     * Whether the bytes carry the signature of {@code mimeType}; empty when the type has no known
     * signature (nothing can be said).
     */
    public static Optional<Boolean> matches(String mimeType, byte[] b) {
        String type = normalise(mimeType);
        return switch (type) {
            case "image/png" -> Optional.of(startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A));
            case "image/jpeg" -> Optional.of(startsWith(b, 0, 0xFF, 0xD8, 0xFF));
            case "image/gif" -> Optional.of(ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a"));
            case "image/webp" -> Optional.of(ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP"));
            case "audio/wav" -> Optional.of(ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE"));
            case "audio/mpeg" -> Optional.of(ascii(b, 0, "ID3")
                    || (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0));
            case "audio/ogg", "video/ogg" -> Optional.of(ascii(b, 0, "OggS"));
            case "audio/flac" -> Optional.of(ascii(b, 0, "fLaC"));
            case "video/mp4", "audio/mp4" -> Optional.of(ascii(b, 4, "ftyp"));
            case "video/webm", "audio/webm" -> Optional.of(startsWith(b, 0, 0x1A, 0x45, 0xDF, 0xA3));
            default -> Optional.empty();
        };
    }

    /** Lower-cases, drops parameters ({@code ;codecs=…}) and folds common aliases. */
    public static String normalise(String mimeType) {
        String t = mimeType.toLowerCase(Locale.ROOT);
        int semicolon = t.indexOf(';');
        if (semicolon >= 0) {
            t = t.substring(0, semicolon);
        }
        t = t.trim();
        return switch (t) {
            case "image/jpg", "image/pjpeg" -> "image/jpeg";
            case "audio/wave", "audio/x-wav", "audio/vnd.wave" -> "audio/wav";
            case "audio/mp3", "audio/mpeg3", "audio/x-mpeg" -> "audio/mpeg";
            case "audio/x-flac" -> "audio/flac";
            default -> t;
        };
    }

    private static boolean startsWith(byte[] b, int offset, int... expected) {
        if (b.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] b, int offset, String text) {
        byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
        return b.length >= offset + expected.length
                && Arrays.equals(b, offset, offset + expected.length, expected, 0, expected.length);
    }
}
