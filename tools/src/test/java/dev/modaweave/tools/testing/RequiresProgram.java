package dev.modaweave.tools.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a test class or method needs a system program on the {@code PATH}. When the
 * program is missing the class or method is skipped before any of its set-up runs (a
 * {@code @BeforeAll} that would start the program never runs), with a reason naming the Debian
 * package to install; when the environment variable {@code CI} is {@code true} it fails instead.
 * Repeat the annotation for several programs. See {@link SystemPrograms} for the same rule in code.
 *
 * <pre>{@code
 * @RequiresProgram(value = "ffmpeg", debianPackage = "ffmpeg")
 * class Mp4PreviewTest { … }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(RequiresProgram.List.class)
@ExtendWith(RequiresProgramCondition.class)
public @interface RequiresProgram {

    /** The program's file name as it appears on the {@code PATH}, e.g. {@code espeak-ng}. */
    String value();

    /** The Debian package that installs it, e.g. {@code chromium-driver} for {@code chromedriver}. */
    String debianPackage();

    /** The container of repeated {@link RequiresProgram} annotations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ExtendWith(RequiresProgramCondition.class)
    @interface List {
        /** The repeated annotations. */
        RequiresProgram[] value();
    }
}
