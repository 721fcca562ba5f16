package dev.modaweave.app.run;

import dev.modaweave.agent.AgentEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn's answer rebuilt from its events with each call's outcome at the place where the call
 * stood: the text of the {@code text} events, cut at every call event's {@code at} offset, with
 * the artifact (or a short marker such as {@code [image failed: …]}) in between. Rendered as plain
 * text for a terminal, as Markdown ({@code ![…](file)} for images, a link for audio and video) and
 * as a self-contained HTML page with {@code <img>}, {@code <audio>} and {@code <video>} players
 * that refer to the media files beside it.
 */
public final class InterleavedAnswer {

    private static final int MAX_MESSAGE = 160;

    /** A part of the answer in reading order. */
    public sealed interface Piece permits Text, Media, Marker {
    }

    /** A run of the answer's text. */
    public record Text(String text) implements Piece {
    }

    /**
     * An artifact at its call's place: {@code file} is where it was written, {@code label} the
     * call's prompt (or its id when it had none).
     */
    public record Media(String callId, String modality, String mimeType, Path file, String tool, String label,
                        JsonObject attributes) implements Piece {
    }

    /** A call that produced nothing, as the words shown at its place, e.g. {@code [image failed: timed out]}. */
    public record Marker(String callId, String words) implements Piece {
    }

    private static final class Slot {
        final int at;
        final int order;
        final String callId;
        String task;
        String label;
        Piece outcome;

        Slot(int at, int order, String callId) {
            this.at = at;
            this.order = order;
            this.callId = callId;
        }
    }

    private final StringBuilder text = new StringBuilder();
    private final Map<String, Slot> calls = new LinkedHashMap<>();
    private final List<Slot> slots = new ArrayList<>();

    /**
     * Takes the next event of the turn; {@code file} is where an {@code artifact} event's media
     * was written (ignored for other events).
     */
    public void accept(JsonObject event, Path file) {
        String type = event.getString("type", "");
        switch (type) {
            case AgentEvents.TEXT -> text.append(event.getString("text", ""));
            case AgentEvents.CALL_ACCEPTED, AgentEvents.PROGRESS -> {
                Slot slot = slot(event);
                if (event.getString("task") != null) {
                    slot.task = event.getString("task");
                }
                JsonObject args = event.getJsonObject("args");
                if (args != null && slot.label == null) {
                    Object prompt = args.getValue("prompt", args.getValue("text"));
                    slot.label = prompt instanceof String s && !s.isBlank() ? oneLine(s) : null;
                }
            }
            case AgentEvents.ARTIFACT -> {
                Slot slot = slot(event);
                if (slot.task == null) {
                    slot.task = event.getString("task");
                }
                slot.outcome = new Media(slot.callId, event.getString("modality", "file"), event.getString("mimeType", ""), file,
                        event.getString("tool", ""), slot.label != null ? slot.label : event.getString("modality", "file") + " " + slot.callId,
                        event.getJsonObject("attributes", new JsonObject()));
            }
            case AgentEvents.CALL_FAILED -> {
                Slot slot = slot(event);
                JsonObject error = event.getJsonObject("error", new JsonObject());
                slot.outcome = new Marker(slot.callId, "[" + what(slot) + " failed: " + shorten(error.getString("message", "unknown error")) + "]");
            }
            case AgentEvents.CALL_REJECTED -> {
                Slot slot = slot(event);
                if (slot.task == null) {
                    slot.task = taskOf(event.getString("raw"));
                }
                slot.outcome = new Marker(slot.callId, "[" + (slot.task != null ? what(slot) : slot.callId == null ? "meta-response"
                        : "call " + slot.callId) + " rejected: " + shorten(rejection(event)) + "]");
            }
            default -> {
            }
        }
    }

    /** The visible text of the turn so far, without any media. */
    public String text() {
        return text.toString();
    }

