package dev.modaweave.app.serve;

import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.MediaTypes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/artifacts} (upload, checked by magic bytes), {@code GET|HEAD /v1/artifacts/{id}}
 * (the bytes, with single byte-range requests) and {@code GET /v1/artifacts/{id}/meta}. An id is
 * checked with {@link Artifact#isValidId} before anything is looked up, and only looked up in the
 * store: no path is ever built from it.
 */
final class ArtifactRoutes {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArtifactRoutes.class);

    private final Vertx vertx;
    private final ArtifactStore store;

    private final long quotaBytes;
    private final Map<String, java.util.concurrent.atomic.AtomicLong> uploaded = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param quotaBytes bytes one client address may upload while the server runs; 0 for no quota */
    ArtifactRoutes(Vertx vertx, ArtifactStore store, long quotaBytes) {
        this.vertx = vertx;
        this.store = store;
        this.quotaBytes = quotaBytes;
    }

    /**
     * Decodes what can be decoded before anything is stored: an image's header is read for its size
     * (refused past 100 megapixels, so a small file cannot claim a huge bitmap), then the whole image,
     * so a valid header followed by garbage or zeros is refused. WebP, audio and video are checked by
     * their magic bytes only.
     */
    static void decode(byte[] data, String mime) {
        if (!mime.startsWith("image/") || mime.equals("image/webp")) {
            return;
        }
        try (var in = javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(data))) {
            var readers = javax.imageio.ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return;
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels <= 0 || pixels > 100_000_000L) {
                    throw new HttpError(415, "invalid_media", "the image claims " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; at most 100 megapixels are accepted");
                }
                reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof HttpError h) {
                throw h;
            }
            throw new HttpError(415, "invalid_media", "the upload starts like " + mime + " but does not decode as one ("
                    + e.getClass().getSimpleName() + "); send an intact file");
        }
    }

    /**
     * Before the body handler: an upload not sent as {@code multipart/form-data} is raw bytes whatever
     * its {@code Content-Type} claims ({@code curl --data-binary} sends a form type), so the body is
     * never parsed as a form.
     */
    static void rawUnlessMultipart(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            ctx.request().headers().set("Content-Type", "application/octet-stream");
        }
        ctx.next();
    }

    void upload(RoutingContext ctx) {
        List<FileUpload> uploads = ctx.fileUploads();
        String claimed;
        io.vertx.core.Future<byte[]> bytes;
        if (!uploads.isEmpty()) {
            FileUpload upload = uploads.get(0);
            claimed = upload.contentType();
            bytes = vertx.executeBlocking(() -> Files.readAllBytes(Path.of(upload.uploadedFileName())), false);
        } else {
            claimed = ctx.request().getHeader("Content-Type");
            if (claimed != null && claimed.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
                throw new HttpError(400, "empty_body", "the multipart body holds no file part; send the file as a part with a filename");
            }
            bytes = io.vertx.core.Future.succeededFuture(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        }
        bytes.compose(data -> {
            if (data.length == 0) {
                throw new HttpError(400, "empty_body", "the upload is empty; send the media file as the request body");
            }
            String mime = MediaTypes.sniff(data).orElseThrow(() -> new HttpError(415, "unsupported_media_type",
                    "the upload is not an image, audio or video file Modaweave recognises (PNG, JPEG, GIF, WebP, BMP, WAV, MP3, OGG, FLAC, MP4, WebM)"));
            if (claimed != null && isMedia(claimed) && !MediaTypes.normalize(claimed).equals(MediaTypes.normalize(mime))
                    && !MediaTypes.matches(data, claimed)) {
                throw new HttpError(415, "media_type_mismatch", "the upload claims " + MediaTypes.normalize(claimed)
                        + " but its bytes are " + mime + "; send the right Content-Type or application/octet-stream");
            }
            String client = ServeServer.clientOf(ctx);
            return vertx.executeBlocking(() -> {
                decode(data, mime);
                if (quotaBytes > 0) {
                    long used = uploaded.computeIfAbsent(client, c -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(data.length);
                    if (used > quotaBytes) {
                        uploaded.get(client).addAndGet(-data.length);
                        throw new HttpError(413, "quota_exceeded", "this client has uploaded " + (used - data.length) + " of its "
                                + quotaBytes + " bytes (server.limits.storeQuotaBytes); this upload of " + data.length + " bytes does not fit");
                    }
                }
                try {
                    return store.put(data, new ArtifactStore.NewArtifact(mime, Map.of(), "upload", Json.object(), List.of()));
                } catch (java.io.UncheckedIOException e) {
                    if (quotaBytes > 0) {
                        uploaded.get(client).addAndGet(-data.length);
                    }
                    LOG.error("the artifact store cannot store an upload: {}", e.getMessage());
                    throw new HttpError(507, "store_unavailable", "the artifact store cannot store the upload now; the server log has the details");
                }
            }, false);
        }).onSuccess(artifact -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .putHeader("Location", "/v1/artifacts/" + artifact.id())
                .end(new JsonObject().put("id", artifact.id()).put("mimeType", artifact.mimeType()).put("size", artifact.size()).encode()))
          .onFailure(ctx::fail);
    }

    private static boolean isMedia(String contentType) {
        String t = MediaTypes.normalize(contentType);
        return t.startsWith("image/") || t.startsWith("audio/") || t.startsWith("video/");
    }

    void meta(RoutingContext ctx) {
        find(ctx).onSuccess(a -> ctx.response().putHeader("Content-Type", "application/json").end(metadata(a).encode()))
                .onFailure(ctx::fail);
    }

    static JsonObject metadata(Artifact a) {
        return new JsonObject().put("id", a.id()).put("mimeType", a.mimeType()).put("modality", a.modality().wireName())
                .put("size", a.size()).put("sha256", a.sha256()).put("tool", a.tool())
                .put("attributes", new JsonObject(Json.write(a.attributes())))
                .put("arguments", new JsonObject(Json.write(a.arguments())))
                .put("parents", new io.vertx.core.json.JsonArray(a.parents())).put("created", a.created().toString());
    }

    /** A byte range resolved against an artifact's size: the whole file, a part of it, or unsatisfiable. */
    record Span(long start, long end, boolean partial, boolean unsatisfiable) {
        static Span whole(long size) {
            return new Span(0, size - 1, false, false);
        }
    }

    /**
     * Resolves a {@code Range} header per RFC 9110: a header this server does not take (malformed, a
     * first position after the last, several ranges) is ignored (the whole file, 200); a last position
     * past the end is clamped (206); a first position at or past the end, or an empty suffix, is
     * unsatisfiable (416). An {@code If-Range} that is not the artifact's ETag also means the whole file.
     */
    static Span span(String range, String ifRange, String etag, long size) {
        if (range == null || size <= 0 || (ifRange != null && !ifRange.trim().equals(etag))) {
            return Span.whole(size);
        }
        Matcher m = RANGE.matcher(range.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Span.whole(size);
        }
        java.math.BigInteger max = java.math.BigInteger.valueOf(size - 1);
        if (m.group(1).isEmpty()) {
            java.math.BigInteger suffix = new java.math.BigInteger(m.group(2));
            if (suffix.signum() == 0) {
                return new Span(0, 0, true, true);
            }
            long start = suffix.compareTo(max) > 0 ? 0 : size - suffix.longValueExact();
            return new Span(start, size - 1, true, false);
        }
        java.math.BigInteger first = new java.math.BigInteger(m.group(1));
        if (!m.group(2).isEmpty() && new java.math.BigInteger(m.group(2)).compareTo(first) < 0) {
            return Span.whole(size);
        }
        if (first.compareTo(max) > 0) {
            return new Span(0, 0, true, true);
        }
        long end = m.group(2).isEmpty() ? size - 1 : new java.math.BigInteger(m.group(2)).min(max).longValueExact();
        return new Span(first.longValueExact(), end, true, false);
    }

    void download(RoutingContext ctx) {
        find(ctx).onSuccess(a -> {
            var response = ctx.response();
            long size = a.size();
            String etag = "\"" + a.sha256() + "\"";
            response.putHeader("Content-Type", a.mimeType()).putHeader("Accept-Ranges", "bytes")
                    .putHeader("ETag", etag).putHeader("Cache-Control", "private, max-age=31536000, immutable")
                    .putHeader("Content-Disposition", "inline");
            String range = ctx.request().getHeader("Range");
            Span span = span(range, ctx.request().getHeader("If-Range"), etag, size);
            if (span.unsatisfiable()) {
                response.putHeader("Content-Range", "bytes */" + size);
                ctx.fail(new HttpError(416, "range_not_satisfiable", "the range '" + range + "' lies outside the artifact's "
                        + size + " bytes"));
                return;
            }
            if (span.partial()) {
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + span.start() + "-" + span.end() + "/" + size);
            }
            long from = span.start();
            long length = size == 0 ? 0 : span.end() - span.start() + 1;
            if (ctx.request().method() == HttpMethod.HEAD) {
                response.putHeader("Content-Length", Long.toString(length)).end();
                return;
            }
            if (store instanceof FileSystemArtifactStore files) {
                vertx.executeBlocking(() -> files.file(a.id()), false).onSuccess(file -> {
                    if (file.isEmpty()) {
                        ctx.fail(new HttpError(404, "artifact_not_found", "no artifact " + a.id() + " in this store"));
                    } else {
                        // zero-copy from the file: memory stays flat however many clients read however slowly
                        response.exceptionHandler(e -> ClientAborts.log(ctx, e));
                        response.sendFile(file.get().toString(), from, length).onFailure(e -> ClientAborts.log(ctx, e));
                    }
                }).onFailure(ctx::fail);
                return;
            }
            vertx.executeBlocking(() -> {
                try (InputStream in = store.open(a.id())) {
                    in.skipNBytes(from);
                    return Buffer.buffer(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, length)));
                }
            }, false).onSuccess(response::end).onFailure(ctx::fail);
        }).onFailure(ctx::fail);
    }

    private io.vertx.core.Future<Artifact> find(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!Artifact.isValidId(id)) {
            return io.vertx.core.Future.failedFuture(new HttpError(400, "invalid_artifact_id",
                    "that is not an artifact id; ids look like art_ followed by 26 characters a-z, 2-7"));
        }
        return vertx.<Optional<Artifact>>executeBlocking(() -> store.find(id), false).map(found -> found.orElseThrow(() ->
                new HttpError(404, "artifact_not_found", "no artifact " + id + " in this store")));
    }
}
