package dev.modaweave.app.planner;

import dev.modaweave.datasets.Caption;
import dev.modaweave.datasets.DatasetBuilder;
import dev.modaweave.datasets.ExportFormat;
import dev.modaweave.datasets.NearDuplicateFilter;
import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlannerTrainerTest {

    @TempDir
    Path dir;

    @Test
    void training_twice_with_the_same_seed_gives_the_same_parameters_and_a_model_the_planner_loads() throws Exception {
        List<Caption> captions = new ArrayList<>();
        String[] texts = {"A dog on a beach.", "A red car parked on a street.", "Two birds on a wire.", "A bowl of soup.",
                "A man rides a horse.", "A boat on a lake.", "A child with a balloon.", "A cat on a roof."};
        for (int i = 0; i < texts.length; i++) {
            captions.add(new Caption("i" + i, texts[i], Modality.IMAGE, "test", ""));
            captions.add(new Caption("a" + i, texts[i].replace(".", " barking loudly."), Modality.AUDIO, "test", ""));
        }
        Path data = dir.resolve("data");
        DatasetBuilder.builder().captionList(captions).outDir(data).seed(5).size(96)
                .dedup(NearDuplicateFilter.Options.defaults().withMode(NearDuplicateFilter.Mode.EXACT))
                .formats(Set.of(ExportFormat.NATIVE)).splitShares(0.7, 0.3, 0.0001).build().build();
        PlannerTrainer.Options options = new PlannerTrainer.Options(data, 1, 7, 16, 0.003f, 0);

        PlannerTrainer.Summary first = new PlannerTrainer(options, null).train(dir.resolve("a.bin"));
        new PlannerTrainer(options, null).train(dir.resolve("b.bin"));

        assertThat(parameters(dir.resolve("a.bin"))).isEqualTo(parameters(dir.resolve("b.bin")));
        assertThat(first.metrics()).hasSize(1);
        assertThat(first.metrics().get(0).has("callSetAccuracy")).isTrue();
        assertThat(first.metrics().get(0).has("spanTokenF1")).isTrue();
        assertThat(EmbeddedPlanner.load(dir.resolve("a.bin")).plan("Draw a dog on a beach.").request()).isEqualTo("Draw a dog on a beach.");
    }

    /** The parameter stream of a model file (the part after the JSON header, which holds timings). */
    private static byte[] parameters(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            in.readFully(new byte[PlannerModel.MAGIC.length() + 1]);
            in.readFully(new byte[in.readInt()]);
            return in.readAllBytes();
        }
    }
}
