package dev.modaweave.generators.http;

import dev.modaweave.tools.Tasks;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings every HTTP generator shares: who the tool is (name, task, capacity), where the
 * backend is, how it is authenticated, and the limits the shared client enforces.
 *
 * <p>The configured {@link #baseUrl()} is trusted: it is where the operator runs the backend,
 * often on the same machine. Every other URL (a media URL in a backend's answer, a redirect that
 * leaves the base URL's origin) is fetched only if it is {@code http}/{@code https}, its host is in
 * {@link #allowedMediaHosts()} (when that is not empty), and every address its host resolves to is
 * public — unless {@link #allowPrivateAddresses()} is set. The API key is only ever sent to the
 * base URL's origin.
 *
 * @param name                  tool name in the catalog
 * @param task                  the task it performs, e.g. {@code text-to-image}
 * @param capacity              calls one worker runs at once
 * @param baseUrl               the backend, e.g. {@code http://127.0.0.1:7860}
 * @param apiKey                credential, from the configuration or an environment variable
 * @param connectTimeout        longest wait for a TCP/TLS connection
 * @param readTimeout           longest one HTTP exchange may take, from sending the request to its last byte
 * @param pollInterval          how often a running job's progress or status is asked for
 * @param generationTimeout     longest a whole generation may take, polling included
 * @param maxDownloadBytes      size cap of any answer; reading stops past it
 * @param allowPrivateAddresses whether media URLs and redirects may point at private, loopback or link-local addresses
 * @param allowedMediaHosts     host names media URLs may point at; empty allows any public host
 */
public record HttpToolSettings(
        String name,
        String task,
        int capacity,
        URI baseUrl,
        ApiKey apiKey,
        Duration connectTimeout,
        Duration readTimeout,
        Duration pollInterval,
        Duration generationTimeout,
        long maxDownloadBytes,
        boolean allowPrivateAddresses,
        Set<String> allowedMediaHosts) {

    public HttpToolSettings {
        Objects.requireNonNull(name, "name");
        if (!Tasks.isWellFormed(task)) {
            throw new IllegalArgumentException("tool '" + name + "': task '" + task
                    + "' is not a task name; use lower-case words joined by '-', e.g. text-to-image");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("tool '" + name + "': capacity " + capacity + " must be at least 1");
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("tool '" + name + "': baseUrl '" + baseUrl
                    + "' must be an http or https URL with a host, e.g. http://127.0.0.1:7860");
        }
        if (baseUrl.getRawUserInfo() != null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("tool '" + name + "': baseUrl must not carry credentials, a query or a fragment;"
                    + " put credentials in apiKey or apiKeyEnv");
        }
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        baseUrl = URI.create(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority() + path.replaceAll("/+$", ""));
        Objects.requireNonNull(apiKey, "apiKey");
        requirePositive(name, "connectTimeout", connectTimeout);
        requirePositive(name, "readTimeout", readTimeout);
        requirePositive(name, "pollInterval", pollInterval);
        requirePositive(name, "generationTimeout", generationTimeout);
        if (maxDownloadBytes < 1) {
            throw new IllegalArgumentException("tool '" + name + "': maxDownloadBytes " + maxDownloadBytes + " must be positive");
        }
        allowedMediaHosts = Objects.requireNonNull(allowedMediaHosts, "allowedMediaHosts").stream()
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    private static void requirePositive(String tool, String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("tool '" + tool + "': " + setting + " " + value + " must be positive");
        }
    }

    /**
     * The settings every backend's builder shares, with defaults that suit a backend on the local
     * network: no API key, 10 s to connect, 5 min per HTTP exchange, polling every second,
     * 10 min per generation, answers up to 64 MiB, media only from public addresses.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        private String name;
        private String task;
        private int capacity = 1;
        private URI baseUrl;
        private ApiKey apiKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofMinutes(5);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration generationTimeout = Duration.ofMinutes(10);
        private long maxDownloadBytes = 64L * 1024 * 1024;
        private boolean allowPrivateAddresses;
        private Set<String> allowedMediaHosts = Set.of();

        protected Builder() {
        }

        protected abstract B self();

        public B name(String name) { this.name = name; return self(); }
        public B task(String task) { this.task = task; return self(); }
        public B capacity(int capacity) { this.capacity = capacity; return self(); }
        public B baseUrl(String baseUrl) { this.baseUrl = URI.create(baseUrl); return self(); }
        public B baseUrl(URI baseUrl) { this.baseUrl = baseUrl; return self(); }
        public B apiKey(ApiKey apiKey) { this.apiKey = apiKey; return self(); }
        public B connectTimeout(Duration timeout) { this.connectTimeout = timeout; return self(); }
        public B readTimeout(Duration timeout) { this.readTimeout = timeout; return self(); }
        public B pollInterval(Duration interval) { this.pollInterval = interval; return self(); }
        public B generationTimeout(Duration timeout) { this.generationTimeout = timeout; return self(); }
        public B maxDownloadBytes(long bytes) { this.maxDownloadBytes = bytes; return self(); }
        public B allowPrivateAddresses(boolean allow) { this.allowPrivateAddresses = allow; return self(); }
        public B allowedMediaHosts(Set<String> hosts) { this.allowedMediaHosts = hosts; return self(); }

        /** The task configured so far, or {@code fallback}. */
        protected String taskOr(String fallback) {
            return task == null ? fallback : task;
        }

        /**
         * The shared settings, filling in the backend's defaults.
         *
         * @param defaultName    tool name when none was set
         * @param defaultTask    task when none was set
         * @param defaultBaseUrl base URL when none was set
         * @param defaultApiKey  credential when none was set
         */
        protected HttpToolSettings settings(String defaultName, String defaultTask, String defaultBaseUrl,
                                            ApiKey defaultApiKey) {
            return new HttpToolSettings(name == null ? defaultName : name, taskOr(defaultTask), capacity,
                    baseUrl == null ? URI.create(defaultBaseUrl) : baseUrl,
                    apiKey == null ? defaultApiKey : apiKey,
                    connectTimeout, readTimeout, pollInterval, generationTimeout, maxDownloadBytes,
                    allowPrivateAddresses, allowedMediaHosts);
        }
    }
}
