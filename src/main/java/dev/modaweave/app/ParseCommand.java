package dev.modaweave.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.agent.ParseListener;
import dev.modaweave.tools.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code modaweave parse [FILE]}: reads LLM output and prints one JSON object per event. Malformed
 * meta-responses are data (exit 0); an unreadable file exits 2.
 */
@Command(name = "parse",
        mixinStandardHelpOptions = true,
        description = {
                "Read LLM output (FILE, or standard input) and print one JSON object per line per event:",
                "  {\"type\":\"text\",\"text\":…}  (adjacent text merged)",
                "  {\"type\":\"meta\",\"id\":…,\"task\":…,\"tool\":…,\"args\":{…},\"dialect\":\"canonical|modaverse\"}",
                "  {\"type\":\"malformed\",\"raw\":…,\"reason\":…}",
                "Malformed input is data: the exit code is 0. An unreadable file exits 2."})
final class ParseCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "LLM output to read; standard input when absent or '-'.")
    Path file;

    @Option(names = "--max-block", paramLabel = "CHARS", defaultValue = "65536",
            description = "Longest meta-response block before it is reported as malformed (default: ${DEFAULT-VALUE}).")
    int maxBlock;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (maxBlock < 64) {
            throw new UsageException("--max-block is " + maxBlock + "; it must be at least 64");
        }
        PrintWriter out = spec.commandLine().getOut();
        var printer = new EventPrinter(out);
        var parser = new MetaResponseParser(MetaResponseParser.Options.defaults().withMaxBlockChars(maxBlock));
        try (Reader reader = open()) {
            char[] buffer = new char[8192];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                parser.feed(java.nio.CharBuffer.wrap(buffer, 0, n), printer);
            }
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException("cannot read " + (file == null ? "standard input" : file) + ": " + e.getMessage());
        }
        parser.finish(printer);
        printer.flushText();
        out.flush();
        return 0;
    }

    private Reader open() throws IOException {
        InputStream in;
        if (file == null || file.toString().equals("-")) {
            in = System.in;
        } else {
            if (Files.isDirectory(file)) {
                throw new UsageException("cannot read " + file + ": it is a directory");
            }
            in = Files.newInputStream(file);
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new InputStreamReader(in, decoder);
    }

    /** Prints events as JSON lines, merging adjacent text. */
    static final class EventPrinter implements ParseListener {
        private final PrintWriter out;
        private final StringBuilder text = new StringBuilder();

        EventPrinter(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void onText(CharSequence source, int start, int end) {
            text.append(source, start, end);
        }

        @Override
        public void onMeta(ParseEvent.Meta meta) {
            flushText();
            out.println(Json.write(metaJson(meta)));
        }

        @Override
        public void onMalformed(ParseEvent.Malformed malformed) {
            flushText();
            ObjectNode o = Json.object().put("type", "malformed").put("raw", malformed.raw()).put("reason", malformed.reason());
            out.println(Json.write(o));
        }

        void flushText() {
            if (!text.isEmpty()) {
                out.println(Json.write(Json.object().put("type", "text").put("text", text.toString())));
                text.setLength(0);
            }
        }

        static ObjectNode metaJson(ParseEvent.Meta meta) {
            MetaResponse call = meta.call();
            ObjectNode o = Json.object().put("type", "meta").put("id", call.id());
            if (call.task() != null) {
                o.put("task", call.task());
            }
            if (call.tool() != null) {
                o.put("tool", call.tool());
            }
            o.set("args", call.args());
            o.put("dialect", call.dialect().wireName());
            if (!meta.repairs().isEmpty()) {
                var repairs = o.putArray("repairs");
                meta.repairs().forEach(repairs::add);
            }
            return o;
        }
    }
}
