package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what a backend said into a short, single-line text fit for an error message. */
public final class Text {

    private static final int MAX = 200;
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SCRIPT_OR_STYLE = Pattern.compile("<(script|style|head)[^>]*>.*?</\\1>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private Text() {
    }

    /** {@code text} on one line, cut to {@code max} characters with an ellipsis. */
    public static String shorten(String text, int max) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }

    /**
     * The backend's own explanation in {@code body}: the message field of a JSON error, the title
     * and text of an HTML page, or the plain text; shortened, with {@code secret} (if any) removed.
     */
    public static String backendMessage(byte[] body, String secret) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        String raw = new String(body, 0, Math.min(body.length, 64 * 1024), StandardCharsets.UTF_8);
        String message = fromJson(raw);
        if (message == null) {
            message = looksLikeHtml(raw) ? fromHtml(raw) : raw;
        }
        if (!isPrintable(message)) {
            message = "(" + body.length + " bytes that are not text)";
        }
        if (secret != null && !secret.isEmpty()) {
            message = message.replace(secret, "[redacted]");
        }
        message = shorten(message, MAX);
        return message.isEmpty() ? "(blank body)" : message;
    }

    private static String fromJson(String raw) {
        String trimmed = raw.strip();
        if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
            return null;
        }
        JsonNode node;
        try {
            node = BackendJson.MAPPER.readTree(trimmed);
        } catch (Exception e) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        collect(node, parts, 0);
        return parts.isEmpty() ? trimmed : String.join("; ", parts);
    }

    private static void collect(JsonNode node, List<String> parts, int depth) {
        if (depth > 3 || node == null || parts.size() >= 3) {
            return;
        }
        if (node.isTextual()) {
            parts.add(node.asText());
            return;
        }
        if (node.isArray()) {
            node.forEach(item -> collect(item, parts, depth + 1));
            return;
        }
        for (String field : List.of("error", "message", "detail", "errors", "msg", "exception_message", "title", "name")) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull()) {
                int before = parts.size();
                collect(value, parts, depth + 1);
                if (parts.size() > before) {
                    return;
                }
            }
        }
    }

    private static boolean looksLikeHtml(String raw) {
        String head = raw.substring(0, Math.min(raw.length(), 512)).toLowerCase(Locale.ROOT);
        return head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") || head.contains("<h1");
    }

    private static String fromHtml(String raw) {
        Matcher title = TITLE.matcher(raw);
        String titleText = title.find() ? title.group(1).strip() : "";
        String text = TAG.matcher(SCRIPT_OR_STYLE.matcher(raw).replaceAll(" ")).replaceAll(" ")
                .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        text = text.replaceAll("\\s+", " ").strip();
        if (!titleText.isEmpty() && !text.startsWith(titleText)) {
            return titleText + ": " + text;
        }
        return text;
    }

    private static boolean isPrintable(String text) {
        long control = text.chars().filter(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0xFFFD).count();
        return control * 20 <= text.length();
    }
}
