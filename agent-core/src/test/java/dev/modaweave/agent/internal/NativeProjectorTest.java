package dev.modaweave.agent.internal;

import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.ArtifactStore;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.Json;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class NativeProjectorTest {

    @TempDir
    Path dir;
    private Vertx vertx;
    private FileSystemArtifactStore store;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        store = FileSystemArtifactStore.open(dir);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Ten frames of 50 ms whose red channel rises 0, 25, 50 … 225, so each frame is recognisable. */
    static byte[] rampGif() throws Exception {
        var writer = ImageIO.getImageWritersByFormatName("gif").next();
        var out = new ByteArrayOutputStream();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < 10; i++) {
                BufferedImage frame = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                var g = frame.createGraphics();
                g.setColor(new Color(i * 25, 0, 0));
                g.fillRect(0, 0, 8, 8);
                g.dispose();
                var metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
                var root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_gif_image_1.0");
                var control = new IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "5");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                metadata.setFromTree("javax_imageio_gif_image_1.0", root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), null);
            }
            writer.endWriteSequence();
        }
        return out.toByteArray();
    }

    private List<Content> project(NativeProjector projector, Artifact artifact) throws Exception {
        return projector.project(List.of(artifact)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_video_reaches_the_model_as_evenly_spaced_keyframes_in_order() throws Exception {
        Artifact video = store.put(rampGif(), new ArtifactStore.NewArtifact("image/gif", Map.of(), "upload", Json.object(), List.of()));

        List<Content> content = project(new NativeProjector(vertx, store, 4, false), video);

        assertThat(content.get(0)).isInstanceOf(TextContent.class);
        assertThat(((TextContent) content.get(0)).text()).isEqualTo("[video " + video.id() + " lasting 0.5 s: 4 keyframes follow, evenly spaced from start to end]");
        assertThat(content).hasSize(5);
        int[] reds = content.subList(1, 5).stream().mapToInt(c -> red((ImageContent) c)).toArray();
        // frames 0, 3, 6 and 9 of the ramp, first and last included
        assertThat(reds).containsExactly(0, 75, 150, 225);
    }

    @Test
    void audio_for_a_model_without_audio_input_is_captioned_not_dropped() throws Exception {
        byte[] wav = new byte[44];
        System.arraycopy("RIFF".getBytes(), 0, wav, 0, 4);
        System.arraycopy("WAVEfmt ".getBytes(), 0, wav, 8, 8);
        Artifact audio = store.put(wav, new ArtifactStore.NewArtifact("audio/wav", Map.of(), "upload", Json.object(), List.of()));

        List<Content> content = project(new NativeProjector(vertx, store, 4, false), audio);

        // no dispatcher runs in this test, so the caption says why it is missing, naming the recording
        assertThat(content).singleElement().isInstanceOf(TextContent.class);
        assertThat(((TextContent) content.get(0)).text()).startsWith("[audio " + audio.id() + ": not captioned:");
    }

    private static int red(ImageContent image) {
        try {
            byte[] png = Base64.getDecoder().decode(image.image().base64Data());
            return (ImageIO.read(new ByteArrayInputStream(png)).getRGB(4, 4) >> 16) & 0xFF;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
