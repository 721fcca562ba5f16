package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.agent.Session;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.datasets.internal.CaptionText;
import dev.modaweave.datasets.internal.MiniLmEncoder;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Tasks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline LLM: a small trained model (see {@link PlannerTrainer}) that reads the last user
 * message and writes a short reply with canonical {@code <meta>} blocks. The network decides which
 * calls to make (image, video, audio, speech, an edit of an image; several at once, or none) and tags
 * the words of the request that become each call's prompt; calls are written in the order their
 * words appear. An edit refers to the picture made in the same reply, else to the newest image the
 * message attaches or the conversation lists. A narration without words of its own describes the
 * picture or clip of the same reply. Requests that need no media get the answer of the nearest
 * no-call request of the training data.
 *
 * <p>A message that already holds meta-responses (canonical or any dialect the parser reads) is
 * answered with itself, so hand-written calls run unchanged. Later rounds of a turn (the agent's
 * "Results of your calls" and repair messages) are answered with nothing.
 *
 * <p>Thread-safe; the model is loaded once per instance (use {@link #shared()}).
 */
public final class EmbeddedPlanner implements StreamingChatModel {

    private static final List<String> FOLLOW_UP_PREFIXES = List.of("Results of your calls",
            "Some of your meta-responses could not be run");
    private static final double NO_CALL_MIN_SIMILARITY = 0.45;
    private static final double EDIT_MIN_SIMILARITY = 0.8;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_0-9]+)}");

    private static volatile EmbeddedPlanner shared;

    private final PlannerModel model;
    private final MiniLmEncoder embedder;
    private final MiniLmFeatures features;

    private EmbeddedPlanner(PlannerModel model, MiniLmEncoder embedder) {
        this.model = model;
        this.embedder = embedder;
        this.features = new MiniLmFeatures(embedder);
    }

    /**
     * The planner shipped with the application, loaded on first use.
     *
     * @throws IllegalStateException when the model resource is missing
     */
    public static EmbeddedPlanner shared() {
        EmbeddedPlanner p = shared;
        if (p == null) {
            synchronized (EmbeddedPlanner.class) {
                p = shared;
                if (p == null) {
                    try (InputStream in = EmbeddedPlanner.class.getClassLoader().getResourceAsStream(PlannerModel.RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("the planner model " + PlannerModel.RESOURCE
                                    + " is not on the class path; train one with: modaweave planner train --data DIR");
                        }
                        p = new EmbeddedPlanner(PlannerModel.load(in, PlannerModel.RESOURCE), MiniLmEncoder.shared());
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + PlannerModel.RESOURCE, e);
                    }
                    shared = p;
                }
            }
        }
        return p;
    }

    /**
     * A planner from a model file written by {@code modaweave planner train}.
     *
     * @throws IllegalArgumentException when the file is not a planner model
     */
    public static EmbeddedPlanner load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new EmbeddedPlanner(PlannerModel.load(in, file.toString()), MiniLmEncoder.shared());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the planner model " + file + ": " + e.getMessage(), e);
        }
    }

    /** How the model was trained (seed, epochs, per-epoch metrics, time), as stored in the model file. */
    public ObjectNode trainingInfo() {
        return model.training.deepCopy();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        String reply;
        try {
            reply = reply(request.messages());
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        for (String delta : deltas(reply)) {
            handler.onPartialResponse(delta);
        }
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(reply)).build());
    }

    /** The reply to a conversation: the plan of its last user message, or nothing in later rounds. */
    public String reply(List<ChatMessage> messages) {
        if (messages.isEmpty() || !(messages.get(messages.size() - 1) instanceof UserMessage user)) {
            return "";
        }
        String text = textOf(user);
        for (String prefix : FOLLOW_UP_PREFIXES) {
            if (text.startsWith(prefix)) {
                return "";
            }
        }
        return plan(text).reply();
    }

    /** The plan for one user message (which may carry attachment lines and the agent's artifact list). */
    public Plan plan(String message) {
        return plan(PlannerInput.parse(message));
    }

    /**
     * The plan for one user message in a conversation that holds {@code artifacts} (newest last);
     * attachment lines in the message are read, an artifact list in its text is not.
     */
    public Plan plan(String message, List<Session.ArtifactNote> artifacts) {
        return plan(PlannerInput.of(message, artifacts));
    }

    private Plan plan(PlannerInput input) {
        String request = input.request();
        List<ParseEvent> events = MetaResponseParser.parseAll(request);
        if (events.stream().anyMatch(e -> !(e instanceof ParseEvent.Text))) {
            List<MetaResponse> calls = new ArrayList<>();
            StringBuilder words = new StringBuilder();
            for (ParseEvent e : events) {
                if (e instanceof ParseEvent.Meta m) {
                    calls.add(m.call());
                } else if (e instanceof ParseEvent.Text t) {
                    words.append(t.text());
                }
            }
            return new Plan(request, calls, request, words.toString().strip(), true);
        }
        List<Tokens.Token> tokens = Tokens.tokenize(request);
        List<String> markers = input.markers();
        List<String> words = new ArrayList<>(markers);
        tokens.forEach(t -> words.add(t.lower()));
        MiniLmFeatures.Features meaning = features.of(words);
        PlannerModel.Output out = model.predict(words, meaning);
        List<Planned> planned = decode(request, tokens, markers.size(), out);
        return compose(request, input, planned, meaning.sentence());
    }

    /** A call the network asked for: its task and the character range of its words (start -1: none). */
    private record Planned(String task, int start, int end, float confidence) {
    }

    private List<Planned> decode(String request, List<Tokens.Token> tokens, int offset, PlannerModel.Output out) {
        List<String> tasks = model.settings.tasks();
        List<Planned> planned = new ArrayList<>();
        for (int task = 0; task < tasks.size(); task++) {
            if (out.calls()[task] < 0.5f) {
                continue;
            }
            int bestFrom = -1;
            int bestTo = -1;
            int from = -1;
            for (int j = 0; j <= tokens.size(); j++) {
                int tag = j < tokens.size() && offset + j < out.tags().length ? PlannerTrainer.argmax(out.tags()[offset + j]) : 0;
                boolean in = PlannerSettings.taskOfTag(tag) == task;
                boolean begins = tag == PlannerSettings.beginTag(task);
                if (from >= 0 && (!in || begins)) {
                    if (bestFrom < 0 || j - from > bestTo - bestFrom + 1) {
                        bestFrom = from;
                        bestTo = j - 1;
                    }
                    from = -1;
                }
                if (in && from < 0) {
                    from = j;
                }
            }
            if (bestFrom >= 0) {
                planned.add(new Planned(tasks.get(task), tokens.get(bestFrom).start(), tokens.get(bestTo).end(), out.calls()[task]));
            } else {
                planned.add(new Planned(tasks.get(task), -1, -1, out.calls()[task]));
            }
        }
        // Calls in the order of their words; a call without words goes after the calls it depends on.
        planned.sort(Comparator.comparingInt(p -> p.start() >= 0 ? p.start() : Integer.MAX_VALUE));
        return planned;
    }

    private Plan compose(String request, PlannerInput input, List<Planned> planned, float[] sentence) {
        List<MetaResponse> calls = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        String imageId = null;
        String visualPrompt = null;
        boolean visualIsVideo = false;
        int images = 0;
        String note = null;
        for (Planned p : planned) {
            String words = p.start() >= 0 ? trim(request.substring(p.start(), p.end())) : "";
            ObjectNode args = Json.object();
            String id;
            switch (p.task()) {
                case Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO -> {
                    String prompt = words.isEmpty() ? trim(request) : words;
                    args.put("prompt", prompt);
                    if (p.task().equals(Tasks.TEXT_TO_IMAGE)) {
                        id = "img" + (++images);
                        imageId = imageId == null ? id : imageId;
                    } else {
                        id = p.task().equals(Tasks.TEXT_TO_VIDEO) ? "vid1" : "aud1";
                    }
                    if (!p.task().equals(Tasks.TEXT_TO_AUDIO) && visualPrompt == null) {
                        visualPrompt = prompt;
                        visualIsVideo = p.task().equals(Tasks.TEXT_TO_VIDEO);
                    }
                    leads.add(switch (p.task()) {
                        case Tasks.TEXT_TO_IMAGE -> "The picture:";
                        case Tasks.TEXT_TO_VIDEO -> "The clip:";
                        default -> "The sound:";
                    });
                }
                case Tasks.TEXT_TO_SPEECH -> {
                    String text = words;
                    if (text.isEmpty()) {
                        text = visualPrompt == null ? trim(request)
                                : (visualIsVideo ? "In this clip, " : "This picture shows ") + CaptionText.inline(visualPrompt) + ".";
                    }
                    args.put("text", text);
                    id = "speech1";
                    leads.add(words.isEmpty() && visualPrompt != null ? "And the narration:" : "The recording:");
                }
                case Tasks.IMAGE_EDIT -> {
                    String source = imageId != null ? imageId : input.newestImage();
                    if (source == null) {
                        note = "There is no picture to edit yet: attach one, or ask me to draw it first.";
                        continue;
                    }
                    args.putObject("image").put(MetaResponse.REF, source);
                    args.put("prompt", editPrompt(words.isEmpty() ? trim(request) : words));
                    id = "img" + (++images);
                    leads.add(imageId != null ? "And the edited version:" : "The edited picture:");
                }
                default -> {
                    continue;
                }
            }
            calls.add(MetaResponse.ofTask(id, p.task(), args));
        }
        if (calls.isEmpty()) {
            String answer = note != null ? note : noCallAnswer(request, input, sentence);
            return new Plan(request, List.of(), answer, answer, false);
        }
        StringBuilder reply = new StringBuilder();
        StringBuilder text = new StringBuilder();
        if (calls.size() == 1) {
            reply.append("Here you go: ").append(calls.get(0).toCanonicalText());
            text.append("Here you go:");
        } else {
            reply.append("Here you go.");
            text.append("Here you go.");
            for (int i = 0; i < calls.size(); i++) {
                reply.append(' ').append(leads.get(i)).append(' ').append(calls.get(i).toCanonicalText());
                text.append(' ').append(leads.get(i));
            }
        }
        return new Plan(request, calls, reply.toString(), text.toString(), false);
    }

    private String editPrompt(String instruction) {
        if (model.edits.isEmpty()) {
            return instruction;
        }
        float[] v = embed(instruction);
        PlannerModel.Memory best = nearest(model.edits, v);
        return best != null && SentenceEmbedder.cosine(best.vector(), v) >= EDIT_MIN_SIMILARITY ? best.answer() : instruction;
    }

    /** The answer to a request needing no media; {@code vector} is the request's sentence embedding. */
    private String noCallAnswer(String request, PlannerInput input, float[] vector) {
        if (!input.attached().isEmpty()) {
            String m = input.attached().get(0).modality().wireName();
            return "I can't look inside the attached " + m + " here, but I can edit it, narrate something for it, "
                    + "or make new pictures, clips and sounds from your description.";
        }
        PlannerModel.Memory best = nearest(model.noCall, vector);
        if (best == null || SentenceEmbedder.cosine(best.vector(), vector) < NO_CALL_MIN_SIMILARITY) {
            return "I can help with that in words. If you'd like a picture, a short video, a sound or speech, just ask.";
        }
        if (best.template() == null) {
            return best.answer();
        }
        String subject = subject(best.template(), request);
        return subject == null ? "Here's my suggestion: " + CaptionText.sentence(trim(request))
                : fill(best.replyTemplate(), subject);
    }

    /** The words of {@code request} standing where {@code template} has its first placeholder, or null. */
    static String subject(String template, String request) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder regex = new StringBuilder("(?is)^\\s*");
        int last = 0;
        boolean first = true;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append(first ? "(.+?)" : ".+?");
            first = false;
            last = m.end();
        }
        if (first) {
            return null;
        }
        regex.append(Pattern.quote(template.substring(last))).append("\\s*$");
        Matcher r = Pattern.compile(regex.toString()).matcher(request.strip());
        return r.matches() ? trim(r.group(1)) : null;
    }

    static String fill(String template, String subject) {
        Map<String, String> v = Map.of("caption", CaptionText.inline(subject), "Caption", CaptionText.sentence(subject),
                "Caption_nostop", CaptionText.capitalised(subject),
                "CAPTION", CaptionText.sentence(subject).toUpperCase(Locale.ROOT),
                "lowercase", CaptionText.sentence(subject).toLowerCase(Locale.ROOT), "Title", CaptionText.title(subject),
                "words", Integer.toString(CaptionText.words(subject)));
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(v.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static PlannerModel.Memory nearest(List<PlannerModel.Memory> memory, float[] v) {
        PlannerModel.Memory best = null;
        double score = -2;
        for (PlannerModel.Memory m : memory) {
            double s = SentenceEmbedder.cosine(m.vector(), v);
            if (s > score) {
                score = s;
                best = m;
            }
        }
        return best;
    }

    private float[] embed(String text) {
        return embedder.embed(List.of(text.isBlank() ? " " : text))[0];
    }

    /** Strips surrounding spaces, quotes and trailing punctuation other than ? and !. */
    static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (Character.isWhitespace(s.charAt(a)) || "\"'“”‘’«»,;:".indexOf(s.charAt(a)) >= 0)) {
            a++;
        }
        while (b > a && (Character.isWhitespace(s.charAt(b - 1)) || "\"'“”‘’«»,;:.".indexOf(s.charAt(b - 1)) >= 0)) {
            b--;
        }
        return s.substring(a, b);
    }

    private static String textOf(UserMessage user) {
        StringBuilder sb = new StringBuilder();
        user.contents().forEach(c -> {
            if (c instanceof TextContent t) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(t.text());
            }
        });
        return sb.toString();
    }

    /** The reply in small pieces: a few words each, meta blocks split too. */
    static List<String> deltas(String reply) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < reply.length()) {
            int end = Math.min(reply.length(), i + 12);
            while (end < reply.length() && !Character.isWhitespace(reply.charAt(end - 1)) && end - i < 24) {
                end++;
            }
            out.add(reply.substring(i, end));
            i = end;
        }
        return out;
    }
}
