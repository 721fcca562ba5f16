package dev.modaweave.app.boundaries;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module boundaries the build holds: a module's {@code internal} packages are its own (another module
 * uses only public API), and no two packages depend on each other in a cycle. The classes of every module
 * are on this module's class path, so the whole project is checked here.
 */
class ModuleBoundariesTest {

    /** Each module's root package, the longest first so that a package belongs to its innermost module. */
    static final List<String> MODULES = List.of("dev.modaweave.generators.http", "dev.modaweave.generators.djl",
                    "dev.modaweave.generators.local", "dev.modaweave.generators.media", "dev.modaweave.generators.minilm",
                    "dev.modaweave.generators.diffusion", "dev.modaweave.projector", "dev.modaweave.client",
                    "dev.modaweave.tools", "dev.modaweave.prompts", "dev.modaweave.agent", "dev.modaweave.datasets",
                    "dev.modaweave.app").stream()
            .sorted(Comparator.comparingInt(String::length).reversed()).toList();

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.modaweave");
    }

    static String module(String packageName) {
        for (String root : MODULES) {
            if (packageName.equals(root) || packageName.startsWith(root + ".")) {
                return root;
            }
        }
        return packageName;
    }

    static boolean isInternal(String packageName) {
        return packageName.contains(".internal.") || packageName.endsWith(".internal");
    }

    /** No class uses another module's {@code internal} package. */
    static final ArchRule NO_FOREIGN_INTERNALS = classes().should(new ArchCondition<>("use only their own module's internal packages") {
        @Override
        public void check(JavaClass origin, ConditionEvents events) {
            for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                String target = d.getTargetClass().getPackageName();
                if (target.startsWith("dev.modaweave") && isInternal(target)
                        && !module(target).equals(module(origin.getPackageName()))) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription() + " reaches into the internal package "
                            + target + " of module " + module(target) + "; use that module's public API"));
                }
            }
        }
    });

    /**
     * The unit of the cycle check: a package, with its {@code internal} and {@code testing} sub-packages folded
     * into it (an API package and its implementation, or its test support, may know each other); the application's packages count as one, since
     * its command tree (picocli subcommands naming their parents' types) sits on top of every module.
     */
    static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String p = javaClass.getPackageName();
            if (!p.startsWith("dev.modaweave")) {
                return SliceIdentifier.ignore();
            }
            if (module(p).equals("dev.modaweave.app")) {
                return SliceIdentifier.of("dev.modaweave.app");
            }
            int internal = p.indexOf(".internal");
            int testing = p.indexOf(".testing");
            int cut = internal < 0 ? testing : testing < 0 ? internal : Math.min(internal, testing);
            return SliceIdentifier.of(cut < 0 ? p : p.substring(0, cut));
        }

        @Override
        public String getDescription() {
            return "packages of dev.modaweave, internal and testing sub-packages folded into their API package";
        }
    };

    /** No cycle between packages. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

    @Test
    void no_class_imports_another_modules_internal_package() {
        NO_FOREIGN_INTERNALS.check(classes);
    }

    @Test
    void no_dependency_cycle_between_packages() {
        NO_PACKAGE_CYCLES.check(classes);
    }
}