    /** The answer in reading order: text runs with each call's media or marker where the call stood. */
    public List<Piece> pieces() {
        List<Slot> ordered = new ArrayList<>(slots);
        ordered.sort(Comparator.<Slot>comparingInt(s -> s.at).thenComparingInt(s -> s.order));
        List<Piece> pieces = new ArrayList<>();
        int from = 0;
        for (Slot slot : ordered) {
            int at = Math.max(from, Math.min(slot.at, text.length()));
            if (at > from) {
                pieces.add(new Text(text.substring(from, at)));
            }
            from = at;
            pieces.add(slot.outcome != null ? slot.outcome : new Marker(slot.callId, "[" + what(slot) + " not finished]"));
        }
        if (from < text.length()) {
            pieces.add(new Text(text.substring(from)));
        }
        return pieces;
    }

    /** For a terminal: text with each artifact on its own line as {@code [image] PATH  (details)}. */
    public String toPlainText() {
        StringBuilder sb = new StringBuilder();
        for (Piece piece : pieces()) {
            if (piece instanceof Text t) {
                sb.append(afterBlock(sb) ? stripLeading(t.text()) : t.text());
            } else if (piece instanceof Media m) {
                block(sb, "[" + m.modality() + "] " + m.file() + "  (" + m.mimeType() + ", " + m.tool() + details(m.attributes()) + ")");
            } else if (piece instanceof Marker k) {
                block(sb, k.words());
            }
        }
        trimEnd(sb);
        return sb.append('\n').toString();
    }

