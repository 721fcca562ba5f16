package dev.modaweave.agent.llm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP/1.1 server on a raw loopback socket that streams scripted replies chunk by chunk
 * (chunked transfer encoding, flushed after every chunk) and can misbehave in ways WireMock cannot:
 * close the connection after N chunks (the client sees the body end mid-stream), hold the stream
 * open after N chunks until the test releases a latch, or never answer at all. Each request takes the
 * next queued {@link Reply}; every request body is kept for assertions.
 */
public final class ScriptedStreamServer implements AutoCloseable {

    /**
     * One scripted response.
     *
     * @param status      HTTP status
     * @param contentType content type of the body
     * @param headers     extra header lines ({@code Name: value})
     * @param chunks      body chunks, written and flushed one by one
     * @param dropAfter   close the connection after this many chunks (without the chunked terminator),
     *                    or -1 to send them all and end the body properly
     * @param holdAfter   after this many chunks wait for {@code release} before going on, or -1
     * @param release     the latch a held stream waits for
     * @param unanswered  accept the request and never answer (until the server closes)
     */
    public record Reply(int status, String contentType, List<String> headers, List<String> chunks,
                        int dropAfter, int holdAfter, CountDownLatch release, boolean unanswered) {

        public Reply {
            headers = List.copyOf(headers);
            chunks = List.copyOf(chunks);
        }

        /** A 200 streaming {@code chunks} and ending regularly. */
        public static Reply stream(String contentType, List<String> chunks) {
            return new Reply(200, contentType, List.of(), chunks, -1, -1, null, false);
        }

        /** A non-streaming response with a status and body, e.g. a 503 with {@code Retry-After}. */
        public static Reply status(int status, String body, String... headers) {
            return new Reply(status, "application/json", List.of(headers), List.of(body), -1, -1, null, false);
        }

        /** A request that is read and never answered. */
        public static Reply silent() {
            return new Reply(200, StreamFixtures.SSE, List.of(), List.of(), -1, -1, null, true);
        }

        /** This reply, but the connection closes after {@code chunkCount} chunks. */
        public Reply dropAfter(int chunkCount) {
            return new Reply(status, contentType, headers, chunks, chunkCount, holdAfter, release, unanswered);
        }

        /** This reply, but after {@code chunkCount} chunks it waits until {@code latch} is released. */
        public Reply holdAfter(int chunkCount, CountDownLatch latch) {
            return new Reply(status, contentType, headers, chunks, dropAfter, chunkCount, latch, unanswered);
        }
    }

    private final ServerSocket socket;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread acceptor;

    private ScriptedStreamServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "scripted-stream-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on an ephemeral loopback port. */
    public static ScriptedStreamServer start() {
        try {
            return new ScriptedStreamServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback server socket", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Queues the reply for the next request. */
    public ScriptedStreamServer enqueue(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** Request lines and bodies received so far, in order ({@code "POST /v1/chat/completions\n{...}"}). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.add(connection);
                Thread handler = new Thread(() -> serve(connection), "scripted-stream-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            String head = readHead(in);
            int contentLength = contentLength(head);
            String body = new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
            requests.add(head.lines().findFirst().orElse("").replaceFirst(" HTTP/1\\.1$", "") + "\n" + body);
            Reply reply = replies.poll();
            if (reply == null) {
                reply = Reply.status(500, "{\"error\":\"the test queued no reply for this request\"}");
            }
            if (reply.unanswered()) {
                closing.await();
                return;
            }
            write(connection.getOutputStream(), reply);
        } catch (SocketException closedByClient) {
            // the client went away (e.g. it cancelled or timed out)
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(OutputStream out, Reply reply) throws IOException, InterruptedException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(reply.status() == 200 ? "OK" : "Scripted").append("\r\n")
                .append("Content-Type: ").append(reply.contentType()).append("\r\n")
                .append("Transfer-Encoding: chunked\r\nConnection: close\r\n");
        reply.headers().forEach(header -> head.append(header).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        List<String> chunks = reply.chunks();
        for (int k = 0; k < chunks.size(); k++) {
            if (k == reply.holdAfter()) {
                awaitRelease(reply.release());
            }
            if (k == reply.dropAfter()) {
                return;
            }
            byte[] bytes = chunks.get(k).getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        if (reply.holdAfter() == chunks.size()) {
            awaitRelease(reply.release());
        }
        if (reply.dropAfter() == chunks.size()) {
            return;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void awaitRelease(CountDownLatch release) throws InterruptedException {
        while (!release.await(50, TimeUnit.MILLISECONDS)) {
            if (closing.getCount() == 0) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new SocketException("the client closed the connection before sending a request");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        List<String> lines = new ArrayList<>(head.lines().toList());
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }
}
