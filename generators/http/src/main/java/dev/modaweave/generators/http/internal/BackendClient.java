package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.generators.http.ApiKey;
import dev.modaweave.generators.http.HttpToolSettings;
import dev.modaweave.generators.http.UnexpectedResponseException;
import dev.modaweave.tools.RetryAfter;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.InvalidMediaException;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.RetriableToolException;
import dev.modaweave.tools.ToolAuthenticationException;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolException;
import dev.modaweave.tools.ToolTimeoutException;
import dev.modaweave.tools.ToolUnavailableException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one HTTP client every HTTP generator uses, so that they all behave alike: connect and read
 * timeouts, an overall generation deadline, cancellation that aborts the request in flight,
 * polling while a long request runs, a size cap on every answer, no automatic redirects (media
 * downloads follow at most five, each target checked by the {@link AddressGuard}), the API key
 * sent only to the base URL's origin, and failures turned into typed tool exceptions:
 *
 * <ul>
 *   <li>401/403 → {@link ToolAuthenticationException} naming the key's setting (never its value)</li>
 *   <li>429/503 → {@link ToolUnavailableException} with {@code Retry-After} (seconds or HTTP-date)</li>
 *   <li>other 5xx → {@link RetriableToolException}; 400/422 → {@link InvalidArgumentsException};
 *       other 4xx → {@link NonRetriableToolException}, each quoting the backend's shortened message</li>
 *   <li>broken connections, answers that are not HTTP → {@link ToolUnavailableException};
 *       too slow → {@link ToolTimeoutException}; over the cap or not media → {@link InvalidMediaException};
 *       JSON of the wrong shape → {@link UnexpectedResponseException}</li>
 * </ul>
 */
public final class BackendClient implements AutoCloseable {

    /** How the API key is presented. */
    public enum Auth {
        /** {@code Authorization: Bearer <key>} */
        BEARER,
        /** {@code Authorization: Basic base64(<key>)}, the key being {@code user:password} */
        BASIC
    }

    /**
     * A successful answer.
     *
     * @param status  HTTP status (2xx)
     * @param headers response headers
     * @param body    the body, at most {@code maxDownloadBytes}
     * @param uri     the URL that answered (after redirects)
     */
    public record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
        /** The {@code Content-Type} without parameters, lower-case, or empty. */
        public String contentType() {
            String type = headers.firstValue("content-type").orElse("");
            int semicolon = type.indexOf(';');
            return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BackendClient.class);
    private static final int MAX_REDIRECTS = 5;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(10);

    private final String backend;
    private final HttpToolSettings settings;
    private final Auth auth;
    private final HttpClient http;
    private final AddressGuard guard;
    private final Clock clock;

    public BackendClient(String backend, HttpToolSettings settings, Auth auth) {
        this(backend, settings, auth, Clock.systemUTC(), InetAddress::getAllByName);
    }

    /** For tests: a fixed clock for {@code Retry-After} dates and a fake resolver for the address guard. */
    public BackendClient(String backend, HttpToolSettings settings, Auth auth, Clock clock, AddressGuard.Resolver resolver) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.guard = new AddressGuard(settings.allowPrivateAddresses(), settings.allowedMediaHosts(), resolver);
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public HttpToolSettings settings() {
        return settings;
    }

    /** The backend's display name, e.g. {@code "ComfyUI"}. */
    public String backend() {
        return backend;
    }

    /** Starts one generation: the deadline begins now and {@code cancellation} aborts its requests. */
    public Call start(Cancellation cancellation) {
        Call call = new Call(cancellation, describe(), settings.generationTimeout());
        call.throwIfCancelled();
        return call;
    }

