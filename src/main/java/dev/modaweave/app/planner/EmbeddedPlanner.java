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
import dev.modaweave.agent.RoundAwareChatModel;
import dev.modaweave.agent.RoundContext;
import dev.modaweave.agent.Session;
import dev.modaweave.datasets.SentenceEmbedder;
import dev.modaweave.datasets.CaptionText;
import dev.modaweave.generators.minilm.MiniLmEncoder;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
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
 * message attaches or the conversation holds. A call whose words only point back ("now animate it",
 * "say that again") takes its prompt from the conversation's newest fitting artifact: a clip of the
 * picture's prompt, the last spoken text again. A narration without words of its own describes the
 * picture or clip of the same reply (or the newest one of the conversation). Requests that need no
 * media get the answer of the nearest no-call request of the training data.
 *
 * <p>As a {@link RoundAwareChatModel} it reads the round's purpose and the conversation's artifacts
 * from the agent's {@link RoundContext}: only the first round of a turn is planned (later rounds,
 * after results or for repairs, are answered with nothing), and the artifacts come from the context
 * (an artifact list in the message text is left out, not read). Called as a plain {@link StreamingChatModel}, it falls back to
 * reading the agent's artifact list and recognising later rounds from the message text.
 *
 * <p>A message that already holds meta-responses (canonical or any dialect the parser reads) is
 * answered with itself, so hand-written calls run unchanged.
 *
 * <p>Thread-safe; the model is loaded once per instance (use {@link #shared()}).
 */
public final class EmbeddedPlanner implements RoundAwareChatModel {

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
        stream(reply, handler);
    }

    private static void stream(String reply, StreamingChatResponseHandler handler) {
        for (String delta : deltas(reply)) {
            handler.onPartialResponse(delta);
        }
        handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(reply)).build());
    }

    @Override
    public void chat(ChatRequest request, RoundContext context, StreamingChatResponseHandler handler) {
        String reply;
        try {
            reply = reply(request.messages(), context);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        stream(reply, handler);
    }

    /**
     * The reply to one round: in the first round the plan of the last user message among the
     * context's artifacts (an artifact list in the message text is left out, not read); nothing in
     * later rounds.
     */
    public String reply(List<ChatMessage> messages, RoundContext context) {
        if (context.kind() != RoundContext.Kind.ANSWER || messages.isEmpty()
                || !(messages.get(messages.size() - 1) instanceof UserMessage user)) {
            return "";
        }
        return plan(textOf(user), context.artifacts()).reply();
    }

    /**
     * The reply to a conversation given without a round context: the plan of its last user message
     * (reading the agent's artifact list from its text), or nothing when the message is the agent's
     * results or repair note of a later round.
     */
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
        int n = tokens.size();
        int[] taskAt = new int[n];
        boolean[] beginAt = new boolean[n];
        for (int j = 0; j < n; j++) {
            int tag = offset + j < out.tags().length ? PlannerTrainer.argmax(out.tags()[offset + j]) : 0;
            taskAt[j] = PlannerSettings.taskOfTag(tag);
            beginAt[j] = tag != 0 && tag == PlannerSettings.beginTag(taskAt[j]);
        }
        List<Planned> planned = new ArrayList<>();
        boolean[] called = model.decide(out);
        for (int task = 0; task < tasks.size(); task++) {
            if (!called[task]) {
                continue;
            }
            int bestFrom = -1;
            int bestTo = -1;
            int from = -1;
            for (int j = 0; j <= n; j++) {
                boolean in = j < n && taskAt[j] == task;
                boolean begins = j < n && beginAt[j];
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
            if (bestFrom >= 0 && tasks.get(task).equals(Tasks.TEXT_TO_SPEECH)) {
                int[] whole = wholeLine(request, tokens, taskAt, task, bestFrom, bestTo);
                bestFrom = whole[0];
                bestTo = whole[1];
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

    private static final String OPENING_QUOTES = "\"'“‘«";
    private static final String CLOSING_QUOTES = "\"'”’»";

    /**
     * A spoken line kept whole: a tagged span inside quotes (or just after an opening quote) grows to
     * the quotes; a span just after an introducing colon ("read aloud: …") grows from the colon to
     * the end of its sentence, through commas, as long as no word of another call lies between.
     */
    static int[] wholeLine(String request, List<Tokens.Token> tokens, int[] taskAt, int task, int from, int to) {
        int n = tokens.size();
        // An opening quote before the span, with no word of another call between.
        for (int q = from - 1; q >= 0; q--) {
            if (taskAt[q] >= 0 && taskAt[q] != task) {
                break;
            }
            if (isOpeningQuote(request, tokens.get(q))) {
                char open = tokens.get(q).text().charAt(0);
                for (int c = Math.max(to, q + 1); c < n; c++) {
                    if (taskAt[c] >= 0 && taskAt[c] != task) {
                        break;
                    }
                    if (c > q + 1 && isClosingQuote(request, tokens.get(c), open)) {
                        return new int[] {q + 1, c - 1};
                    }
                }
                break;
            }
        }
        // An introducing colon before the span in the same sentence, with no word of another call between.
        for (int q = from - 1; q >= Math.max(0, from - 8); q--) {
            String t = tokens.get(q).text();
            if ((taskAt[q] >= 0 && taskAt[q] != task) || t.equals(".") || t.equals("!") || t.equals("?")) {
                break;
            }
            if (t.equals(":")) {
                int end = to;
                for (int c = to + 1; c < n; c++) {
                    String u = tokens.get(c).text();
                    if (taskAt[c] >= 0 && taskAt[c] != task) {
                        break;
                    }
                    if (u.equals(".") || u.equals("!") || u.equals("?")) {
                        break;
                    }
                    if (tokens.get(c).isWord()) {
                        end = c;
                    }
                }
                return new int[] {q + 1, end};
            }
        }
        return new int[] {from, to};
    }

    private static boolean isOpeningQuote(String request, Tokens.Token t) {
        if (OPENING_QUOTES.indexOf(t.text().charAt(0)) < 0 || t.text().length() != 1) {
            return false;
        }
        int i = t.start();
        return (i == 0 || !Character.isLetterOrDigit(request.charAt(i - 1)))
                && i + 1 < request.length() && !Character.isWhitespace(request.charAt(i + 1));
    }

    private static boolean isClosingQuote(String request, Tokens.Token t, char open) {
        char c = t.text().charAt(0);
        if (t.text().length() != 1 || CLOSING_QUOTES.indexOf(c) < 0) {
            return false;
        }
        boolean pairs = c == open || (open == '“' && c == '”') || (open == '‘' && c == '’') || (open == '«' && c == '»');
        int i = t.start();
        return pairs && (i + 1 >= request.length() || !Character.isLetterOrDigit(request.charAt(i + 1)));
    }

    private Plan compose(String request, PlannerInput input, List<Planned> planned, float[] sentence) {
        List<MetaResponse> calls = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        String imageId = null;
        String visualPrompt = null;
        boolean visualIsVideo = false;
        int images = 0;
        int videos = 0;
        int sounds = 0;
        int speeches = 0;
        String note = null;
        planned = editOfPictureAtHand(request, input, planned);
        planned = narrationAskedFor(request, input, planned);
        PlannerInput.Media earlierVisual = input.newest(Modality.IMAGE, Modality.VIDEO);
        String earlierVisualPrompt = earlierVisual == null ? null : earlierVisual.prompt();
        for (Planned p : planned) {
            String words = p.start() >= 0 ? trim(request.substring(p.start(), p.end())) : "";
            boolean pointsBack = onlyPointsBack(words.isEmpty() ? request : words);
            ObjectNode args = Json.object();
            String id;
            switch (p.task()) {
                case Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_VIDEO, Tasks.TEXT_TO_AUDIO -> {
                    String fromCaption = pointsAtAttachment(words) ? input.captionPrompt() : null;
                    String prompt = fromCaption != null ? fromCaption : words.isEmpty() ? trim(request) : words;
                    if (fromCaption == null && pointsBack && visualPrompt == null && earlierVisualPrompt != null
                            && !p.task().equals(Tasks.TEXT_TO_AUDIO)) {
                        // "now animate it": the clip (or a new picture) of the conversation's newest picture.
                        prompt = earlierVisualPrompt;
                    } else if (fromCaption == null && pointsBack && p.task().equals(Tasks.TEXT_TO_AUDIO) && earlierVisualPrompt != null
                            && visualPrompt == null) {
                        prompt = "ambient sound of " + CaptionText.inline(earlierVisualPrompt);
                    }
                    args.put("prompt", prompt);
                    if (p.task().equals(Tasks.TEXT_TO_IMAGE)) {
                        id = "img" + (++images);
                        imageId = imageId == null ? id : imageId;
                    } else if (p.task().equals(Tasks.TEXT_TO_VIDEO)) {
                        id = "vid" + (++videos);
                    } else {
                        id = "aud" + (++sounds);
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
                    boolean narration = false;
                    if (text.isEmpty() || pointsBack) {
                        PlannerInput.Media spoken = input.newestOfTask(Tasks.TEXT_TO_SPEECH);
                        if (visualPrompt != null) {
                            text = (visualIsVideo ? "In this clip, " : "This picture shows ") + CaptionText.inline(visualPrompt) + ".";
                            narration = true;
                        } else if (spoken != null && spoken.prompt() != null && (earlierVisual == null || input.isNewer(spoken, earlierVisual)
                                || !mentionsPicture(request))) {
                            text = spoken.prompt();
                        } else if (earlierVisualPrompt != null) {
                            text = (earlierVisual.modality() == Modality.VIDEO ? "In this clip, " : "This picture shows ")
                                    + CaptionText.inline(earlierVisualPrompt) + ".";
                            narration = true;
                        } else if (text.isEmpty()) {
                            text = trim(request);
                        }
                    }
                    args.put("text", text);
                    id = "speech" + (++speeches);
                    leads.add(narration ? "And the narration:" : "The recording:");
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

    private static final Pattern PICTURE_AT_HAND = Pattern.compile("(?i)\\b(this|that|the|my)\\s+(picture|image|photo|pic)\\b");

    /**
     * A new picture asked for with words that name the picture at hand ("make this picture black and
     * white" with an image attached or made before) is an edit of that picture: a reference to an
     * image at hand means changing it, not drawing from scratch.
     */
    private static List<Planned> editOfPictureAtHand(String request, PlannerInput input, List<Planned> planned) {
        if (input.newestImage() == null || !PICTURE_AT_HAND.matcher(request).find()
                || planned.stream().anyMatch(p -> p.task().equals(Tasks.IMAGE_EDIT))) {
            return planned;
        }
        List<Planned> out = new ArrayList<>();
        boolean changed = false;
        for (Planned p : planned) {
            if (!changed && p.task().equals(Tasks.TEXT_TO_IMAGE)) {
                out.add(new Planned(Tasks.IMAGE_EDIT, p.start(), p.end(), p.confidence()));
                changed = true;
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static final Pattern NARRATION = Pattern.compile(
            "(?i)\\bnarrat(e|es|ion|ing)\\b|\\bdescrib\\w*\\b[^.?!]{0,40}\\b(aloud|out loud)\\b");

    /**
     * A narration asked for in words ("… and narrate it", "describe it out loud") of a picture or
     * clip of the same reply or at hand: a speech call without words of its own (it describes the
     * picture) when the network called none. The data set builder's records ask for narrations
     * with their own spoken lines, so this request form is read here.
     */
    private static List<Planned> narrationAskedFor(String request, PlannerInput input, List<Planned> planned) {
        boolean visual = planned.stream().anyMatch(p -> p.task().equals(Tasks.TEXT_TO_IMAGE) || p.task().equals(Tasks.TEXT_TO_VIDEO)
                || p.task().equals(Tasks.IMAGE_EDIT)) || input.newest(Modality.IMAGE, Modality.VIDEO) != null;
        if (!visual || planned.stream().anyMatch(p -> p.task().equals(Tasks.TEXT_TO_SPEECH)) || !NARRATION.matcher(request).find()) {
            return planned;
        }
        List<Planned> out = new ArrayList<>(planned);
        out.add(new Planned(Tasks.TEXT_TO_SPEECH, -1, -1, 0f));
        return out;
    }

    /** Words that only point back to something already made ("it", "that again", "the picture"). */
    private static final java.util.Set<String> POINTING_BACK = java.util.Set.of("it", "that", "this", "these", "those", "them",
            "again", "the", "a", "picture", "image", "photo", "pic", "one", "last", "previous", "same", "slower", "faster",
            "louder", "softer", "more", "slowly", "please", "now", "once", "too", "video", "clip", "animate", "animated",
            "narrate", "say", "read", "repeat", "out", "loud", "aloud", "to", "of", "for", "me", "can", "you", "could", "and",
            "then", "also", "make", "turn", "into", "short", "little", "bit", "time", "another", "do", "just", "ok", "okay");

    static boolean onlyPointsBack(String words) {
        boolean any = false;
        for (Tokens.Token t : Tokens.tokenize(words)) {
            if (!t.isWord()) {
                continue;
            }
            if (!POINTING_BACK.contains(t.lower())) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static boolean mentionsPicture(String request) {
        String lower = request.toLowerCase(Locale.ROOT);
        return lower.contains("picture") || lower.contains("image") || lower.contains("photo") || lower.contains("describe");
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
        PlannerInput.Media described = input.captioned();
        if (described != null) {
            return "Here is what I can tell about the attached " + described.modality().wireName() + ": " + described.caption();
        }
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

    private static final java.util.Set<String> POINTING = java.util.Set.of("this", "that", "it", "the", "a", "an", "one",
            "picture", "photo", "image", "pic", "clip", "video", "recording", "sound", "audio", "please", "attached", "here", "of");

    /** Whether a call's words only point at the attachment ("this", "it", "the picture"), naming no subject. */
    static boolean pointsAtAttachment(String words) {
        for (String w : words.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty() && !POINTING.contains(w)) {
                return false;
            }
        }
        return true;
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
