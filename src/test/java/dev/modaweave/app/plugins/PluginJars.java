package dev.modaweave.app.plugins;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds jars for tests the way a tool author's build would: Java sources compiled with
 * {@code javax.tools} against this test's class path (plus given jars), resources such as a services
 * file added as they are.
 */
public final class PluginJars {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final List<Path> classPath = new ArrayList<>();

    public static PluginJars builder() {
        return new PluginJars();
    }

    /** A source file, named by its class ({@code com.example.Foo}). */
    public PluginJars source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** A resource at {@code path} inside the jar. */
    public PluginJars resource(String path, String text) {
        resources.put(path, text);
        return this;
    }

    /** The services file naming {@code providers} for {@code service}. */
    public PluginJars service(Class<?> service, String... providers) {
        return resource("META-INF/services/" + service.getName(), String.join("\n", providers) + "\n");
    }

    /** A jar compiled against besides the test class path, not packed into the result. */
    public PluginJars compileAgainst(Path jar) {
        classPath.add(jar);
        return this;
    }

    /**
     * Compiles and writes the jar.
     *
     * @throws IllegalStateException with the compiler's messages when a source does not compile
     */
    public Path write(Path jar) throws IOException {
        Map<String, byte[]> classes = compile(sources, classPath);
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
                out.write(e.getValue());
                out.closeEntry();
            }
            for (var e : resources.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * Compiles sources (class name to code) against the test class path and {@code extra}.
     *
     * @return the class files, by binary class name
     * @throws IllegalStateException with every diagnostic when compilation fails
     */
    public static Map<String, byte[]> compile(Map<String, String> sources, List<Path> extra) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this runtime; run the tests on a JDK, not a JRE");
        }
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new SourceFile(name, code)));
        Map<String, ByteArrayClass> outputs = new LinkedHashMap<>();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        var standard = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
        var files = new javax.tools.ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       javax.tools.FileObject sibling) {
                ByteArrayClass out = new ByteArrayClass(className);
                outputs.put(className, out);
                return out;
            }
        };
        String classPath = Stream.concat(Stream.of(System.getProperty("java.class.path")), extra.stream().map(Path::toString))
                .collect(Collectors.joining(File.pathSeparator));
        boolean ok = compiler.getTask(null, files, diagnostics, List.of("--release", "17", "-classpath", classPath,
                "-proc:none", "-Xlint:none"), null, units).call();
        if (!ok) {
            throw new IllegalStateException("compilation failed:\n" + diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource() == null ? d.getMessage(null)
                            : d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n")));
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        outputs.forEach((name, out) -> classes.put(name, out.bytes.toByteArray()));
        return classes;
    }

    private static final class SourceFile extends SimpleJavaFileObject {
        private final String code;

        SourceFile(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    private static final class ByteArrayClass extends SimpleJavaFileObject {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        ByteArrayClass(String className) {
            super(URI.create("bytes:///" + className.replace('.', '/') + Kind.CLASS.extension), Kind.CLASS);
        }

        @Override
        public OutputStream openOutputStream() {
            return bytes;
        }
    }

    private PluginJars() {
    }
}
