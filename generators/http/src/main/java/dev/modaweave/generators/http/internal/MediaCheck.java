package dev.modaweave.generators.http.internal;

import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Checks that a backend's answer is media of the expected modality, by magic bytes, and that the
 * container formats whose end can be found cheaply (PNG, GIF, JPEG, WAV, MP4) are not cut short.
 */
public final class MediaCheck {

    private MediaCheck() {
    }

    /**
     * @param source who produced the bytes, for messages, e.g. {@code "ComfyUI output 'x.png'"}
     * @return the media type the bytes are
     * @throws InvalidMediaException when the bytes are empty, unrecognised, of another modality or truncated
     */
    public static String require(byte[] bytes, Modality expected, String source) {
        if (bytes.length == 0) {
            throw new InvalidMediaException(source + " returned no bytes where " + expected.wireName() + " was expected");
        }
        Optional<String> sniffed = MediaTypes.sniff(bytes);
        if (sniffed.isEmpty()) {
            throw new InvalidMediaException(source + " returned " + bytes.length + " bytes that are no recognised "
                    + expected.wireName() + " format (they start with " + preview(bytes) + ")");
        }
        String mime = sniffed.get();
        if (expected == Modality.VIDEO && mime.equals("audio/ogg")) {
            mime = "video/ogg";
        }
        if (expected == Modality.AUDIO && mime.equals("video/mp4")) {
            mime = "audio/mp4";
        }
        String major = mime.substring(0, mime.indexOf('/'));
        boolean webmAudio = expected == Modality.AUDIO && mime.equals("video/webm");
        if (!major.equals(expected.wireName()) && !webmAudio) {
            throw new InvalidMediaException(source + " returned " + mime + " where " + expected.wireName()
                    + " was expected; check that the configured model or workflow produces " + expected.wireName());
        }
        Optional<String> damage = truncation(bytes, mime);
        if (damage.isPresent()) {
            throw new InvalidMediaException(source + " returned a damaged " + mime + " of " + bytes.length + " bytes: "
                    + damage.get() + "; the transfer was probably cut short");
        }
        return mime;
    }

    private static Optional<String> truncation(byte[] b, String mime) {
        int n = b.length;
        switch (mime) {
            case "image/png":
                if (n < 12 || !ascii(b, n - 8, "IEND")) {
                    return Optional.of("it does not end with the IEND chunk");
                }
                break;
            case "image/gif":
                if ((b[n - 1] & 0xFF) != 0x3B) {
                    return Optional.of("it does not end with the GIF trailer");
                }
                break;
            case "image/jpeg":
                for (int i = n - 2; i >= Math.max(0, n - 64); i--) {
                    if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                        return Optional.empty();
                    }
                }
                return Optional.of("it has no end-of-image marker");
            case "audio/wav":
                if (n < 12) {
                    return Optional.of("the RIFF header is incomplete");
                }
                long declared = le32(b, 4);
                if (declared != 0 && declared != 0xFFFFFFFFL && declared + 8 > n) {
                    return Optional.of("the RIFF header declares " + (declared + 8) + " bytes");
                }
                break;
            case "video/mp4", "audio/mp4", "video/quicktime":
                return isoBoxDamage(b);
            default:
                break;
        }
        return Optional.empty();
    }

    private static Optional<String> isoBoxDamage(byte[] b) {
        long offset = 0;
        while (offset < b.length) {
            if (offset + 8 > b.length) {
                return Optional.of("a box header at byte " + offset + " is incomplete");
            }
            long size = be32(b, (int) offset);
            String type = new String(b, (int) offset + 4, 4, StandardCharsets.ISO_8859_1);
            if (size == 1) {
                if (offset + 16 > b.length) {
                    return Optional.of("the '" + type + "' box header is incomplete");
                }
                size = (be32(b, (int) offset + 8) << 32) | be32(b, (int) offset + 12);
            } else if (size == 0) {
                return Optional.empty();
            }
            if (size < 8) {
                return Optional.of("the '" + type + "' box has an impossible size " + size);
            }
            if (offset + size > b.length) {
                return Optional.of("the '" + type + "' box needs " + size + " bytes but only " + (b.length - offset) + " remain");
            }
            offset += size;
        }
        return Optional.empty();
    }

    private static String preview(byte[] b) {
        String text = new String(b, 0, Math.min(b.length, 80), StandardCharsets.UTF_8);
        if (text.chars().allMatch(c -> c >= 0x20 && c != 0xFFFD || c == '\n' || c == '\r' || c == '\t')) {
            return "\"" + Text.shorten(text, 60) + "\"";
        }
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < Math.min(8, b.length); i++) {
            hex.append(String.format("%02x", b[i] & 0xFF));
        }
        return hex.toString();
    }

    private static boolean ascii(byte[] b, int offset, String expected) {
        if (offset < 0 || offset + expected.length() > b.length) {
            return false;
        }
        for (int i = 0; i < expected.length(); i++) {
            if (b[offset + i] != (byte) expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long le32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) | (b[offset + 1] & 0xFFL) << 8 | (b[offset + 2] & 0xFFL) << 16 | (b[offset + 3] & 0xFFL) << 24;
    }

    private static long be32(byte[] b, int offset) {
        return (b[offset] & 0xFFL) << 24 | (b[offset + 1] & 0xFFL) << 16 | (b[offset + 2] & 0xFFL) << 8 | (b[offset + 3] & 0xFFL);
    }
}
