package dev.modaweave.app.docs;

import dev.modaweave.app.plugins.PluginJars;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java code of the READMEs, extracted and made compilable by these documented rules:
 * <ol>
 *   <li>Every fenced block marked {@code java} in every {@code README.md} of the repository counts.</li>
 *   <li>A block that declares a type at its left margin ({@code class}, {@code record}, {@code interface},
 *       {@code enum}, optionally {@code public}/{@code final}/{@code abstract}) is a source file as written:
 *       it shows its own {@code package} and {@code import} lines and gets nothing added.</li>
 *   <li>Any other block is a list of statements. It is compiled as the body of a method that may throw
 *       anything, in a class that imports {@link #STATEMENT_IMPORTS}. A first line
 *       {@code // given: Type name, Type name} declares the variables the statements use as the method's
 *       parameters.</li>
 *   <li>The blocks of one README compile together (a test may use the tool of the same README); READMEs
 *       compile apart from each other.</li>
 * </ol>
 */
final class ReadmeSnippets {

    /** The imports every statement block gets. */
    static final List<String> STATEMENT_IMPORTS = List.of(
            "dev.modaweave.tools.*", "dev.modaweave.agent.*", "dev.modaweave.agent.cluster.*", "dev.modaweave.agent.llm.*",
            "dev.modaweave.client.*", "dev.modaweave.generators.http.*", "dev.langchain4j.model.chat.StreamingChatModel",
            "io.vertx.core.Vertx", "io.vertx.core.json.JsonObject", "java.nio.file.Path", "java.time.Duration", "java.util.List",
            "java.util.Map");

    private static final Pattern FENCE = Pattern.compile("(?m)^```java[ \\t]*\\n(.*?)^```[ \\t]*$", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile("(?m)^(?:(?:public|final|abstract|sealed)\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
    private static final Pattern GIVEN = Pattern.compile("^//\\s*given:\\s*(.+)$");

    /** One block as found. @param line where it starts in the README (1-based, the fence's line) */
    record Block(Path readme, int line, String code) {
        boolean isSourceFile() {
            return TYPE.matcher(code).find();
        }

        /** The type a source-file block declares first, with its package. */
        String className() {
            Matcher type = TYPE.matcher(code);
            if (!type.find()) {
                throw new IllegalStateException("not a source file: " + this);
            }
            Matcher pkg = PACKAGE.matcher(code);
            return (pkg.find() ? pkg.group(1) + "." : "") + type.group(1);
        }

        @Override
        public String toString() {
            return readme + ":" + line;
        }
    }

    /** The repository's root: the directory above the application module that holds the parent pom. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("tools"))
                    && Files.isDirectory(p.resolve("agent-core"))) {
                return p;
            }
        }
        throw new IllegalStateException("no Modaweave checkout above " + dir);
    }

    /** Every README.md of the repository, outside build output and hidden directories. */
    static List<Path> readmes() {
        Path root = root();
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skip = !dir.equals(root) && (name.equals("target") || name.equals("node_modules") || name.startsWith("."));
                    return skip ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (file.getFileName().toString().equals("README.md")) {
                        found.add(file);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found.stream().sorted().toList();
    }

    /** The java blocks of one README. */
    static List<Block> blocks(Path readme) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = FENCE.matcher(text);
        while (m.find()) {
            int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            blocks.add(new Block(readme, line, m.group(1)));
        }
        return blocks;
    }

    /** The sources to compile for the blocks of one README, by class name. */
    static Map<String, String> sources(List<Block> blocks) {
        Map<String, String> sources = new LinkedHashMap<>();
        int n = 0;
        for (Block block : blocks) {
            if (block.isSourceFile()) {
                sources.put(block.className(), block.code());
            } else {
                String name = "ReadmeStatements" + (++n) + "_line" + block.line();
                sources.put(name, wrap(name, block));
            }
        }
        return sources;
    }

    /** Compiles the blocks of one README against the test class path. @throws IllegalStateException naming the README */
    static Map<String, byte[]> compile(Path readme) {
        List<Block> blocks = blocks(readme);
        try {
            return PluginJars.compile(sources(blocks), List.of());
        } catch (IllegalStateException e) {
            throw new IllegalStateException(root().relativize(readme) + ": " + e.getMessage(), e);
        }
    }

    /** A class loader over compiled classes, a child of this test's. */
    static ClassLoader load(Map<String, byte[]> classes) {
        return new ClassLoader(ReadmeSnippets.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
    }

    private static String wrap(String className, Block block) {
        String[] lines = block.code().split("\n", -1);
        String parameters = "";
        Matcher given = GIVEN.matcher(lines[0].strip());
        if (given.matches()) {
            parameters = given.group(1).strip();
        }
        StringBuilder source = new StringBuilder();
        STATEMENT_IMPORTS.forEach(i -> source.append("import ").append(i).append(";\n"));
        source.append("class ").append(className).append(" {\n    void snippet(").append(parameters)
                .append(") throws Exception {\n").append(block.code()).append("\n    }\n}\n");
        return source.toString();
    }

    private ReadmeSnippets() {
    }
}
