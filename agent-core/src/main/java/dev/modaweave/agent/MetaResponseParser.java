package dev.modaweave.agent;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Incremental parser of LLM output: fed chunks of any size, it passes text through and emits each
 * meta-response the moment its closing delimiter arrives, not at the end of the stream.
 *
 * <p>It recognises the canonical {@code <meta>{…}</meta>} block, ModaVerse's line
 * {@code Modality: [IMAGE] Prompt: …} (at the start of a line, or after prose and a space on the same
 * line when {@code Modality:} is followed by {@code [}; ended by the line break or the end of the
 * stream; after prose, a line that is no valid call stays text) and the paper's {@code {Model: "T-to-I", Input: "…"}}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The events do not depend on the chunking: for every way of cutting the same input into
 *       chunks, the meta and malformed events are equal and in the same places, and the text between
 *       them is the same (text may arrive in more or fewer pieces, never split inside a surrogate pair).</li>
 *   <li>It never throws on input. An unterminated block at the end of the stream, invalid JSON, nested
 *       blocks, a block longer than {@link Options#maxBlockChars()} become {@link ParseEvent.Malformed}
 *       events with the raw text and a reason. A code fence around the JSON and trailing commas are
 *       repaired, and the {@link ParseEvent.Meta} lists the repair.</li>
 *   <li>Memory stays bounded: text is handed on at the end of every chunk; only a delimiter
 *       prefix (a few characters) or one block (at most {@code maxBlockChars}) is held.</li>
 *   <li>{@code </meta>} inside a JSON string does not close a block. If the block then never closes,
 *       it is closed at the first such look-alike when the stream ends or the block grows too long,
 *       and the text after it is parsed again.</li>
 * </ul>
 * A call without an id gets {@code call<N>}, N being its position among the stream's meta-responses.
 *
 * <p>Not thread-safe: one parser per stream.
 */
public final class MetaResponseParser {

    private static final String OPEN = "<meta>";
    private static final String CLOSE = "</meta>";
    private static final String MODALITY = "modality";
    private static final String MODEL = "model";
    /** Longest delimiter prefix held while deciding whether text starts a block. */
    private static final int MAX_HELD = 48;

    private enum Mode { TEXT, OPEN_TAG, BRACE, LINE_START, META, PAPER, MODAVERSE }

    private final Options options;
    private final StringBuilder held = new StringBuilder(MAX_HELD);
    private final StringBuilder block = new StringBuilder(256);
    private Mode mode = Mode.TEXT;
    private boolean atLineStart = true;
    /** The ModaVerse line being read started after prose on its line: if it is no call, it is text. */
    private boolean midLine;
    private boolean bracketSeen;
    /** The last character fed before the current chunk (a space lets a ModaVerse line start mid-line). */
    private char lastChar = '\n';
    private int modelMatched;
    private boolean braceQuote;
    private int depth;
    private boolean inString;
    private boolean escape;
    private boolean nested;
    private int candidateEnd = -1;
    private char pendingHighSurrogate;
    private int metaCount;
    private boolean finished;

    /** A parser with default options (64 KiB block limit, every dialect). */
    public MetaResponseParser() {
        this(Options.defaults());
    }

    public MetaResponseParser(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Parses a whole text at once. */
    public static List<ParseEvent> parseAll(String text) {
        MetaResponseParser parser = new MetaResponseParser();
        List<ParseEvent> events = new ArrayList<>(parser.feed(text));
        events.addAll(parser.finish());
        return mergeText(events);
    }

    /** Feeds a chunk and returns the events it completed (adjacent text merged). */
    public List<ParseEvent> feed(CharSequence chunk) {
        Collector collector = new Collector();
        feed(chunk, collector);
        return collector.events();
    }

    /** Ends the stream and returns the last events (held text, unterminated blocks). */
    public List<ParseEvent> finish() {
        Collector collector = new Collector();
        finish(collector);
        return collector.events();
    }

    /**
     * Feeds a chunk, reporting events to {@code listener} as they complete.
     *
     * @throws IllegalStateException if the stream was already finished
     */
    public void feed(CharSequence chunk, ParseListener listener) {
        if (finished) {
            throw new IllegalStateException("the parser was finished; use a new parser for a new stream");
        }
        if (mode == Mode.TEXT && !atLineStart && pendingHighSurrogate == 0 && isPlainText(chunk)) {
            lastChar = chunk.charAt(chunk.length() - 1);
            listener.onText(chunk, 0, chunk.length());
            return;
        }
        CharSequence in = chunk;
        if (pendingHighSurrogate != 0) {
            in = new StringBuilder(chunk.length() + 1).append(pendingHighSurrogate).append(chunk);
            pendingHighSurrogate = 0;
        }
        process(in, listener, false);
    }

    /** Ends the stream, reporting the last events to {@code listener}. Later calls do nothing. */
    public void finish(ParseListener listener) {
        if (finished) {
            return;
        }
        if (pendingHighSurrogate != 0) {
            String lone = String.valueOf(pendingHighSurrogate);
            pendingHighSurrogate = 0;
            process(lone, listener, true);
        }
        while (true) {
            switch (mode) {
                case TEXT -> {
                    finished = true;
                    return;
                }
                case OPEN_TAG, BRACE, LINE_START -> {
                    emitHeldAsText(listener);
                    mode = Mode.TEXT;
                }
                case MODAVERSE -> completeModaVerse(listener);
                case META -> {
                    if (candidateEnd >= 0) {
                        closeAtCandidate(listener);
                    } else {
                        String raw = OPEN + block;
                        resetBlock();
                        listener.onMalformed(new ParseEvent.Malformed(raw,
                                "unterminated <meta> block: the stream ended before </meta>"));
                    }
                }
                case PAPER -> {
                    String raw = block.toString();
                    resetBlock();
                    listener.onMalformed(new ParseEvent.Malformed(raw,
                            "unterminated {Model: …} block: the stream ended before its closing '}'"));
                }
            }
        }
    }

    private void process(CharSequence in, ParseListener listener, boolean atEnd) {
        final int n = in.length();
        int i = 0;
        int textStart = 0;
        while (i < n) {
            switch (mode) {
                case TEXT -> {
                    if (atLineStart) {
                        char c = in.charAt(i);
                        if (c == ' ' || c == '\t') {
                            i++;
                            continue;
                        }
                        atLineStart = false;
                        if ((c == 'M' || c == 'm') && options.modaVerse()) {
                            emitText(listener, in, textStart, i);
                            held.setLength(0);
                            held.append(c);
                            mode = Mode.LINE_START;
                            textStart = ++i;
                            continue;
                        }
                    }
                    i = nextSpecial(in, i, n);
                    if (i == n) {
                        break;
                    }
                    char c = in.charAt(i);
                    if (c == '\n') {
                        atLineStart = true;
                        i++;
                    } else if (c == 'M') {
                        // "Sure! Modality: [IMAGE] Prompt: …": a ModaVerse line may follow prose on the same line
                        char before = i > 0 ? in.charAt(i - 1) : lastChar;
                        if (options.modaVerse() && before == ' ') {
                            emitText(listener, in, textStart, i);
                            held.setLength(0);
                            held.append(c);
                            mode = Mode.LINE_START;
                            midLine = true;
                            textStart = ++i;
                        } else {
                            i++;
                        }
                    } else if (c == '<' && options.canonical() || c == '{' && options.modaVerse()) {
                        emitText(listener, in, textStart, i);
                        held.setLength(0);
                        held.append(c);
                        mode = c == '<' ? Mode.OPEN_TAG : Mode.BRACE;
                        modelMatched = 0;
                        braceQuote = false;
                        textStart = ++i;
                    } else {
                        i++;
                    }
                }
                case OPEN_TAG -> {
                    char c = in.charAt(i);
                    if (c == OPEN.charAt(held.length())) {
                        held.append(c);
                        i++;
                        if (held.length() == OPEN.length()) {
                            startBlock(Mode.META);
                        }
                    } else {
                        mismatch(listener);
                    }
                    textStart = i;
                }
                case LINE_START -> {
                    char c = in.charAt(i);
                    int k = held.length();
                    if (k < MODALITY.length()) {
                        if (Character.toLowerCase(c) == MODALITY.charAt(k)) {
                            held.append(c);
                            i++;
                        } else {
                            mismatch(listener);
                        }
                    } else if (c == ':') {
                        held.append(c);
                        i++;
                        block.setLength(0);
                        block.append(held);
                        held.setLength(0);
                        mode = Mode.MODAVERSE;
                    } else if ((c == ' ' || c == '\t') && k < MAX_HELD) {
                        held.append(c);
                        i++;
                    } else {
                        mismatch(listener);
                    }
                    textStart = i;
                }
                case BRACE -> {
                    if (braceStep(in.charAt(i))) {
                        i++;
                    } else {
                        mismatch(listener);
                    }
                    textStart = i;
                }
                case META -> {
                    i = scanMeta(in, i, n, listener);
                    textStart = i;
                }
                case PAPER -> {
                    i = scanPaper(in, i, n, listener);
                    textStart = i;
                }
                case MODAVERSE -> {
                    if (midLine && !bracketSeen) {
                        // after prose, only "Modality: [" starts a call; anything else was prose all along
                        char c = in.charAt(i);
                        if (c == ' ' || c == '\t') {
                            block.append(c);
                            textStart = ++i;
                            continue;
                        }
                        if (c != '[') {
                            String prose = block.toString();
                            resetBlock();
                            listener.onText(prose, 0, prose.length());
                            textStart = i;
                            continue;
                        }
                        bracketSeen = true;
                    }
                    int start = i;
                    while (i < n && in.charAt(i) != '\n') {
                        i++;
                    }
                    block.append(in, start, i);
                    if (i < n) {
                        completeModaVerse(listener);
                    } else if (block.length() > options.maxBlockChars()) {
                        overflow(listener, "a ModaVerse line longer than " + options.maxBlockChars() + " characters");
                    }
                    textStart = i;
                }
            }
        }
        if (n > 0) {
            lastChar = in.charAt(n - 1);
        }
        if (mode == Mode.TEXT && textStart < n) {
            int end = n;
            if (!atEnd && Character.isHighSurrogate(in.charAt(n - 1))) {
                pendingHighSurrogate = in.charAt(n - 1);
                end = n - 1;
            }
            emitText(listener, in, textStart, end);
        }
    }

    /** Whether a chunk fed in text mode can be handed on whole: no delimiter start, no line break, no split pair at its end. */
    private static boolean isPlainText(CharSequence chunk) {
        int n = chunk.length();
        return n > 0 && nextSpecial(chunk, 0, n) == n && !Character.isHighSurrogate(chunk.charAt(n - 1));
    }

    /**
     * The index of the first character from {@code from} that may start a block or a line ({@code < { \n}, or
     * {@code M} of a ModaVerse line after prose), or {@code n}.
     */
    private static int nextSpecial(CharSequence in, int from, int n) {
        if (in instanceof String s) {
            for (int i = from; i < n; i++) {
                char c = s.charAt(i);
                if (c == '<' || c == '{' || c == '\n' || c == 'M') {
                    return i;
                }
            }
            return n;
        }
        for (int i = from; i < n; i++) {
            char c = in.charAt(i);
            if (c == '<' || c == '{' || c == '\n' || c == 'M') {
                return i;
            }
        }
        return n;
    }

    /** Advances the {@code {Model:} matcher by one character; false on mismatch. */
    private boolean braceStep(char c) {
        if (held.length() >= MAX_HELD) {
            return false;
        }
        if (modelMatched < MODEL.length()) {
            if (modelMatched == 0 && !braceQuote && Character.isWhitespace(c)) {
                held.append(c);
                return true;
            }
            if (modelMatched == 0 && !braceQuote && c == '"') {
                braceQuote = true;
                held.append(c);
                return true;
            }
            if (Character.toLowerCase(c) != MODEL.charAt(modelMatched)) {
                return false;
            }
            modelMatched++;
        } else if (c == ':') {
            held.append(c);
            startBlock(Mode.PAPER);
            return true;
        } else if (!(c == '"' || Character.isWhitespace(c))) {
            return false;
        }
        held.append(c);
        return true;
    }

    private void startBlock(Mode blockMode) {
        block.setLength(0);
        if (blockMode == Mode.PAPER) {
            block.append(held);
        }
        held.setLength(0);
        mode = blockMode;
        depth = 1;
        inString = false;
        escape = false;
        nested = false;
        candidateEnd = -1;
    }

    /** Follows JSON string syntax one character at a time; true when {@code c} belongs to a string (its quotes included). */
    private boolean inJsonString(char c) {
        if (escape) {
            escape = false;
            return true;
        }
        if (inString) {
            if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                inString = false;
            }
            return true;
        }
        if (c == '"') {
            inString = true;
            return true;
        }
        return false;
    }

    private int scanMeta(CharSequence in, int i, int n, ParseListener listener) {
        while (i < n) {
            char c = in.charAt(i++);
            block.append(c);
            if (inJsonString(c)) {
                if (c == '>' && inString && candidateEnd < 0 && depth == 1 && endsWith(CLOSE)) {
                    candidateEnd = block.length();
                }
            } else if (c == '>') {
                if (endsWith(CLOSE)) {
                    if (--depth == 0) {
                        completeMeta(listener, block.length() - CLOSE.length());
                        return i;
                    }
                } else if (endsWith(OPEN)) {
                    depth++;
                    nested = true;
                }
            }
            if (block.length() > options.maxBlockChars()) {
                if (candidateEnd >= 0) {
                    closeAtCandidate(listener);
                } else {
                    overflow(listener, "no closing </meta> within " + options.maxBlockChars() + " characters");
                }
                return i;
            }
        }
        return i;
    }

    private int scanPaper(CharSequence in, int i, int n, ParseListener listener) {
        while (i < n) {
            char c = in.charAt(i++);
            block.append(c);
            if (inJsonString(c)) {
                // inside a string braces do not count
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                String raw = block.toString();
                resetBlock();
                emitBlock(listener, Dialects.readPaperNotation(raw, nextDefaultId()));
                return i;
            }
            if (block.length() > options.maxBlockChars()) {
                overflow(listener, "no closing '}' of a {Model: …} block within " + options.maxBlockChars() + " characters");
                return i;
            }
        }
        return i;
    }

    private void completeMeta(ParseListener listener, int contentEnd) {
        String content = block.substring(0, contentEnd);
        boolean wasNested = nested;
        resetBlock();
        if (wasNested) {
            listener.onMalformed(new ParseEvent.Malformed(OPEN + content + CLOSE,
                    "nested <meta> blocks: write each meta-response in its own <meta>…</meta>"));
            return;
        }
        emitBlock(listener, Dialects.readCanonical(content, nextDefaultId()));
    }

    /** Closes an unterminated block at the first {@code </meta>} seen inside a string, and parses the rest again. */
    private void closeAtCandidate(ParseListener listener) {
        String rest = block.substring(candidateEnd);
        completeMeta(listener, candidateEnd - CLOSE.length());
        process(rest, listener, true);
    }

    private void completeModaVerse(ParseListener listener) {
        String line = block.toString();
        boolean afterProse = midLine;
        resetBlock();
        ParseEvent event = Dialects.readModaVerseLine(line, nextDefaultId());
        if (afterProse && event instanceof ParseEvent.Malformed) {
            // prose that merely mentions a modality is prose
            listener.onText(line, 0, line.length());
            return;
        }
        emitBlock(listener, event);
    }

    private void overflow(ParseListener listener, String reason) {
        String raw = (mode == Mode.META ? OPEN : "") + block;
        resetBlock();
        listener.onMalformed(new ParseEvent.Malformed(raw, reason));
    }

    private void resetBlock() {
        block.setLength(0);
        if (block.capacity() > 4 * 1024) {
            block.trimToSize();
        }
        mode = Mode.TEXT;
        atLineStart = false;
        midLine = false;
        bracketSeen = false;
        inString = false;
        escape = false;
        nested = false;
        candidateEnd = -1;
        depth = 0;
    }

    private void emitBlock(ParseListener listener, ParseEvent event) {
        if (event instanceof ParseEvent.Meta meta) {
            metaCount++;
            listener.onMeta(meta);
        } else {
            listener.onMalformed((ParseEvent.Malformed) event);
        }
    }

    private String nextDefaultId() {
        return "call" + (metaCount + 1);
    }

    private void mismatch(ParseListener listener) {
        emitHeldAsText(listener);
        mode = Mode.TEXT;
        midLine = false;
    }

    private void emitHeldAsText(ParseListener listener) {
        if (held.length() > 0) {
            listener.onText(held, 0, held.length());
            held.setLength(0);
        }
    }

    private static void emitText(ParseListener listener, CharSequence in, int start, int end) {
        if (end > start) {
            listener.onText(in, start, end);
        }
    }

    private boolean endsWith(String tag) {
        int len = block.length();
        int k = tag.length();
        if (len < k) {
            return false;
        }
        for (int j = 0; j < k; j++) {
            if (block.charAt(len - k + j) != tag.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Merges adjacent {@link ParseEvent.Text} events into one. */
    public static List<ParseEvent> mergeText(List<ParseEvent> events) {
        List<ParseEvent> out = new ArrayList<>(events.size());
        StringBuilder text = null;
        for (ParseEvent e : events) {
            if (e instanceof ParseEvent.Text t) {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(t.text());
            } else {
                if (text != null) {
                    out.add(new ParseEvent.Text(text.toString()));
                    text = null;
                }
                out.add(e);
            }
        }
        if (text != null) {
            out.add(new ParseEvent.Text(text.toString()));
        }
        return out;
    }

    /**
     * Parser settings.
     *
     * @param maxBlockChars longest block kept before it becomes a malformed event (default 64 KiB)
     * @param dialects      the dialects to recognise in text (default: canonical and ModaVerse)
     */
    public record Options(int maxBlockChars, Set<Dialect> dialects) {
        public Options {
            if (maxBlockChars < 64) {
                throw new IllegalArgumentException("maxBlockChars is " + maxBlockChars + "; it must be at least 64");
            }
            dialects = dialects.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dialects));
        }

        public static Options defaults() {
            return new Options(64 * 1024, EnumSet.of(Dialect.CANONICAL, Dialect.MODAVERSE));
        }

        public Options withMaxBlockChars(int chars) {
            return new Options(chars, dialects);
        }

        public Options withDialects(Set<Dialect> set) {
            return new Options(maxBlockChars, set);
        }

        boolean canonical() {
            return dialects.contains(Dialect.CANONICAL);
        }

        boolean modaVerse() {
            return dialects.contains(Dialect.MODAVERSE);
        }
    }

    /** Collects events, merging adjacent text. */
    private static final class Collector implements ParseListener {
        private final List<ParseEvent> events = new ArrayList<>(2);
        private StringBuilder text;

        @Override
        public void onText(CharSequence source, int start, int end) {
            if (text == null) {
                text = new StringBuilder(end - start);
            }
            text.append(source, start, end);
        }

        @Override
        public void onMeta(ParseEvent.Meta meta) {
            flush();
            events.add(meta);
        }

        @Override
        public void onMalformed(ParseEvent.Malformed malformed) {
            flush();
            events.add(malformed);
        }

        List<ParseEvent> events() {
            flush();
            return events;
        }

        private void flush() {
            if (text != null) {
                events.add(new ParseEvent.Text(text.toString()));
                text = null;
            }
        }
    }
}
