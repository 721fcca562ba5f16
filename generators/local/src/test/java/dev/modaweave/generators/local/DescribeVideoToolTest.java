package dev.modaweave.generators.local;

import dev.modaweave.generators.media.Media;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DescribeVideoToolTest extends DescribeToolContract {

    DescribeVideoToolTest() {
        super(DescribeVideoTool::new, "video", "image/gif", DescribeVideoToolTest::redThenBlue,
                "{}", "{\"image\":\"" + ID + "\"}");
    }

    /** Eight frames of 100 ms: four red, then four blue. */
    static byte[] redThenBlue() {
        List<BufferedImage> frames = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            BufferedImage f = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            var g = f.createGraphics();
            g.setColor(i < 4 ? new Color(200, 30, 30) : new Color(30, 70, 200));
            g.fillRect(0, 0, 64, 48);
            g.dispose();
            frames.add(f);
        }
        return Media.animatedGif(frames, 100);
    }

    @Test
    void keyframes_of_a_gif_are_described_in_order() {
        String text = new String(generate(validArguments()).bytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("0.8 s video, 64×48, 8 frames.");
        assertThat(text.indexOf("Keyframe 1: 64×48 picture, mostly red")).isPositive();
        assertThat(text.indexOf("Keyframe 4: 64×48 picture, mostly blue")).isGreaterThan(text.indexOf("Keyframe 1"));
    }
}
