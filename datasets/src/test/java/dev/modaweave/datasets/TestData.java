package dev.modaweave.datasets;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The committed caption excerpts (30 per modality from COCO, MSR-VTT and AudioCaps; see their README). */
final class TestData {
    private TestData() {
    }

    static Path captionsDir() {
        try {
            return Path.of(TestData.class.getResource("/captions/image.jsonl").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Caption> captions() {
        List<Caption> all = new ArrayList<>();
        CaptionReader.withDefaults().read(List.of(captionsDir()), all::add);
        return all;
    }
}
