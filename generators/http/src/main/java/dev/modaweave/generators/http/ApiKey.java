package dev.modaweave.generators.http;

import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A backend credential taken from the configuration or from an environment variable. It never
 * shows its value: {@link #toString()} and every error message name only where the key comes from
 * ({@link #source()}), so a key cannot leak into logs.
 */
public final class ApiKey {

    private static final ApiKey NONE = new ApiKey(null, null);

    private final String value;
    private final String source;

    private ApiKey(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /** No credential; the backend is called without an {@code Authorization} header. */
    public static ApiKey none() {
        return NONE;
    }

    /** A key written in the configuration (setting {@code apiKey}). */
    public static ApiKey of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("apiKey is blank; remove the setting or give the key");
        }
        return new ApiKey(value.strip(), "setting apiKey");
    }

    /** The key in environment variable {@code variable}, read now; absent if the variable is unset or empty. */
    public static ApiKey fromEnv(String variable) {
        return fromEnv(variable, System::getenv);
    }

    /** As {@link #fromEnv(String)}, reading variables through {@code environment} (for tests and embedding). */
    public static ApiKey fromEnv(String variable, UnaryOperator<String> environment) {
        Objects.requireNonNull(variable, "variable");
        if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("apiKeyEnv '" + variable + "' is not an environment variable name");
        }
        String found = environment.apply(variable);
        boolean present = found != null && !found.isBlank();
        return new ApiKey(present ? found.strip() : null,
                "environment variable " + variable + (present ? "" : " (not set)"));
    }

    /** The key, when there is one. Only the HTTP client should call this. */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /** Where the key comes from, e.g. {@code "environment variable REPLICATE_API_TOKEN"}; empty when none was configured. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    @Override
    public String toString() {
        return "ApiKey[" + (source == null ? "none" : source) + "]";
    }
}
