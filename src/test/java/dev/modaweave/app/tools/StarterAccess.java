package dev.modaweave.app.tools;

import dev.modaweave.app.plugins.PluginJars;

import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compiles a starter project's Java files as {@code tools new} writes them, for tests in other packages. */
public final class StarterAccess {

    /** The package starters are made in by these tests. */
    public static final String PACKAGE = "org.example.starter";

    /** The files of the starter for {@code task}, with the version this build records. */
    static Map<String, String> files(String name, String task) {
        return new StarterProject(name, task, PACKAGE, StarterProject.applicationVersion()).files();
    }

    /** The starter's main and test classes compiled with {@code javax.tools} against this test's class path. */
    public static Map<String, byte[]> compile(String name, String task) {
        Map<String, String> sources = new LinkedHashMap<>();
        files(name, task).forEach((path, text) -> {
            if (path.endsWith(".java")) {
                String className = path.replaceFirst("^src/(main|test)/java/", "").replace(".java", "").replace('/', '.');
                sources.put(className, text);
            }
        });
        return PluginJars.compile(sources, List.of());
    }

    /** An instance of the starter's contract test for {@code task}, from the compiled classes. */
    public static Object contractTest(String name, String task) throws ReflectiveOperationException {
        Map<String, byte[]> classes = compile(name, task);
        String testClass = PACKAGE + "." + new StarterProject(name, task, PACKAGE, "0").className() + "Test";
        ClassLoader loader = new ClassLoader(StarterAccess.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String className) throws ClassNotFoundException {
                byte[] bytes = classes.get(className);
                if (bytes == null) {
                    throw new ClassNotFoundException(className);
                }
                return defineClass(className, bytes, 0, bytes.length);
            }
        };
        Constructor<?> constructor = loader.loadClass(testClass).getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }

    private StarterAccess() {
    }
}
