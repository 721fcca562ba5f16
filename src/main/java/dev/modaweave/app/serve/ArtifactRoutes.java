package dev.modaweave.app.serve;

import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
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

    private final Vertx vertx;
    private final ArtifactStore store;

    ArtifactRoutes(Vertx vertx, ArtifactStore store) {
        this.vertx = vertx;
        this.store = store;
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
            return vertx.executeBlocking(() -> store.put(data, new ArtifactStore.NewArtifact(mime, Map.of(), "upload", Json.object(), List.of())), false);
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

    void download(RoutingContext ctx) {
        find(ctx).onSuccess(a -> {
            var response = ctx.response();
            long size = a.size();
            response.putHeader("Content-Type", a.mimeType()).putHeader("Accept-Ranges", "bytes")
                    .putHeader("ETag", "\"" + a.sha256() + "\"").putHeader("Cache-Control", "private, max-age=31536000, immutable")
                    .putHeader("Content-Disposition", "inline");
            long start = 0;
            long end = size - 1;
            String range = ctx.request().getHeader("Range");
            Matcher m = range == null ? null : RANGE.matcher(range.trim());
            if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                try {
                    if (m.group(1).isEmpty()) {
                        long suffix = Long.parseLong(m.group(2));
                        start = Math.max(0, size - suffix);
                    } else {
                        start = Long.parseLong(m.group(1));
                        end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    }
                } catch (NumberFormatException e) {
                    start = size;
                }
                if (start >= size || start > end) {
                    response.putHeader("Content-Range", "bytes */" + size);
                    ctx.fail(new HttpError(416, "range_not_satisfiable", "the range '" + range + "' lies outside the artifact's "
                            + size + " bytes"));
                    return;
                }
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
            }
            long from = start;
            long length = end - start + 1;
            if (ctx.request().method() == HttpMethod.HEAD) {
                response.putHeader("Content-Length", Long.toString(Math.max(0, length))).end();
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
