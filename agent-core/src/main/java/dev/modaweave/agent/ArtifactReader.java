package dev.modaweave.agent;

import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers reads of artifact bytes on {@link EventBusAddresses#ARTIFACT_READ}, so an app on the cluster
 * can fetch what a turn made without sharing the store's directory. Request
 * {@code {"id": "art_…", "offset": 0, "length": 4194304}} ({@code offset} and {@code length} optional;
 * at most {@link #MAX_CHUNK} bytes per reply); the reply body is the bytes of that range, with the
 * headers {@code mimeType}, {@code size} (the artifact's whole size) and {@code offset}. An unknown or
 * malformed id fails with code 404, a bad range with 400. The store is read on a worker thread.
 */
public final class ArtifactReader extends VerticleBase {

    /** The largest chunk one reply carries: 4 MiB. */
    public static final int MAX_CHUNK = 4 << 20;

    private final ArtifactStore store;
    private MessageConsumer<JsonObject> consumer;

    public ArtifactReader(ArtifactStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().consumer(EventBusAddresses.ARTIFACT_READ, this::onRead);
        return consumer.completion();
    }

    @Override
    public Future<?> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    private void onRead(Message<JsonObject> message) {
        JsonObject body = message.body();
        Object rawId = body == null ? null : body.getValue("id");
        if (!(rawId instanceof String id) || !Artifact.isValidId(id)) {
            message.fail(404, "no artifact has the id " + (rawId instanceof String s ? "'" + abbreviate(s) + "'" : "given")
                    + "; ids look like art_ followed by 26 letters and digits");
            return;
        }
        long offset;
        int length;
        try {
            offset = body.getLong("offset", 0L);
            length = body.getInteger("length", MAX_CHUNK);
        } catch (ClassCastException e) {
            message.fail(400, "offset and length must be integers");
            return;
        }
        if (offset < 0 || length < 1 || length > MAX_CHUNK) {
            message.fail(400, "offset must be >= 0 and length 1-" + MAX_CHUNK + "; got offset " + offset + ", length " + length);
            return;
        }
        vertx.executeBlocking(() -> read(id, offset, length), false).onComplete(ar -> {
            if (ar.failed()) {
                message.fail(500, "cannot read artifact " + id + ": " + ar.cause().getMessage());
                return;
            }
            Optional<Chunk> chunk = ar.result();
            if (chunk.isEmpty()) {
                message.fail(404, "no artifact " + id + " in this node's store");
                return;
            }
            Chunk c = chunk.get();
            if (offset > c.size()) {
                message.fail(400, "offset " + offset + " is past the end of artifact " + id + " (" + c.size() + " bytes)");
                return;
            }
            message.reply(Buffer.buffer(c.bytes()), new DeliveryOptions().addHeader("mimeType", c.mimeType())
                    .addHeader("size", Long.toString(c.size())).addHeader("offset", Long.toString(offset)));
        });
    }

    private record Chunk(String mimeType, long size, byte[] bytes) {
    }

    private Optional<Chunk> read(String id, long offset, int length) {
        Optional<Artifact> artifact = store.find(id);
        if (artifact.isEmpty()) {
            return Optional.empty();
        }
        long size = artifact.get().size();
        if (offset >= size) {
            return Optional.of(new Chunk(artifact.get().mimeType(), size, new byte[0]));
        }
        try (InputStream in = store.open(id)) {
            in.skipNBytes(offset);
            return Optional.of(new Chunk(artifact.get().mimeType(), size, in.readNBytes((int) Math.min(length, size - offset))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
