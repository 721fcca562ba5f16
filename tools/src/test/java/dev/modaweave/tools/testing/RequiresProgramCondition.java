package dev.modaweave.tools.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JUnit condition behind {@link RequiresProgram}: enables the annotated class or method when
 * every program it names is on the {@code PATH}, disables it with a reason naming the Debian
 * packages otherwise, and fails it when {@code CI=true}.
 */
public final class RequiresProgramCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<RequiresProgram> needs = context.getElement()
                .map(element -> AnnotationSupport.findRepeatableAnnotations(element, RequiresProgram.class))
                .orElse(List.of());
        ConditionEvaluationResult result = evaluate(context.getDisplayName(), needs, System.getenv());
        if (result.isDisabled()) {
            SystemPrograms.reportSkip(describe(context), result.getReason().orElse(""));
        }
        return result;
    }

    static ConditionEvaluationResult evaluate(String what, List<RequiresProgram> needs, Map<String, String> environment) {
        List<String> missing = new ArrayList<>();
        for (RequiresProgram need : needs) {
            if (SystemPrograms.find(need.value(), environment).isEmpty()) {
                missing.add(SystemPrograms.missingMessage(need.value(), need.debianPackage()));
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("every required program is installed: "
                    + needs.stream().map(RequiresProgram::value).toList());
        }
        String reason = String.join("; ", missing);
        if (SystemPrograms.required(environment)) {
            throw new AssertionFailedError(what + ": " + reason
                    + " (required because " + SystemPrograms.CI_VARIABLE + "=true)");
        }
        return ConditionEvaluationResult.disabled(reason);
    }

    private static String describe(ExtensionContext context) {
        String type = context.getTestClass().map(Class::getName)
                .map(name -> name.substring(name.lastIndexOf('.') + 1)).orElse("");
        return context.getTestMethod().map(m -> type + "." + m.getName()).orElse(type);
    }
}
