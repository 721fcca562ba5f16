package dev.modaweave.datasets;

import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CaptionReaderTest {

    @TempDir
    Path dir;

    @Test
    void reads_the_shared_corpus_format_with_modality_from_the_file_name() {
        List<Caption> captions = TestData.captions();
        assertThat(captions).hasSize(90);
        assertThat(captions).extracting(Caption::modality).containsOnly(Modality.IMAGE, Modality.VIDEO, Modality.AUDIO);
        assertThat(captions).extracting(Caption::source).contains("MS-COCO Captions 2017", "MSR-VTT", "AudioCaps");
    }

    @Test
    void reads_csv_with_mapped_columns_quotes_commas_and_line_breaks() throws IOException {
        Path file = dir.resolve("clips.csv");
        Files.writeString(file, "vid,text,kind\n1,\"a dog, running\",video\n2,\"two \"\"quoted\"\"\nlines\",audio\n");
        List<Caption> out = new ArrayList<>();
        new CaptionReader(new CaptionReader.Columns("vid", "text", "src", "split", "kind", "My corpus", null))
                .read(List.of(file), out::add);

        assertThat(out).extracting(Caption::text).containsExactly("a dog, running", "two \"quoted\"\nlines");
        assertThat(out).extracting(Caption::modality).containsExactly(Modality.VIDEO, Modality.AUDIO);
        assertThat(out).extracting(Caption::source).containsOnly("My corpus");
    }

    @Test
    void a_file_without_any_modality_hint_is_rejected_with_its_name_and_the_fix() throws IOException {
        Path file = dir.resolve("captions.jsonl");
        Files.writeString(file, "{\"id\":\"1\",\"caption\":\"a cat\"}\n");
        assertThatThrownBy(() -> CaptionReader.withDefaults().read(List.of(file), c -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("captions.jsonl:1").hasMessageContaining("--modality");
    }

    @Test
    void a_csv_without_the_caption_column_names_the_flag_to_map_it() throws IOException {
        Path file = dir.resolve("image.csv");
        Files.writeString(file, "id,description\n1,a cat\n");
        assertThatThrownBy(() -> CaptionReader.withDefaults().read(List.of(file), c -> { }))
                .hasMessageContaining("--caption-column");
    }

    @Test
    void a_missing_path_is_reported() {
        assertThatThrownBy(() -> CaptionReader.expand(List.of(dir.resolve("nope"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }
}
