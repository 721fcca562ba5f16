package dev.modaweave.datasets.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CaptionFormsTest {

    private final CaptionForms forms = new CaptionForms(List.of("barking", "riding", "speaking", "sneezing",
            "chirping", "blowing", "swimming", "glowing", "quacking", "mixing", "talking"));

    @Test
    void clauses_become_noun_phrases_that_fit_a_picture_of_slot() {
        assertThat(forms.nounPhrase("A dog barks twice.")).isEqualTo("a dog barking twice");
        assertThat(forms.nounPhrase("A man is riding a horse")).isEqualTo("a man riding a horse");
        assertThat(forms.nounPhrase("there is a man riding a horse")).isEqualTo("a man riding a horse");
        assertThat(forms.nounPhrase("A woman talks and then sneezes")).isEqualTo("a woman talking and then sneezing");
        assertThat(forms.nounPhrase("Ducks quack in the distance")).isEqualTo("ducks quacking in the distance");
        assertThat(forms.nounPhrase("A large house is shown")).isEqualTo("a large house");
    }

    @Test
    void subordinate_clauses_and_plural_nouns_are_left_alone() {
        assertThat(forms.nounPhrase("A man speaks while rain falls")).isEqualTo("a man speaking while rain falls");
        assertThat(forms.nounPhrase("Two brown bears swimming together")).isEqualTo("two brown bears swimming together");
        assertThat(forms.nounPhrase("Street signs and a traffic light on a pole")).isEqualTo("street signs and a traffic light on a pole");
        assertThat(forms.nounPhrase("The traffic lights glow green")).isEqualTo("the traffic lights glow green");
    }

    @Test
    void a_caption_that_cannot_be_rewritten_safely_has_no_noun_phrase() {
        assertThat(forms.nounPhrase("A batter prepares to hit a ball that has just been thrown")).isNull();
        assertThat(forms.nounPhrase("a black car has a computer system")).isNull();
    }

    @Test
    void clauses_and_phrases_are_told_apart() {
        assertThat(forms.isClause("The man is swinging the tennis racket")).isTrue();
        assertThat(forms.isClause("A dog barks")).isTrue();
        assertThat(forms.isClause("A large clock on the side of a building above cars on the street")).isFalse();
        assertThat(forms.isClause("A lady mixes something in a bowl")).isTrue();
        assertThat(forms.isClause("Man speaking while food sizzles")).isFalse();
    }

    @Test
    void garbled_and_meta_captions_are_rejected_with_a_reason() {
        assertThat(CaptionForms.rejection("Dog")).startsWith("garbled");
        assertThat(CaptionForms.rejection("Beep beep beep girl talking")).startsWith("garbled");
        assertThat(CaptionForms.rejection("a clip from a huge concert")).startsWith("meta");
        assertThat(CaptionForms.rejection("There is a great amount of fruit in this picture.")).startsWith("meta");
        assertThat(CaptionForms.rejection("A horse clip-clops nearby")).isNull();
        assertThat(CaptionForms.rejection("a video gamer plays a video game")).isNull();
        assertThat(CaptionForms.rejection("Clock ticking")).isNull();
        assertThat(CaptionForms.withoutMetaPrefix("a video of a man cooking pasta")).isEqualTo("a man cooking pasta");
    }
}
