package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Streams captions from JSON Lines or CSV files (or directories of them), one row at a time.
 *
 * <p>Columns are mapped by name ({@link Columns}); the defaults read the shared caption corpora
 * ({@code {"id","caption","source","split"}}). A row's modality comes from its modality column,
 * else from the file name ({@code image.jsonl}, {@code msrvtt-video.csv}…), else from
 * {@link Columns#defaultModality()}; a file where none applies is rejected with its name.
 */
public final class CaptionReader {

    /**
     * Which column holds what.
     *
     * @param id              the id column
     * @param caption         the caption text column
     * @param source          the corpus name column (optional in the data)
     * @param split           the corpus split column (optional in the data)
     * @param modality        the modality column (optional in the data)
     * @param defaultSource   the source for rows without one; null to derive from the file name
     * @param defaultModality the modality for files whose name and rows do not say; may be null
     */
    public record Columns(String id, String caption, String source, String split, String modality,
                          String defaultSource, Modality defaultModality) {
        public Columns {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(caption, "caption");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(modality, "modality");
        }

        /** The columns of the shared caption corpora. */
        public static Columns defaults() {
            return new Columns("id", "caption", "source", "split", "modality", null, null);
        }
    }

    private final Columns columns;

    public CaptionReader(Columns columns) {
        this.columns = Objects.requireNonNull(columns, "columns");
    }

    /** A reader with {@link Columns#defaults()}. */
    public static CaptionReader withDefaults() {
        return new CaptionReader(Columns.defaults());
    }

    /**
     * The caption files of {@code paths}: files as given, directories expanded to their
     * {@code .jsonl}, {@code .json} and {@code .csv} files in name order.
     *
     * @throws IllegalArgumentException for a path that does not exist or a directory without caption files
     */
    public static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    List<Path> found = list.filter(f -> isCaptionFile(f.getFileName().toString())).sorted().toList();
                    if (found.isEmpty()) {
                        throw new IllegalArgumentException("directory " + p + " holds no .jsonl or .csv caption file");
                    }
                    files.addAll(found);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p, e);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IllegalArgumentException("caption input " + p + " does not exist; give a .jsonl or .csv file or a directory");
            }
        }
        return files;
    }

    private static boolean isCaptionFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".jsonl") || n.endsWith(".csv");
    }

    /** Reads every caption of {@code paths} in order, calling {@code sink} for each. */
    public void read(List<Path> paths, Consumer<Caption> sink) {
        for (Path file : expand(paths)) {
            readFile(file, sink);
        }
    }

    /** Reads one file. @throws IllegalArgumentException naming the file and line of a bad row */
    public void readFile(Path file, Consumer<Caption> sink) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Modality fromName = modalityFromName(name);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".csv")) {
                readCsv(file, in, fromName, sink);
            } else {
                readJsonLines(file, in, fromName, sink);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void readJsonLines(Path file, BufferedReader in, Modality fromName, Consumer<Caption> sink) throws IOException {
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode row;
            try {
                row = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + " is not JSON: " + e.getMessage(), e);
            }
            sink.accept(toCaption(file, lineNo, row.path(columns.id()).asText(null), row.path(columns.caption()).asText(null),
                    row.path(columns.source()).asText(null), row.path(columns.split()).asText(null),
                    row.path(columns.modality()).asText(null), fromName));
        }
    }

    private void readCsv(Path file, BufferedReader in, Modality fromName, Consumer<Caption> sink) throws IOException {
        CsvRows rows = new CsvRows(in);
        List<String> header = rows.next();
        if (header == null) {
            return;
        }
        int id = header.indexOf(columns.id());
        int caption = header.indexOf(columns.caption());
        if (id < 0 || caption < 0) {
            throw new IllegalArgumentException(file + " has columns " + header + " but no '" + columns.id() + "' or '"
                    + columns.caption() + "' column; map them with --id-column and --caption-column");
        }
        int source = header.indexOf(columns.source());
        int split = header.indexOf(columns.split());
        int modality = header.indexOf(columns.modality());
        List<String> row;
        int rowNo = 1;
        while ((row = rows.next()) != null) {
            rowNo++;
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            sink.accept(toCaption(file, rowNo, cell(row, id), cell(row, caption), cell(row, source), cell(row, split),
                    cell(row, modality), fromName));
        }
    }

    private static String cell(List<String> row, int index) {
        return index >= 0 && index < row.size() ? row.get(index) : null;
    }

    private Caption toCaption(Path file, int lineNo, String id, String text, String source, String split,
                              String modality, Modality fromName) {
        Modality m;
        if (modality != null && !modality.isBlank()) {
            m = Modality.fromWireName(modality.strip());
        } else if (fromName != null) {
            m = fromName;
        } else if (columns.defaultModality() != null) {
            m = columns.defaultModality();
        } else {
            throw new IllegalArgumentException(file + ":" + lineNo + " has no modality: name the file after it "
                    + "(image.jsonl, video.csv…), add a '" + columns.modality() + "' column or pass --modality");
        }
        String src = source != null && !source.isBlank() ? source
                : columns.defaultSource() != null ? columns.defaultSource() : file.getFileName().toString();
        try {
            return new Caption(id, text == null ? null : text.strip(), m, src, split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
        }
    }

    private static Modality modalityFromName(String name) {
        for (Modality m : List.of(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO)) {
            if (name.contains(m.wireName())) {
                return m;
            }
        }
        return null;
    }

    /** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
    private static final class CsvRows {
        private final BufferedReader in;

        CsvRows(BufferedReader in) {
            this.in = in;
        }

        List<String> next() throws IOException {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (c >= 0) {
                char ch = (char) c;
                if (quoted) {
                    if (ch == '"') {
                        in.mark(1);
                        int d = in.read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            if (d >= 0) {
                                in.reset();
                            }
                        }
                    } else {
                        field.append(ch);
                    }
                } else if (ch == '"' && field.isEmpty()) {
                    quoted = true;
                } else if (ch == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (ch == '\n') {
                    break;
                } else if (ch != '\r') {
                    field.append(ch);
                }
                c = in.read();
            }
            row.add(field.toString());
            return row;
        }
    }
}
