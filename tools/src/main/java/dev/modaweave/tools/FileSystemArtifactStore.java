package dev.modaweave.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modaweave.tools.internal.ArtifactJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An {@link ArtifactStore} in a directory: bytes under {@code blobs/} named by their SHA-256 (stored
 * once however many artifacts share them), metadata in one JSON sidecar per artifact under
 * {@code meta/}. Several processes may share one directory: every file is written to a temporary
 * name and moved into place atomically.
 *
 * <p>No path is built from a caller's string. An id is first checked with
 * {@link Artifact#isValidId}, then looked up in the index of sidecar files the store has listed
 * itself; the blob path comes from the digest the store computed.
 *
 * <p>Retention: after each {@link #put}, artifacts older than {@code maxAge} are deleted, then the
 * oldest ones until the stored bytes are within {@code maxTotalBytes}.
 */
public final class FileSystemArtifactStore implements ArtifactStore {

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Media types with a magic number the store checks; others (text, JSON…) are stored as declared. */
    private static final Set<String> SIGNED_TYPES = Set.of("image/png", "image/jpeg", "image/gif",
            "image/webp", "image/bmp", "audio/wav", "audio/mpeg", "audio/ogg", "video/ogg", "audio/flac", "video/mp4",
            "audio/mp4", "video/quicktime", "video/webm");

    private final Path blobs;
    private final Path meta;
    private final long maxTotalBytes;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Entry> index = new ConcurrentHashMap<>();
    private final AtomicLong storedBytes = new AtomicLong();
    private volatile Instant lastAgeSweep = Instant.MIN;

    private record Entry(Artifact artifact, Path sidecar) {
    }

    private FileSystemArtifactStore(Builder b) {
        Path root = Objects.requireNonNull(b.root, "root").toAbsolutePath().normalize();
        this.blobs = root.resolve("blobs");
        this.meta = root.resolve("meta");
        this.maxTotalBytes = b.maxTotalBytes;
        this.maxAge = b.maxAge;
        this.clock = b.clock;
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact store at " + root + ": " + e.getMessage(), e);
        }
        rescan();
    }

    /** A store in {@code root} with the default limits (10 GiB, 30 days). */
    public static FileSystemArtifactStore open(Path root) {
        return builder(root).build();
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    @Override
    public Artifact put(byte[] bytes, NewArtifact metadata) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(metadata, "metadata");
        if (bytes.length == 0) {
            throw new InvalidMediaException("refusing to store an empty " + metadata.mimeType() + " artifact");
        }
        String mime = MediaTypes.normalize(metadata.mimeType());
        if (SIGNED_TYPES.contains(mime)) {
            try {
                MediaTypes.requireMatches(bytes, mime);
            } catch (InvalidMediaException e) {
                throw new InvalidMediaException("refusing to store the output of '" + metadata.tool() + "': "
                        + e.getMessage() + "; check the tool's output format", e);
            }
        }
        metadata.parents().forEach(Artifact::requireValidId);
        String sha = sha256(bytes);
        try {
            writeBlob(sha, bytes);
            Artifact artifact = new Artifact(newId(), mime, bytes.length, sha, metadata.attributes(), metadata.tool(),
                    metadata.arguments(), metadata.parents(), clock.instant());
            Path sidecar = meta.resolve(artifact.id() + ".json");
            writeAtomically(sidecar, Json.MAPPER.writeValueAsBytes(ArtifactJson.write(artifact)));
            index.put(artifact.id(), new Entry(artifact, sidecar));
            if (storedBytes.get() > maxTotalBytes || ageSweepDue()) {
                enforceRetention();
            }
            return artifact;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store a " + mime + " artifact of " + bytes.length + " bytes: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Artifact> find(String id) {
        return entry(id).map(Entry::artifact);
    }

    /**
     * The file that holds an artifact's bytes, for servers that send it without reading it into memory
     * (zero-copy); empty when the store has no such artifact. Never write to it.
     */
    public Optional<Path> file(String id) {
        return entry(id).map(e -> blobPath(e.artifact().sha256())).filter(Files::isRegularFile);
    }

    @Override
    public InputStream open(String id) {
        Entry e = entry(id).orElseThrow(() -> notFound(id));
        try {
            return Files.newInputStream(blobPath(e.artifact().sha256()));
        } catch (NoSuchFileException ex) {
            throw notFound(id);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read artifact " + id + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public byte[] read(String id) {
        try (InputStream in = open(id)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read artifact " + id + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public synchronized boolean delete(String id) {
        Optional<Entry> found = entry(id);
        if (found.isEmpty()) {
            return false;
        }
        Entry e = found.get();
        index.remove(e.artifact().id());
        try {
            Files.deleteIfExists(e.sidecar());
            String sha = e.artifact().sha256();
            boolean shared = index.values().stream().anyMatch(o -> o.artifact().sha256().equals(sha));
            if (!shared && Files.deleteIfExists(blobPath(sha))) {
                storedBytes.addAndGet(-e.artifact().size());
            }
            return true;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot delete artifact " + id + ": " + ex.getMessage(), ex);
        }
    }

    /** Looks through every sidecar, those other processes wrote included: meant for the rare resent job. */
    @Override
    public Optional<Artifact> findByJob(String jobId) {
        if (jobId == null || jobId.isEmpty()) {
            return Optional.empty();
        }
        rescan();
        return index.values().stream().map(Entry::artifact)
                .filter(a -> jobId.equals(a.attributes().get(JOB_ATTRIBUTE)))
                .max(Comparator.comparing(Artifact::created));
    }

    /** Every artifact the store knows, oldest first. */
    public List<Artifact> list() {
        rescan();
        return index.values().stream().map(Entry::artifact)
                .sorted(Comparator.comparing(Artifact::created)).toList();
    }

    /** Bytes held by distinct blobs. */
    public long totalBytes() {
        return index.values().stream().map(Entry::artifact)
                .collect(Collectors.toMap(Artifact::sha256, Artifact::size, (a, b) -> a))
                .values().stream().mapToLong(Long::longValue).sum();
    }

    /** Deletes artifacts past {@code maxAge}, then the oldest until within {@code maxTotalBytes}. */
    public synchronized void enforceRetention() {
        lastAgeSweep = clock.instant();
        Instant cutoff = lastAgeSweep.minus(maxAge);
        for (Artifact a : list()) {
            if (a.created().isBefore(cutoff)) {
                delete(a.id());
            }
        }
        List<Artifact> oldestFirst = new ArrayList<>(list());
        int i = 0;
        while (totalBytes() > maxTotalBytes && i < oldestFirst.size()) {
            delete(oldestFirst.get(i++).id());
        }
    }

    /** Age sweeps run at most every tenth of {@code maxAge} (and at least every minute), not on every put. */
    private boolean ageSweepDue() {
        Duration period = maxAge.dividedBy(10).compareTo(Duration.ofMinutes(1)) < 0 ? maxAge.dividedBy(10) : Duration.ofMinutes(1);
        return lastAgeSweep.equals(Instant.MIN) || clock.instant().isAfter(lastAgeSweep.plus(period));
    }

    private Optional<Entry> entry(String id) {
        if (!Artifact.isValidId(id)) {
            return Optional.empty();
        }
        Entry e = index.get(id);
        if (e == null) {
            rescan();
            e = index.get(id);
        }
        return Optional.ofNullable(e);
    }

    /** Picks up sidecars written by other processes; paths come from the directory listing. */
    private void rescan() {
        try (Stream<Path> files = Files.list(meta)) {
            files.forEach(path -> {
                String name = path.getFileName().toString();
                if (!name.endsWith(".json")) {
                    return;
                }
                String id = name.substring(0, name.length() - ".json".length());
                if (Artifact.isValidId(id) && !index.containsKey(id)) {
                    readSidecar(path).ifPresent(a -> index.putIfAbsent(a.id(), new Entry(a, path)));
                }
            });
            index.values().removeIf(e -> !Files.exists(e.sidecar()));
            storedBytes.set(totalBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the artifact store's metadata: " + e.getMessage(), e);
        }
    }

    private static Optional<Artifact> readSidecar(Path path) {
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(path));
            return Optional.of(ArtifactJson.read(node));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // a half-written or foreign file is not an artifact
            return Optional.empty();
        }
    }

    private void writeBlob(String sha, byte[] bytes) throws IOException {
        Path target = blobPath(sha);
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        writeAtomically(target, bytes);
        storedBytes.addAndGet(bytes.length);
    }

    private Path blobPath(String sha) {
        return blobs.resolve(sha.substring(0, 2)).resolve(sha);
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            // another writer stored the same content first
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String newId() {
        byte[] random = new byte[17];
        RANDOM.nextBytes(random);
        StringBuilder sb = new StringBuilder("art_");
        long buffer = 0;
        int bits = 0;
        int i = 0;
        while (sb.length() < 4 + 26) {
            if (bits < 5) {
                buffer = (buffer << 8) | (random[i++] & 0xFF);
                bits += 8;
            }
            sb.append(BASE32[(int) ((buffer >> (bits - 5)) & 31)]);
            bits -= 5;
        }
        return sb.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static ArtifactNotFoundException notFound(String id) {
        String shown = id == null ? "null" : id.length() > 40 ? id.substring(0, 40) + "…" : id;
        return new ArtifactNotFoundException("no artifact '" + shown + "' in the store; use an id returned by a tool or an upload");
    }

    /** Settings of a {@link FileSystemArtifactStore}. */
    public static final class Builder {
        private final Path root;
        private long maxTotalBytes = 10L * 1024 * 1024 * 1024;
        private Duration maxAge = Duration.ofDays(30);
        private Clock clock = Clock.systemUTC();

        private Builder(Path root) {
            this.root = root;
        }

        /** Upper bound of stored bytes; the oldest artifacts go first. Default 10 GiB. */
        public Builder maxTotalBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxTotalBytes must be positive, got " + bytes);
            }
            this.maxTotalBytes = bytes;
            return this;
        }

        /** Artifacts older than this are deleted. Default 30 days. */
        public Builder maxAge(Duration age) {
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("maxAge must be positive, got " + age);
            }
            this.maxAge = age;
            return this;
        }

        /** The clock that stamps {@code created} and judges age; tests pass one they can move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public FileSystemArtifactStore build() {
            return new FileSystemArtifactStore(this);
        }
    }
}