    /**
     * As Markdown whose links are file names relative to the document: {@code ![prompt](file)} for
     * images (an animated GIF stands for a video), {@code [audio: prompt](file)} for audio and video.
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        for (Piece piece : pieces()) {
            if (piece instanceof Text t) {
                sb.append(afterBlock(sb) ? stripLeading(t.text()) : t.text());
            } else if (piece instanceof Media m) {
                String target = markdownTarget(fileName(m.file()));
                String label = markdownLabel(m.label());
                block(sb, m.mimeType().startsWith("image/") ? "![" + label + "](" + target + ")"
                        : "[" + m.modality() + ": " + label + "](" + target + ")");
            } else if (piece instanceof Marker k) {
                block(sb, "*" + markdownLabel(k.words()) + "*");
            }
        }
        trimEnd(sb);
        return sb.append('\n').toString();
    }

    /**
     * As one HTML page that needs nothing but the media files beside it: paragraphs of text and a
     * {@code <figure>} with an {@code <img>}, {@code <audio>} or {@code <video>} player at each
     * call's place.
     */
    public String toHtml(String title) {
        StringBuilder body = new StringBuilder();
        boolean afterBlock = false;
        for (Piece piece : pieces()) {
            if (piece instanceof Text t) {
                String run = afterBlock ? stripLeading(t.text()) : t.text();
                for (String paragraph : run.split("\\n\\s*\\n")) {
                    if (!paragraph.isBlank()) {
                        body.append("<p>").append(escape(paragraph.strip())).append("</p>\n");
                    }
                }
                afterBlock = false;
            } else if (piece instanceof Media m) {
                String src = escape(fileName(m.file()));
                String kind = m.mimeType().substring(0, Math.max(0, m.mimeType().indexOf('/')));
                body.append("<figure data-call=\"").append(escape(m.callId())).append("\" data-kind=\"").append(escape(m.modality()))
                        .append("\">");
                switch (kind) {
                    case "image" -> body.append("<img src=\"").append(src).append("\" alt=\"").append(escape(m.label())).append("\">");
                    case "audio" -> body.append("<audio controls preload=\"metadata\" src=\"").append(src).append("\"></audio>");
                    case "video" -> body.append("<video controls preload=\"metadata\" playsinline src=\"").append(src).append("\"></video>");
                    default -> body.append("<a href=\"").append(src).append("\">").append(src).append("</a>");
                }
                body.append("<figcaption>").append(escape(m.label())).append(" · ").append(escape(m.modality()))
                        .append(" · ").append(escape(m.tool())).append(escape(details(m.attributes()))).append("</figcaption></figure>\n");
                afterBlock = true;
            } else if (piece instanceof Marker k) {
                body.append("<p class=\"marker\" data-call=\"").append(escape(k.callId() == null ? "" : k.callId())).append("\">")
                        .append(escape(k.words())).append("</p>\n");
                afterBlock = true;
            }
        }
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <style>
                body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
                p { white-space: pre-wrap; margin: 0.6rem 0; }
                figure { margin: 0.8rem 0; }
                figure img, figure video { max-width: 100%%; border-radius: 6px; display: block; }
                figure audio { width: 100%%; }
                figcaption { font-size: 0.8rem; color: #6a7384; }
                .marker { color: #a33; font-style: italic; }
                </style>
                </head>
                <body>
                <main class="answer">
                %s</main>
                </body>
                </html>
                """.formatted(escape(title), body);
    }

    private Slot slot(JsonObject event) {
        String callId = event.getString("callId");
        Slot slot = callId == null ? null : calls.get(callId);
        if (slot == null) {
            Integer at = event.getInteger("at");
            slot = new Slot(at == null ? text.length() : at, slots.size(), callId);
            slots.add(slot);
            if (callId != null) {
                calls.put(callId, slot);
            }
        }
        return slot;
    }

    private static String what(Slot slot) {
        if (slot.task == null) {
            return slot.callId == null ? "call" : "call " + slot.callId;
        }
        int to = slot.task.lastIndexOf("-to-");
        return to >= 0 ? slot.task.substring(to + 4) : slot.task;
    }

    /** The task a rejected meta-response asked for, when its JSON can still be read. */
    private static String taskOf(String raw) {
        if (raw == null || raw.indexOf('{') < 0 || raw.lastIndexOf('}') < raw.indexOf('{')) {
            return null;
        }
        try {
            Object task = new JsonObject(raw.substring(raw.indexOf('{'), raw.lastIndexOf('}') + 1)).getValue("task");
            return task instanceof String t && !t.isBlank() ? t : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static String rejection(JsonObject event) {
        JsonArray errors = event.getJsonArray("errors");
        if (errors != null && !errors.isEmpty()) {
            return errors.getJsonObject(0).getString("message", "invalid");
        }
        return event.getString("reason", "it could not be read");
    }

    private static String shorten(String message) {
        String line = oneLine(message);
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 1) + "…";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    static String details(JsonObject attributes) {
        if (attributes == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (attributes.containsKey("width") && attributes.containsKey("height")) {
            sb.append(", ").append(attributes.getValue("width")).append('×').append(attributes.getValue("height"));
        }
        if (attributes.containsKey("durationMs")) {
            sb.append(", ").append(attributes.getValue("durationMs")).append(" ms");
        }
        return sb.toString();
    }

    private static String fileName(Path file) {
        return file == null ? "" : file.getFileName().toString();
    }

    /** A block (media line, marker) stands on its own line, with a blank line around it. */
    private static void block(StringBuilder sb, String line) {
        trimEnd(sb);
        if (!sb.isEmpty()) {
            sb.append("\n\n");
        }
        sb.append(line).append("\n\n");
    }

    private static boolean afterBlock(StringBuilder sb) {
        return sb.length() >= 2 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n';
    }

    private static void trimEnd(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && Character.isWhitespace(sb.charAt(end - 1))) {
            end--;
        }
        sb.setLength(end);
    }

    private static String stripLeading(String s) {
        return s.stripLeading();
    }

    private static String markdownLabel(String s) {
        return oneLine(s).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]");
    }

    private static String markdownTarget(String name) {
        return name.matches("[A-Za-z0-9._-]+") ? name : "<" + name.replace("<", "%3C").replace(">", "%3E") + ">";
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
