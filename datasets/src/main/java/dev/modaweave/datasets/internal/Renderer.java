package dev.modaweave.datasets.internal;

import dev.modaweave.agent.MetaResponse;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills template placeholders and places meta-responses at {@code {call}}, {@code {call1}}, {@code {call2}}…. */
public final class Renderer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_0-9]+)}");
    /** Values written exactly as computed, never capitalised (their case is the point of the answer). */
    private static final java.util.Set<String> VERBATIM = java.util.Set.of("lowercase", "CAPTION", "quoted", "line", "words");
    private static final Pattern CALL = Pattern.compile("\\{call([1-9]?)}");

    private Renderer() {
    }

    /**
     * Fills {@code template}. A value that starts a sentence (at the start of the template or after
     * ". ", "? ", "! ") is capitalised, except verbatim values ({@code {lowercase}}, {@code {quoted}},
     * {@code {line}}…); the template's own wording is left as written.
     *
     * @throws IllegalStateException for a placeholder {@code values} lacks
     */
    public static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template '" + template + "' uses {" + m.group(1)
                        + "}, which this kind of record does not provide");
            }
            if (startsSentence(template, m.start()) && !value.isEmpty() && !VERBATIM.contains(m.group(1))) {
                value = Character.toUpperCase(value.charAt(0)) + value.substring(1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean startsSentence(String template, int at) {
        if (at == 0) {
            return true;
        }
        if (at < 2 || template.charAt(at - 1) != ' ') {
            return false;
        }
        char c = template.charAt(at - 2);
        return c == '.' || c == '?' || c == '!';
    }

    /** Fills an assistant template and puts each call's canonical text where its marker is. */
    public static String fillReply(String template, Map<String, String> values, List<MetaResponse> calls) {
        Matcher m = CALL.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        int last = 0;
        int used = 0;
        while (m.find()) {
            out.append(fill(template.substring(last, m.start()), values));
            int index = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1)) - 1;
            if (index >= calls.size()) {
                throw new IllegalStateException("reply template '" + template + "' has " + m.group()
                        + " but the record has " + calls.size() + " call(s)");
            }
            out.append(calls.get(index).toCanonicalText());
            used++;
            last = m.end();
        }
        out.append(fill(template.substring(last), values));
        if (used != calls.size()) {
            throw new IllegalStateException("reply template '" + template + "' places " + used + " call(s), the record has "
                    + calls.size());
        }
        return out.toString().strip();
    }
}
