package dev.modaweave.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers of the parser's property and fuzz tests. */
final class ParserProperties {

    /** Cuts {@code text} into chunks whose sizes are drawn from {@code random} between 1 and {@code max}. */
    static List<String> randomChunks(String text, Random random, int max) {
        List<String> chunks = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int size = 1 + random.nextInt(max);
            int end = Math.min(text.length(), i + size);
            chunks.add(text.substring(i, end));
            i = end;
        }
        return chunks;
    }

    /** Cuts {@code text} into chunks of exactly {@code size} characters (the last may be shorter). */
    static List<String> fixedChunks(String text, int size) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            chunks.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return chunks;
    }

    /** Feeds the chunks through a listener that records every text piece unmerged, then returns merged events. */
    static Result run(List<String> chunks) {
        var parser = new MetaResponseParser();
        List<ParseEvent> events = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        ParseListener listener = new ParseListener() {
            @Override
            public void onText(CharSequence source, int start, int end) {
                String piece = source.subSequence(start, end).toString();
                pieces.add(piece);
                events.add(new ParseEvent.Text(piece));
            }

            @Override
            public void onMeta(ParseEvent.Meta meta) {
                events.add(meta);
            }

            @Override
            public void onMalformed(ParseEvent.Malformed malformed) {
                events.add(malformed);
            }
        };
        for (String chunk : chunks) {
            parser.feed(chunk, listener);
        }
        parser.finish(listener);
        return new Result(MetaResponseParser.mergeText(events), pieces);
    }

    /** Everything the events say was in the input, in order: nothing may be lost or invented. */
    static String reconstruct(List<ParseEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (ParseEvent e : events) {
            if (e instanceof ParseEvent.Text t) {
                sb.append(t.text());
            } else if (e instanceof ParseEvent.Meta m) {
                sb.append(m.raw());
            } else {
                sb.append(((ParseEvent.Malformed) e).raw());
            }
        }
        return sb.toString();
    }

    record Result(List<ParseEvent> events, List<String> textPieces) {
    }

    private ParserProperties() {
    }
}
