package dev.modaweave.agent;

import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {

    @Test
    void artifacts_come_oldest_first_and_a_re_added_one_becomes_the_newest() {
        Session session = new Session("s1", 10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "art_" + "a".repeat(24) + String.format("%02d", i);
            ids.add(id);
            session.addArtifact(new Session.ArtifactNote(id, Modality.IMAGE, "image/png", "text-to-image"));
        }
        session.addArtifact(new Session.ArtifactNote(ids.get(3), Modality.IMAGE, "image/png", "text-to-image"));

        List<String> expected = new ArrayList<>(ids);
        expected.remove(3);
        expected.add(ids.get(3));
        assertThat(session.artifacts().keySet()).containsExactlyElementsOf(expected);
        assertThat(List.copyOf(session.artifacts().values())).extracting(Session.ArtifactNote::id).containsExactlyElementsOf(expected);
    }
}
