package dev.modaweave.app.docs;

import java.lang.reflect.Constructor;

/** Compiled classes of the main README for tests in other packages. */
public final class ReadmeAccess {

    /**
     * An instance of a class the main README declares, compiled with the other blocks of README.md, made
     * with its no-argument constructor (a README's test class is package-private, as tests are).
     */
    public static Object readmeInstance(String className) throws ReflectiveOperationException {
        Class<?> type = ReadmeSnippets.load(ReadmeSnippets.compile(ReadmeSnippets.root().resolve("README.md"))).loadClass(className);
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }

    /**
     * A class the main README declares, compiled from its block after {@code edit} (e.g. to point an
     * example at a test's port), alone.
     */
    public static Class<?> readmeClass(String className, java.util.function.UnaryOperator<String> edit) throws ReflectiveOperationException {
        var block = ReadmeSnippets.blocks(ReadmeSnippets.root().resolve("README.md")).stream()
                .filter(ReadmeSnippets.Block::isSourceFile).filter(b -> b.className().equals(className)).findFirst()
                .orElseThrow(() -> new ClassNotFoundException("README.md declares no class " + className));
        var classes = dev.modaweave.app.plugins.PluginJars.compile(java.util.Map.of(className, edit.apply(block.code())), java.util.List.of());
        return ReadmeSnippets.load(classes).loadClass(className);
    }

    private ReadmeAccess() {
    }
}
