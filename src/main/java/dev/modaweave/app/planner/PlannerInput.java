package dev.modaweave.app.planner;

import dev.modaweave.agent.Session;
import dev.modaweave.tools.Modality;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user message as the planner reads it: the request itself, the media attached to it, and the
 * artifacts of the conversation the agent lists after it. Attached media are lines
 * {@code [attached image: art_…]} (the evaluation's form); the agent's list is a block
 * {@code [artifacts of this conversation, newest last; …:\n image art_… (origin)…]}.
 *
 * @param request  the request text without the attachment lines and the artifact list
 * @param attached media attached to this message, in order
 * @param known    artifacts of the conversation, newest last
 */
record PlannerInput(String request, List<Media> attached, List<Media> known) {

    /**
     * A media item: its modality, artifact id, how it came to be (a call's task and prompt, or
     * empty) and the caption the agent's projector gave it (or null).
     */
    record Media(Modality modality, String id, String origin, String caption) {
        private static final Pattern ORIGIN = Pattern.compile("^([a-z][a-z-]*): \"(.*)\"$", Pattern.DOTALL);

        Media(Modality modality, String id, String origin) {
            this(modality, id, origin, null);
        }

        /** The task of the call that made it, or null (uploaded, or unknown). */
        String task() {
            Matcher m = origin == null ? null : ORIGIN.matcher(origin.strip());
            return m != null && m.matches() ? m.group(1) : (origin != null && origin.matches("[a-z][a-z-]*") ? origin : null);
        }

        /** The prompt (or spoken text) of the call that made it, or null. */
        String prompt() {
            Matcher m = origin == null ? null : ORIGIN.matcher(origin.strip());
            if (m == null || !m.matches() || m.group(2).isBlank()) {
                return null;
            }
            String p = m.group(2);
            return p.endsWith("…") ? p.substring(0, p.length() - 1) : p;
        }
    }

    /** How the caption projector inserts a caption: {@code [image art_…: caption]}. */
    private static final Pattern CAPTIONED = Pattern.compile(
            "\\[(image|video|audio) (art_[a-z2-7]{26}): (.*?)](?=\\s*(?:\\n|$))", Pattern.DOTALL);
    /** The label offline descriptions start with; a prompt made from one leaves it out. */
    private static final Pattern DESCRIPTION_LABEL = Pattern.compile("^Offline description \\([^)]*\\):\\s*");

    private static final Pattern ATTACHED = Pattern.compile("(?m)^\\[attached (image|video|audio): ([A-Za-z0-9_.-]+)]\\s*$\\n?");
    private static final Pattern KNOWN_BLOCK = Pattern.compile("\\[artifacts of this conversation[^\\]]*?:((?:\\n[^\\n\\]]*)*)]");
    private static final Pattern KNOWN_LINE = Pattern.compile("^\\s*(image|video|audio|text)\\s+([A-Za-z0-9_.-]+)");

    PlannerInput {
        attached = List.copyOf(attached);
        known = List.copyOf(known);
    }

    static PlannerInput parse(String message) {
        List<Media> attached = new ArrayList<>();
        List<Media> known = new ArrayList<>();
        Matcher k = KNOWN_BLOCK.matcher(message);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (k.find()) {
            rest.append(message, last, k.start());
            last = k.end();
            for (String line : k.group(1).split("\n")) {
                Matcher l = KNOWN_LINE.matcher(line);
                if (l.find() && !l.group(1).equals("text")) {
                    known.add(new Media(Modality.fromWireName(l.group(1)), l.group(2), line.substring(l.end()).strip()));
                }
            }
        }
        rest.append(message.substring(last));
        Matcher a = ATTACHED.matcher(rest);
        StringBuilder request = new StringBuilder();
        last = 0;
        while (a.find()) {
            request.append(rest, last, a.start());
            last = a.end();
            attached.add(new Media(Modality.fromWireName(a.group(1)), a.group(2), "uploaded by the user"));
        }
        request.append(rest.substring(last));
        Matcher c = CAPTIONED.matcher(request);
        StringBuilder uncaptioned = new StringBuilder();
        last = 0;
        while (c.find()) {
            uncaptioned.append(request, last, c.start());
            last = c.end();
            attached.add(new Media(Modality.fromWireName(c.group(1)), c.group(2), "uploaded by the user", c.group(3).strip()));
        }
        uncaptioned.append(request.substring(last));
        return new PlannerInput(uncaptioned.toString().strip(), attached, known);
    }

    /** The first attached medium that came with a caption, or null. */
    Media captioned() {
        return attached.stream().filter(m -> m.caption() != null && !m.caption().isBlank()).findFirst().orElse(null);
    }

    /**
     * A prompt made from the first attached caption (an offline description without its label, at most
     * its first two sentences), or null when nothing attached has a caption.
     */
    String captionPrompt() {
        Media m = captioned();
        if (m == null || m.caption().startsWith("not captioned")) {
            return null;
        }
        String text = DESCRIPTION_LABEL.matcher(m.caption()).replaceFirst("");
        String[] sentences = text.split("(?<=[.!?])\\s+");
        String prompt = sentences.length > 1 ? sentences[0] + " " + sentences[1] : sentences[0];
        prompt = prompt.replaceAll("[.\\s]+$", "");
        return prompt.length() > 300 ? prompt.substring(0, 300) : prompt;
    }

    /**
     * A message whose conversation artifacts are given rather than listed in its text: attachment
     * lines are still read from the text (the evaluation's form), an artifact list in it is ignored.
     */
    static PlannerInput of(String message, List<Session.ArtifactNote> artifacts) {
        PlannerInput parsed = parse(message);
        List<Media> known = new ArrayList<>();
        for (Session.ArtifactNote a : artifacts) {
            if (a.modality() == Modality.IMAGE || a.modality() == Modality.VIDEO || a.modality() == Modality.AUDIO) {
                known.add(new Media(a.modality(), a.id(), a.origin()));
            }
        }
        return new PlannerInput(parsed.request(), parsed.attached(), known);
    }

    /** The marker words the network sees before the request: one per modality attached or known. */
    List<String> markers() {
        List<String> out = new ArrayList<>();
        for (Modality modality : new Modality[] {Modality.IMAGE, Modality.VIDEO, Modality.AUDIO}) {
            if (attached.stream().anyMatch(m -> m.modality() == modality) || known.stream().anyMatch(m -> m.modality() == modality)) {
                out.add(marker(modality));
            }
        }
        return out;
    }

    /** The marker word saying that media of {@code modality} is at hand. */
    static String marker(Modality modality) {
        return "<has:" + modality.wireName() + ">";
    }

    /** The newest media of one of {@code modalities}: attached to this message first, else known; or null. */
    Media newest(Modality... modalities) {
        List<Modality> wanted = List.of(modalities);
        for (int i = attached.size() - 1; i >= 0; i--) {
            if (wanted.contains(attached.get(i).modality())) {
                return attached.get(i);
            }
        }
        for (int i = known.size() - 1; i >= 0; i--) {
            if (wanted.contains(known.get(i).modality())) {
                return known.get(i);
            }
        }
        return null;
    }

    /** The newest known media made by a call of {@code task}, or null. */
    Media newestOfTask(String task) {
        for (int i = known.size() - 1; i >= 0; i--) {
            if (task.equals(known.get(i).task())) {
                return known.get(i);
            }
        }
        return null;
    }

    /** Whether {@code a} came after {@code b} in the conversation. */
    boolean isNewer(Media a, Media b) {
        return known.indexOf(a) > known.indexOf(b);
    }

    /** The newest image: attached to this message first, else the newest the conversation knows. */
    String newestImage() {
        for (int i = attached.size() - 1; i >= 0; i--) {
            if (attached.get(i).modality() == Modality.IMAGE) {
                return attached.get(i).id();
            }
        }
        for (int i = known.size() - 1; i >= 0; i--) {
            if (known.get(i).modality() == Modality.IMAGE) {
                return known.get(i).id();
            }
        }
        return null;
    }
}
