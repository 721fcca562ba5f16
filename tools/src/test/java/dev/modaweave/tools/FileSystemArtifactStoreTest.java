package dev.modaweave.tools;

import dev.modaweave.tools.testing.ScriptedTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSystemArtifactStoreTest {

    @TempDir
    Path dir;

    private static ArtifactStore.NewArtifact png(String tool) {
        return new ArtifactStore.NewArtifact("image/png", Map.of("width", 1, "height", 1), tool, Json.object(), List.of());
    }

    private static byte[] pngBytes(int marker) {
        byte[] b = ScriptedTool.PNG.clone();
        b[b.length - 1] = (byte) marker;
        return b;
    }

    @Test
    void stored_bytes_come_back_under_an_opaque_id_with_their_metadata() {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);

        Artifact a = store.put(pngBytes(1), png("painter"));

        assertThat(Artifact.isValidId(a.id())).isTrue();
        assertThat(store.read(a.id())).isEqualTo(pngBytes(1));
        Artifact found = store.find(a.id()).orElseThrow();
        assertThat(found).isEqualTo(a);
        assertThat(found.attributes()).containsEntry("width", 1);
        assertThat(found.tool()).isEqualTo("painter");
        assertThat(found.sha256()).hasSize(64);
    }

    @Test
    void an_artifact_is_found_by_its_job_also_when_another_process_stored_it() {
        FileSystemArtifactStore mine = FileSystemArtifactStore.open(dir);
        FileSystemArtifactStore theirs = FileSystemArtifactStore.open(dir);
        mine.put(pngBytes(1), png("painter"));
        Artifact stored = theirs.put(pngBytes(2), new ArtifactStore.NewArtifact("image/png",
                Map.of("width", 1, ArtifactStore.JOB_ATTRIBUTE, "turn-7:img"), "painter", Json.object(), List.of()));

        assertThat(mine.findByJob("turn-7:img")).map(Artifact::id).contains(stored.id());
        assertThat(mine.findByJob("turn-7:other")).isEmpty();
        assertThat(mine.findByJob("")).isEmpty();
    }

    @Test
    void the_same_bytes_are_stored_once_however_many_artifacts_share_them() throws Exception {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);

        Artifact a = store.put(pngBytes(7), png("one"));
        Artifact b = store.put(pngBytes(7), png("two"));

        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.sha256()).isEqualTo(b.sha256());
        try (Stream<Path> blobs = Files.walk(dir.resolve("blobs"))) {
            assertThat(blobs.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
        assertThat(store.delete(a.id())).isTrue();
        assertThat(store.read(b.id())).isEqualTo(pngBytes(7));
    }

    @Test
    void bytes_that_do_not_match_the_declared_media_type_are_refused() {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);
        byte[] notAPng = "GIF89a......".getBytes();

        assertThatThrownBy(() -> store.put(notAPng, png("liar")))
                .isInstanceOf(InvalidMediaException.class)
                .hasMessageContaining("image/png").hasMessageContaining("liar").hasMessageContaining("image/gif");
    }

    @Test
    void every_signature_the_store_knows_is_accepted_for_its_own_type() {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);
        Map<String, byte[]> samples = Map.of(
                "image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0},
                "image/gif", "GIF89a\0".getBytes(),
                "image/webp", "RIFF\0\0\0\0WEBPVP8 ".getBytes(),
                "audio/wav", "RIFF\0\0\0\0WAVEfmt ".getBytes(),
                "audio/mpeg", "ID3\3\0".getBytes(),
                "audio/ogg", "OggS\0".getBytes(),
                "audio/flac", "fLaC\0".getBytes(),
                "video/mp4", "\0\0\0\u0018ftypisom".getBytes(),
                "video/webm", new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0});
        samples.forEach((mime, bytes) -> {
            Artifact a = store.put(bytes, new ArtifactStore.NewArtifact(mime, Map.of(), "t", Json.object(), List.of()));
            assertThat(a.mimeType()).isEqualTo(mime);
        });
        assertThatThrownBy(() -> store.put("ID3".getBytes(), new ArtifactStore.NewArtifact("video/webm", Map.of(), "t", Json.object(), List.of())))
                .isInstanceOf(InvalidMediaException.class);
    }

    @Test
    void ids_that_are_not_artifact_ids_never_reach_the_file_system() {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);
        store.put(pngBytes(1), png("painter"));

        for (String hostile : List.of("../../etc/passwd", "art_../../meta", "", "ART_AAAAAAAAAAAAAAAAAAAAAAAAAA",
                "art_aaaaaaaaaaaaaaaaaaaaaaaaaa/../x", "meta/x")) {
            assertThat(store.find(hostile)).isEmpty();
            assertThatThrownBy(() -> store.open(hostile)).isInstanceOf(ArtifactNotFoundException.class);
            assertThat(store.delete(hostile)).isFalse();
        }
        assertThat(store.find("art_aaaaaaaaaaaaaaaaaaaaaaaaaa")).isEmpty();
    }

    @Test
    void a_second_store_on_the_same_directory_sees_artifacts_the_first_wrote() {
        FileSystemArtifactStore writer = FileSystemArtifactStore.open(dir);
        FileSystemArtifactStore reader = FileSystemArtifactStore.open(dir);

        Artifact a = writer.put(pngBytes(3), png("painter"));

        assertThat(reader.find(a.id())).contains(a);
        assertThat(reader.read(a.id())).isEqualTo(pngBytes(3));
    }

    @Test
    void the_oldest_artifacts_are_deleted_when_the_size_limit_is_passed() {
        MovableClock clock = new MovableClock();
        FileSystemArtifactStore store = FileSystemArtifactStore.builder(dir).maxTotalBytes(30).clock(clock).build();

        Artifact first = store.put(pngBytes(1), png("t"));
        clock.advance(Duration.ofSeconds(1));
        Artifact second = store.put(pngBytes(2), png("t"));
        clock.advance(Duration.ofSeconds(1));
        Artifact third = store.put(pngBytes(3), png("t"));

        assertThat(store.find(first.id())).isEmpty();
        assertThat(store.find(second.id())).isPresent();
        assertThat(store.find(third.id())).isPresent();
        assertThat(store.totalBytes()).isLessThanOrEqualTo(30);
    }

    @Test
    void artifacts_older_than_the_age_limit_are_deleted() {
        MovableClock clock = new MovableClock();
        FileSystemArtifactStore store = FileSystemArtifactStore.builder(dir).maxAge(Duration.ofHours(1)).clock(clock).build();
        Artifact old = store.put(pngBytes(1), png("t"));

        clock.advance(Duration.ofHours(2));
        Artifact fresh = store.put(pngBytes(2), png("t"));

        assertThat(store.find(old.id())).isEmpty();
        assertThat(store.find(fresh.id())).isPresent();
    }

    @Test
    void metadata_survives_reopening_the_store() {
        FileSystemArtifactStore store = FileSystemArtifactStore.open(dir);
        Artifact parent = store.put(pngBytes(1), png("t"));
        Artifact child = store.put(pngBytes(2), new ArtifactStore.NewArtifact("image/png", Map.of("seed", 42),
                "editor", (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("{\"prompt\":\"blue\"}"), List.of(parent.id())));

        Artifact reread = FileSystemArtifactStore.open(dir).find(child.id()).orElseThrow();

        assertThat(reread).isEqualTo(child);
        assertThat(reread.parents()).containsExactly(parent.id());
        assertThat(reread.arguments().get("prompt").asText()).isEqualTo("blue");
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
