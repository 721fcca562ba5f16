package dev.modaweave.generators.http.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A {@code multipart/form-data} body built in memory (uploads here are single images of a few MB). */
public final class Multipart {

    private final String boundary = "modaweave-" + UUID.randomUUID();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** Adds a text field. */
    public Multipart field(String name, String value) {
        header("Content-Disposition: form-data; name=\"" + quote(name) + "\"\r\n\r\n");
        write(value.getBytes(StandardCharsets.UTF_8));
        write("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** Adds a file field. */
    public Multipart file(String name, String filename, String contentType, byte[] content) {
        header("Content-Disposition: form-data; name=\"" + quote(name) + "\"; filename=\"" + quote(filename) + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n");
        write(content);
        write("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** The {@code Content-Type} header value. */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The finished body. */
    public byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(body.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return copy.toByteArray();
    }

    private void header(String disposition) {
        write(("--" + boundary + "\r\n" + disposition).getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        body.writeBytes(bytes);
    }

    private static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", " ").replace("\n", " ");
    }
}