    /**
     * Opens a websocket at {@code pathAndQuery} on the base URL's origin ({@code ws}/{@code wss}
     * after the base URL's scheme) and hands every JSON text message to {@code events}, on the
     * client's threads. Waits at most {@code connectTimeout}; when the backend does not accept
     * the socket, returns a socket that delivers nothing, since events only add detail.
     */
    public EventSocket openEvents(Call call, String pathAndQuery, java.util.function.Consumer<JsonNode> events) {
        URI base = settings.baseUrl();
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        URI uri = URI.create(scheme + "://" + base.getRawAuthority() + (base.getRawPath() == null ? "" : base.getRawPath()) + pathAndQuery);
        java.net.http.WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(settings.connectTimeout());
        authorization().ifPresent(value -> builder.header("Authorization", value));
        CompletableFuture<java.net.http.WebSocket> opening = builder.buildAsync(uri, new EventSocket.Listener(events, 1024 * 1024));
        call.track(opening);
        try {
            return new EventSocket(opening.get(settings.connectTimeout().toMillis() + 500, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            opening.cancel(true);
            Thread.currentThread().interrupt();
            throw new ToolCancelledException(describe() + " was interrupted while opening its event socket", e);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            opening.cancel(true);
            call.throwIfCancelled();
            return EventSocket.none();
        } finally {
            call.untrack(opening);
        }
    }

    /** The base URL with {@code pathAndQuery} appended (it starts with {@code /}). */
    public URI uri(String pathAndQuery) {
        return URI.create(settings.baseUrl() + pathAndQuery);
    }

    /** POSTs JSON and reads a JSON answer; {@code whileWaiting} (may be null) runs every poll interval until the answer comes. */
    public JsonNode postJson(Call call, String path, JsonNode body, Map<String, String> headers, Runnable whileWaiting) {
        Response response = exchange(call, "POST", uri(path), jsonBody(body), "application/json", headers, false,
                settings.readTimeout(), whileWaiting);
        return json(response);
    }

    /** GETs a JSON answer from the base URL's origin. */
    public JsonNode getJson(Call call, URI uri) {
        return json(exchange(call, "GET", uri, HttpRequest.BodyPublishers.noBody(), null, Map.of(), false,
                settings.readTimeout(), null));
    }

    /** POSTs a body and returns the raw answer (media endpoints). */
    public Response post(Call call, String path, String contentType, byte[] body, Map<String, String> headers) {
        return exchange(call, "POST", uri(path), HttpRequest.BodyPublishers.ofByteArray(body), contentType, headers, false,
                settings.readTimeout(), null);
    }

    /** POSTs a multipart form and reads a JSON answer. */
    public JsonNode postMultipartJson(Call call, String path, Multipart form, Map<String, String> headers) {
        return json(post(call, path, form.contentType(), form.bytes(), headers));
    }

    /**
     * GETs media. A URL outside the base URL's origin is checked by the address guard and fetched
     * without the API key; redirects are followed (at most five), each target checked the same way.
     */
    public byte[] download(Call call, URI uri) {
        return exchange(call, "GET", uri, HttpRequest.BodyPublishers.noBody(), null, Map.of(), true,
                settings.readTimeout(), null).body();
    }

    /**
     * GETs JSON from the base URL's origin for a progress report; failures other than
     * cancellation are ignored (progress is best effort).
     */
    public JsonNode pollQuietly(Call call, URI uri) {
        try {
            return json(exchange(call, "GET", uri, HttpRequest.BodyPublishers.noBody(), null, Map.of(), false,
                    shorter(settings.readTimeout(), PROGRESS_TIMEOUT), null));
        } catch (ToolCancelledException e) {
            throw e;
        } catch (ToolException e) {
            return null;
        }
    }

    /**
     * Tells the backend to stop (interrupt, cancel a prediction) after the caller cancelled: a
     * short, fresh request that is not subject to the cancellation; its failure is ignored since
     * the job is abandoned anyway. Only URLs on the base URL's origin are called.
     */
    public void notifyQuietly(String method, URI uri, JsonNode body) {
        if (!sameOrigin(uri)) {
            return;
        }
        Call detached = new Call(Cancellation.create(), describe(), shorter(settings.readTimeout(), PROGRESS_TIMEOUT));
        try {
            exchange(detached, method, uri, body == null ? HttpRequest.BodyPublishers.noBody() : jsonBody(body),
                    body == null ? null : "application/json", Map.of(), false, detached.remainingTimeout(), null);
        } catch (ToolException ignored) {
            // the job was abandoned; a backend that does not stop only wastes its own time
        }
    }

    /** Whether {@code uri} has the base URL's scheme, host and port (where the API key may go). */
    public boolean sameOrigin(URI uri) {
        URI base = settings.baseUrl();
        return uri.getScheme() != null && uri.getHost() != null
                && uri.getScheme().equalsIgnoreCase(base.getScheme())
                && uri.getHost().equalsIgnoreCase(base.getHost())
                && port(uri) == port(base);
    }

    /** Parses an answer as JSON. @throws UnexpectedResponseException when it is empty or not JSON */
    public JsonNode json(Response response) {
        if (response.body().length == 0) {
            throw new UnexpectedResponseException(describe() + " answered " + where(response.uri())
                    + " with an empty body where JSON was expected");
        }
        try {
            return BackendJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UnexpectedResponseException(describe() + " answered " + where(response.uri())
                    + " with something that is not JSON: " + Text.backendMessage(response.body(), secret()), e);
        }
    }

    /** An error for JSON that lacks what the backend's API promises. */
    public UnexpectedResponseException unexpected(String expected, JsonNode got) {
        String shown = got == null ? "nothing" : Text.shorten(got.toString(), 200);
        return new UnexpectedResponseException(describe() + " answered JSON without " + expected + ": " + shown
                + "; check that baseUrl points at a " + backend + " server of a supported version");
    }

    /**
     * Decodes base64 media (a {@code data:} URI prefix is accepted).
     *
     * @throws InvalidMediaException when it does not decode
     */
    public byte[] base64(String encoded, String what) {
        String data = encoded;
        int comma = data.indexOf(',');
        if (data.startsWith("data:") && comma > 0) {
            data = data.substring(comma + 1);
        }
        data = data.replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidMediaException(describe() + " returned " + what + " as base64 of " + data.length()
                    + " characters that does not decode (" + e.getMessage() + "); the answer was probably cut short", e);
        }
    }

    /** {@code "AUTOMATIC1111 backend of tool 'name'"}, the subject of every message. */
    public String describe() {
        return backend + " backend of tool '" + settings.name() + "'";
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end when it is unreachable
    }

    private Response exchange(Call call, String method, URI first, HttpRequest.BodyPublisher body, String contentType,
                              Map<String, String> headers, boolean followRedirects, Duration timeout, Runnable whileWaiting) {
        URI current = first;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            boolean trusted = sameOrigin(current);
            if (!trusted) {
                guard.check(current, hop == 0 ? "media URL" : "redirect target");
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .timeout(timeout)
                    .method(method, body);
            if ("http".equalsIgnoreCase(current.getScheme())) {
                // no cleartext HTTP/2 upgrade attempt: GPU servers and their proxies often mishandle it
                request.version(HttpClient.Version.HTTP_1_1);
            }
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            headers.forEach(request::header);
            if (trusted) {
                authorization().ifPresent(value -> request.header("Authorization", value));
            }
            long started = System.nanoTime();
            HttpResponse<byte[]> response = await(call, request.build(), timeout, whileWaiting);
            int status = response.statusCode();
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} {} → {} ({} bytes, {} ms)", describe(), method, where(current), status, response.body().length,
                        (System.nanoTime() - started) / 1_000_000);
            }
            if (status >= 300 && status < 400 && status != 304) {
                String location = response.headers().firstValue("location").orElse(null);
                if (!followRedirects || !method.equals("GET")) {
                    throw new UnexpectedResponseException(describe() + " answered " + method + " " + where(current)
                            + " with a redirect (HTTP " + status + ") to " + (location == null ? "nowhere" : Text.shorten(location, 120))
                            + "; API requests are not redirected, so check that baseUrl is the backend's own address");
                }
                if (location == null) {
                    throw new UnexpectedResponseException(describe() + " answered " + where(current) + " with HTTP "
                            + status + " but no Location header");
                }
                try {
                    current = current.resolve(location.strip());
                } catch (IllegalArgumentException e) {
                    throw new UnexpectedResponseException(describe() + " redirected " + where(current)
                            + " to a malformed URL: " + Text.shorten(location, 120), e);
                }
                continue;
            }
            if (status >= 200 && status < 300) {
                return new Response(status, response.headers(), response.body(), current);
            }
            throw failure(method, current, response);
        }
        throw new UnexpectedResponseException(describe() + " redirected " + where(first) + " more than " + MAX_REDIRECTS
                + " times; the media URL leads nowhere");
    }

    private HttpResponse<byte[]> await(Call call, HttpRequest request, Duration timeout, Runnable whileWaiting) {
        call.throwIfCancelled();
        call.checkDeadline();
        long budget = Math.min(timeout.toNanos(), call.remainingNanos());
        boolean limitedByDeadline = call.remainingNanos() < timeout.toNanos();
        long end = System.nanoTime() + budget;
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, CappedBody.handler(settings.maxDownloadBytes()));
        call.track(future);
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    future.cancel(true);
                    if (limitedByDeadline) {
                        throw call.timedOut();
                    }
                    throw new ToolTimeoutException(describe() + " did not answer " + request.method() + " " + where(request.uri())
                            + " completely within readTimeout " + timeout + "; raise readTimeout if the backend is slow");
                }
                long wait = whileWaiting == null ? left : Math.min(left, settings.pollInterval().toNanos());
                try {
                    return future.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (whileWaiting != null && end - System.nanoTime() > 0) {
                        whileWaiting.run();
                    }
                }
            }
        } catch (CancellationException e) {
            call.throwIfCancelled();
            throw new ToolUnavailableException(describe() + ": the request " + where(request.uri()) + " was aborted", e);
        } catch (ExecutionException e) {
            call.throwIfCancelled();
            throw failure(request, e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ToolCancelledException(describe() + " was interrupted while waiting for " + where(request.uri()), e);
        } finally {
            call.untrack(future);
        }
    }

    private ToolException failure(HttpRequest request, Throwable thrown) {
        Throwable cause = thrown;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CappedBody.TooLarge tooLarge) {
                return new InvalidMediaException(describe() + " answered " + request.method() + " " + where(request.uri())
                        + " with more than " + tooLarge.cap + " bytes, the maxDownloadBytes cap; reading stopped there."
                        + " Raise maxDownloadBytes if outputs this large are expected");
            }
        }
        String reason = cause == null ? "unknown" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof HttpConnectTimeoutException) {
            return new ToolUnavailableException(describe() + " could not connect to " + origin(request.uri()) + " within connectTimeout "
                    + settings.connectTimeout() + "; check that the backend runs and that baseUrl is right", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new ToolTimeoutException(describe() + " did not answer " + request.method() + " " + where(request.uri())
                    + " within readTimeout " + settings.readTimeout() + "; raise readTimeout if the backend is slow", cause);
        }
        if (cause instanceof ConnectException) {
            return new ToolUnavailableException(describe() + ": nothing accepts connections at " + origin(request.uri())
                    + " (" + reason + "); check that the backend runs and that baseUrl is right", cause);
        }
        if (cause instanceof IOException) {
            return new ToolUnavailableException(describe() + ": the connection broke during " + request.method() + " "
                    + where(request.uri()) + " (" + Text.shorten(reason, 160)
                    + "); the backend closed it or answered with something that is not HTTP", cause);
        }
        return new ToolUnavailableException(describe() + ": " + request.method() + " " + where(request.uri()) + " failed: "
                + Text.shorten(reason, 160), cause);
    }

    private ToolException failure(String method, URI uri, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String said = Text.backendMessage(response.body(), secret());
        String head = describe() + " answered HTTP " + status + " to " + method + " " + where(uri) + ": " + said;
        if (status == 401 || status == 403) {
            return new ToolAuthenticationException(head + "; " + authHint());
        }
        if (status == 429 || status == 503) {
            Duration retryAfter = RetryAfter.parse(response.headers().firstValue("retry-after").orElse(null), clock).orElse(null);
            String when = retryAfter == null ? "try again later" : "retry after " + retryAfter.toSeconds() + " s";
            return new ToolUnavailableException(head + " (" + (status == 429 ? "rate limited" : "busy or down") + "; " + when + ")",
                    retryAfter, null);
        }
        if (status >= 500) {
            return new RetriableToolException(head + " (a server error; a retry may succeed)");
        }
        if (status == 400 || status == 422) {
            return new InvalidArgumentsException(head + " (the backend rejected the request; check the arguments and the tool's model settings)");
        }
        if (status == 404) {
            return new NonRetriableToolException(head + " (check baseUrl and the configured model or workflow)");
        }
        return new NonRetriableToolException(head);
    }

    private String authHint() {
        ApiKey key = settings.apiKey();
        String tool = "tool '" + settings.name() + "'";
        if (key.value().isEmpty()) {
            return "no API key was sent (" + key.source().orElse("none configured")
                    + "); set apiKeyEnv to the name of an environment variable holding the key, or apiKey, for " + tool;
        }
        return "the API key from " + key.source().orElse("the configuration") + " was refused; check that key, or apiKeyEnv/apiKey of " + tool;
    }

    private java.util.Optional<String> authorization() {
        return settings.apiKey().value().map(key -> switch (auth) {
            case BEARER -> "Bearer " + key;
            case BASIC -> "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        });
    }

    private String secret() {
        return settings.apiKey().value().orElse(null);
    }

    private static HttpRequest.BodyPublisher jsonBody(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(BackendJson.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private String where(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return sameOrigin(uri) ? path : origin(uri) + path;
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
