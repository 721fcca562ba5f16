package dev.modaweave.tools;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Recognises media by their magic bytes, so that what a backend returns (or a user uploads) can
 * be checked against the media type it claims. Tools, the artifact store and HTTP generators use
 * the same check: {@link #requireMatches(byte[], String)}.
 *
 * <p>Recognised: PNG, JPEG, GIF, WebP, BMP, WAV, MP3, OGG, FLAC, MP4/M4A/MOV (ISO base media),
 * WebM/Matroska; {@code text/plain} (captions, transcripts) is valid UTF-8 text. Media types are compared after {@link #normalize normalisation}
 * ({@code audio/x-wav} is {@code audio/wav}, parameters are dropped).
 */
public final class MediaTypes {

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("image/jpg", "image/jpeg"),
            Map.entry("image/pjpeg", "image/jpeg"),
            Map.entry("audio/wave", "audio/wav"),
            Map.entry("audio/x-wav", "audio/wav"),
            Map.entry("audio/vnd.wave", "audio/wav"),
            Map.entry("audio/mp3", "audio/mpeg"),
            Map.entry("audio/x-flac", "audio/flac"),
            Map.entry("audio/x-m4a", "audio/mp4"),
            Map.entry("image/x-ms-bmp", "image/bmp"),
            Map.entry("video/x-matroska", "video/webm"),
            Map.entry("audio/webm", "video/webm"));

    private MediaTypes() {
    }

    /**
     * The media type that {@code bytes} start like, or empty when none of the recognised formats.
     * ISO base media files answer {@code video/mp4} unless their brand says audio ({@code M4A}) or
     * QuickTime ({@code qt}); Ogg answers {@code audio/ogg}.
     */
    public static Optional<String> sniff(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("image/png");
        }
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("image/jpeg");
        }
        if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) {
            return Optional.of("image/gif");
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) {
            return Optional.of("image/webp");
        }
        if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) {
            return Optional.of("audio/wav");
        }
        if (ascii(bytes, 0, "BM") && bytes.length >= 26) {
            return Optional.of("image/bmp");
        }
        if (ascii(bytes, 0, "OggS")) {
            return Optional.of("audio/ogg");
        }
        if (ascii(bytes, 0, "fLaC")) {
            return Optional.of("audio/flac");
        }
        if (ascii(bytes, 0, "ID3") || (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xE0) == 0xE0)) {
            return Optional.of("audio/mpeg");
        }
        if (ascii(bytes, 4, "ftyp")) {
            String brand = bytes.length >= 12 ? new String(bytes, 8, 4, StandardCharsets.ISO_8859_1) : "";
            if (brand.startsWith("M4A") || brand.startsWith("M4B")) {
                return Optional.of("audio/mp4");
            }
            if (brand.startsWith("qt")) {
                return Optional.of("video/quicktime");
            }
            return Optional.of("video/mp4");
        }
        if (startsWith(bytes, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return Optional.of("video/webm");
        }
        return Optional.empty();
    }

    /**
     * Lower-case media type without parameters, with common aliases mapped to one name
     * ({@code audio/x-wav} → {@code audio/wav}, {@code image/jpg} → {@code image/jpeg}).
     */
    public static String normalize(String mimeType) {
        Objects.requireNonNull(mimeType, "mimeType");
        int semicolon = mimeType.indexOf(';');
        String bare = (semicolon < 0 ? mimeType : mimeType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(bare, bare);
    }

    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/png", "png"), Map.entry("image/jpeg", "jpg"), Map.entry("image/gif", "gif"),
            Map.entry("image/webp", "webp"), Map.entry("image/bmp", "bmp"), Map.entry("audio/wav", "wav"),
            Map.entry("audio/mpeg", "mp3"), Map.entry("audio/ogg", "ogg"), Map.entry("audio/flac", "flac"),
            Map.entry("audio/mp4", "m4a"), Map.entry("video/mp4", "mp4"), Map.entry("video/quicktime", "mov"),
            Map.entry("video/webm", "webm"), Map.entry("text/plain", "txt"));

    /** The usual file extension of a media type, without the dot ({@code image/png} → {@code png}); {@code bin} when unknown. */
    public static String extension(String mimeType) {
        return mimeType == null ? "bin" : EXTENSIONS.getOrDefault(normalize(mimeType), "bin");
    }

    /** Whether {@code bytes} are of the media type {@code mimeType} claims. */
    public static boolean matches(byte[] bytes, String mimeType) {
        String claimed = normalize(mimeType);
        return sniff(bytes).map(found -> compatible(found, claimed)).orElse(false);
    }

    /**
     * Checks that {@code bytes} are what {@code mimeType} says.
     *
     * @return the normalised media type
     * @throws InvalidMediaException naming the claimed type and what the bytes look like
     */
    public static String requireMatches(byte[] bytes, String mimeType) {
        Objects.requireNonNull(bytes, "bytes");
        String claimed = normalize(mimeType);
        if (bytes.length == 0) {
            throw new InvalidMediaException("expected " + claimed + " but got no bytes");
        }
        if (claimed.equals("text/plain")) {
            requireText(bytes);
            return claimed;
        }
        Optional<String> found = sniff(bytes);
        if (found.isEmpty()) {
            throw new InvalidMediaException("expected " + claimed + " but the " + bytes.length
                    + " bytes start with " + hexPrefix(bytes) + ", which is no recognised media format");
        }
        if (!compatible(found.get(), claimed)) {
            throw new InvalidMediaException("expected " + claimed + " but the bytes are " + found.get()
                    + "; the backend returned a different format than it declared");
        }
        return claimed;
    }

    /** Text artifacts (captions, transcripts) are UTF-8 without NUL or other control characters but tab and line breaks. */
    private static void requireText(byte[] bytes) {
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    throw new InvalidMediaException("expected text/plain but the text holds the control character U+"
                            + String.format("%04X", (int) c) + " at index " + i);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidMediaException("expected text/plain but the " + bytes.length + " bytes are not valid UTF-8");
        }
    }

    private static boolean compatible(String found, String claimed) {
        if (found.equals(claimed)) {
            return true;
        }
        // one container, several names: an ISO base media file may be declared as any of these
        boolean foundIso = found.equals("video/mp4") || found.equals("audio/mp4") || found.equals("video/quicktime");
        boolean claimedIso = claimed.equals("video/mp4") || claimed.equals("audio/mp4") || claimed.equals("video/quicktime");
        return foundIso && claimedIso || found.equals("audio/ogg") && claimed.equals("video/ogg");
    }

    private static boolean startsWith(byte[] bytes, int offset, int... expected) {
        if (bytes.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((bytes[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] bytes, int offset, String expected) {
        int[] codes = expected.chars().toArray();
        return startsWith(bytes, offset, codes);
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return "0x" + sb;
    }
}
