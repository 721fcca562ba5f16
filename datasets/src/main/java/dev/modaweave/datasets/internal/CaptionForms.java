package dev.modaweave.datasets.internal;

import dev.modaweave.datasets.CaptionText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammatical forms of a caption that templates need, and the filter of captions that cannot
 * be used. Caption corpora mix noun phrases ("a man riding a horse") with clauses ("a man is
 * riding a horse", "a dog barks twice"); a template slot such as "a picture of {caption}" needs a
 * noun phrase. {@link #nounPhrase} turns the common clause shapes into one: a leading "there
 * is/are" is dropped, "is/are" before the predicate is dropped, and a finite verb ("barks",
 * "chirp" after a plural subject) becomes its -ing form when the corpus itself uses that form
 * (so the rewrite never invents a word). Captions it cannot rewrite are only slotted into
 * templates that accept a whole sentence.
 *
 * <p>{@link #rejection} names why a caption is unusable: garbled (too short, too long, mostly
 * non-letters, a word repeated three times) or meta (it talks about the recording itself: "a video
 * of", "in this clip").
 */
public final class CaptionForms {

    private static final Set<String> AUX = Set.of("is", "are", "am");
    private static final Set<String> HARD_AUX = Set.of("was", "were", "has", "have", "had", "can", "will", "would",
            "could", "does", "do", "did", "should", "may", "might", "must");
    private static final Set<String> NOT_BEFORE_VERB = Set.of("a", "an", "the", "two", "three", "four", "several",
            "many", "some", "of", "in", "on", "at", "with", "and", "or", "to", "for", "from", "by", "its", "his", "her",
            "their", "my", "your", "our", "this", "that", "these", "those", "very", "into", "onto", "over", "under", "is",
            "are", "as", "while", "then", "other", "small", "large", "big", "little", "old", "young", "same");
    private static final Set<String> SUBORDINATORS = Set.of("as", "while", "whilst", "when", "until", "before", "after",
            "because", "since", "whereas", "if", "where", "who", "which", "that");
    private static final Set<String> NOT_VERBS = Set.of("this", "his", "its", "is", "was", "has", "does", "as", "us",
            "yes", "less", "always", "towards", "across", "news", "glasses", "pants", "dress", "grass", "glass", "class",
            "plus", "bus", "gas", "ones", "others", "sometimes", "species", "lots", "series", "perhaps", "besides");
    private static final Set<String> PREPOSITIONS = Set.of("above", "below", "behind", "near", "beside", "next",
            "inside", "outside", "through", "across", "around", "between", "along", "against", "among", "without",
            "down", "up", "off", "out", "under", "over", "past", "toward", "towards", "onto", "into", "beneath", "atop",
            "of", "in", "on", "at", "with", "to", "for", "from", "by", "like", "than", "during", "after", "before");
    private static final Set<String> SMALL_WORDS = Set.of("a", "an", "the", "and", "or", "on", "in", "at", "to", "up",
            "of", "off", "out", "by", "as", "it", "its", "his", "her", "their", "from", "with", "for", "then", "while",
            "back", "forth", "away", "around", "again", "along", "nearby", "close", "far", "fast", "hard", "low", "high",
            "still", "once", "twice", "together", "inside", "outside", "home", "down", "over", "through", "something");
    private static final Set<String> SINGULAR_MARKERS = Set.of("a", "an", "one", "another", "each", "every", "the",
            "this", "that", "his", "her", "its", "their", "someone", "somebody", "something", "he", "she", "it");
    private static final Set<String> PLURAL_MARKERS = Set.of("two", "three", "four", "five", "six", "several", "many",
            "some", "multiple", "various", "few", "both", "these", "those", "lots", "group", "couple", "pair", "bunch",
            "number", "herd", "flock", "crowd", "team", "row", "pile", "set");
    private static final Set<String> SINGULAR_NOUNS = Set.of("someone", "somebody", "something", "wind", "water", "rain",
            "music", "thunder", "steam", "smoke", "fire", "food", "oil", "liquid", "air", "traffic", "speech", "he", "she");
    private static final Set<String> IRREGULAR_PLURALS = Set.of("people", "men", "women", "children", "geese", "sheep",
            "kids", "cattle", "mice", "feet");
    private static final Set<String> ING_NOUNS = Set.of("something", "anything", "nothing", "everything", "thing",
            "ceiling", "building", "buildings", "morning", "evening", "string", "king", "ring", "wing", "spring", "swing",
            "clothing", "railing", "ding", "sibling", "pudding", "wedding", "stocking", "icing", "frosting", "sing");
    private static final Set<String> TRAILING_PARTICIPLES = Set.of("shown", "seen", "displayed", "pictured", "depicted",
            "heard", "visible");
    private static final Pattern META_PREFIX = Pattern.compile(
            "^(?:this is |here is |there is |there are )?(?:a |an |the )?(?:short |close[- ]up |black and white )?"
                    + "(?:video|clip|footage|film|picture|photo|photograph|image|snapshot|recording|audio|sound)"
                    + "(?: clip)? (?:of|showing|that shows|where|in which|with) ",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern META_ANYWHERE = Pattern.compile(
            "\\b(?:video|clip|footage|vlog|youtube|this picture|this image|this photo|the picture|the photo"
                    + "|the image|screenshot|slideshow|this recording)\\b(?! ?gam)(?![- ]?clop)",
            Pattern.CASE_INSENSITIVE);

    private final Set<String> vocabulary;

    /** @param corpus every caption of the build: the -ing forms it uses are the ones a rewrite may produce */
    public CaptionForms(Collection<String> corpus) {
        Set<String> words = new HashSet<>();
        for (String caption : corpus) {
            for (String w : tokens(caption)) {
                if (w.endsWith("ing")) {
                    words.add(w);
                }
            }
        }
        this.vocabulary = words;
    }

    /** Why {@code caption} cannot be used ("garbled: …", "meta: …"), or null when it can. */
    public static String rejection(String caption) {
        String clean = CaptionText.clean(caption);
        List<String> words = tokens(clean);
        if (words.size() < 2) {
            return "garbled: fewer than two words";
        }
        if (words.size() > 40) {
            return "garbled: more than forty words";
        }
        long letters = clean.chars().filter(Character::isLetter).count();
        if (letters < clean.replace(" ", "").length() * 0.8) {
            return "garbled: mostly not letters";
        }
        for (int i = 2; i < words.size(); i++) {
            if (words.get(i).equals(words.get(i - 1)) && words.get(i).equals(words.get(i - 2))) {
                return "garbled: a word repeated three times";
            }
        }
        if (clean.contains("http") || clean.contains("www.")) {
            return "garbled: a web address";
        }
        String rest = META_PREFIX.matcher(clean).replaceFirst("");
        if (META_ANYWHERE.matcher(rest).find()) {
            return "meta: speaks of the recording itself";
        }
        if (tokens(rest).size() < 2) {
            return "meta: nothing left after the words about the recording";
        }
        return null;
    }

    /** The caption without a leading "a video of", "a picture of"… (what a prompt should carry). */
    public static String withoutMetaPrefix(String caption) {
        String clean = CaptionText.clean(caption);
        String rest = META_PREFIX.matcher(clean).replaceFirst("");
        return rest.isEmpty() ? clean : rest;
    }

    /**
     * Whether {@code caption} reads as a clause (its main clause has a finite verb) rather than a noun
     * phrase; verbs after "while", "as", "that"… do not count.
     */
    public boolean isClause(String caption) {
        List<String> words = tokens(caption);
        if (words.size() > 1 && (words.get(0).equals("there") || words.get(0).equals("it")) && AUX.contains(words.get(1))) {
            return true;
        }
        return isClauseIgnoringSubordinates(String.join(" ", words));
    }

    /**
     * The caption as a noun phrase for use mid-sentence (first word lower-cased unless an acronym,
     * no final full stop), or null when it cannot be rewritten safely.
     */
    public String nounPhrase(String caption) {
        String inline = CaptionText.inline(withoutMetaPrefix(caption));
        String[] raw = inline.split(" ");
        List<String> out = new ArrayList<>(Arrays.asList(raw));
        List<String> lower = tokens(inline);
        if (lower.size() != raw.length) {
            return isClause(inline) ? null : inline;
        }
        int start = 0;
        if (lower.size() > 2 && lower.get(0).equals("there") && AUX.contains(lower.get(1))) {
            out.set(0, "");
            out.set(1, "");
            start = 2;
        }
        boolean subordinate = false;
        boolean converted = false;
        for (int i = start; i < lower.size(); i++) {
            String w = lower.get(i);
            if (HARD_AUX.contains(w)) {
                return null;
            }
            if (SUBORDINATORS.contains(w)) {
                subordinate = true;
            } else if (w.equals("and") || w.equals("then")) {
                subordinate = false;
            }
            if (subordinate) {
                continue;
            }
            if (AUX.contains(w) && i > start) {
                out.set(i, "");
                continue;
            }
            String ing = finiteVerb(lower, i);
            if (ing == null && converted && w.endsWith("s") && !w.endsWith("ss") && i > 0
                    && (lower.get(i - 1).equals("and") || lower.get(i - 1).equals("then")) && !NOT_VERBS.contains(w)
                    && (i + 1 >= lower.size() || !lower.get(i + 1).endsWith("ing"))) {
                String base = w.endsWith("es") && ingForm(w.substring(0, w.length() - 2)) != null
                        ? w.substring(0, w.length() - 2) : w.substring(0, w.length() - 1);
                ing = ingForm(base);
            }
            if (ing != null) {
                converted = true;
            }
            if (ing != null) {
                String word = raw[i];
                String tail = word.substring(word.length() - trailingPunctuation(word));
                out.set(i, ing + tail);
            }
        }
        String np = String.join(" ", out).replaceAll(" {2,}", " ").strip();
        int lastSpace = np.lastIndexOf(' ');
        if (lastSpace > 0 && TRAILING_PARTICIPLES.contains(np.substring(lastSpace + 1).toLowerCase(Locale.ROOT))) {
            np = np.substring(0, lastSpace);
        }
        if (np.isEmpty() || isClauseIgnoringSubordinates(np)) {
            return null;
        }
        return CaptionText.inline(np);
    }

    private boolean isClauseIgnoringSubordinates(String np) {
        List<String> words = tokens(np);
        boolean subordinate = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (SUBORDINATORS.contains(w)) {
                subordinate = true;
            } else if (w.equals("and") || w.equals("then")) {
                subordinate = false;
            }
            if (subordinate) {
                continue;
            }
            if (HARD_AUX.contains(w) || AUX.contains(w) || finiteVerb(words, i) != null) {
                return true;
            }
        }
        return false;
    }

    private static int trailingPunctuation(String word) {
        int n = 0;
        while (n < word.length() && !Character.isLetterOrDigit(word.charAt(word.length() - 1 - n))) {
            n++;
        }
        return n;
    }

    /**
     * The -ing form of word {@code i} when it is a finite verb the corpus knows the -ing form of; else
     * null. A word in -s is a verb only after a singular subject ("a dog barks", "someone snores",
     * "wind blows"), never after a plural marker or with no determiner ("two brown bears", "street
     * signs"); a bare verb only after a plural noun ("ducks quack"). A word followed by an -ing word or
     * a bare verb is the subject, not the verb ("bears swimming", "traffic lights glow").
     */
    private String finiteVerb(List<String> words, int i) {
        if (i == 0) {
            return null;
        }
        String w = words.get(i);
        String prev = words.get(i - 1);
        if (w.length() < 3 || NOT_VERBS.contains(w) || NOT_BEFORE_VERB.contains(prev) || PREPOSITIONS.contains(prev)
                || w.endsWith("ing") || w.endsWith("ly")) {
            return null;
        }
        String next = i + 1 < words.size() ? words.get(i + 1) : null;
        if (next != null && ((next.endsWith("ing") && !ING_NOUNS.contains(next)) || (!next.endsWith("s") && !SMALL_WORDS.contains(next)
                && ingForm(next) != null && !next.endsWith("ed")))) {
            return null;
        }
        if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
            if (!singularSubject(words, i)) {
                return null;
            }
            List<String> bases = new ArrayList<>();
            if (w.endsWith("ies")) {
                bases.add(w.substring(0, w.length() - 3) + "y");
            }
            if (w.endsWith("es")) {
                bases.add(w.substring(0, w.length() - 2));
            }
            bases.add(w.substring(0, w.length() - 1));
            for (String base : bases) {
                String ing = ingForm(base);
                if (ing != null) {
                    return ing;
                }
            }
            return regularIng(w);
        }
        boolean pluralSubject = ((prev.endsWith("s") && !prev.endsWith("ss") && !prev.endsWith("us"))
                || IRREGULAR_PLURALS.contains(prev)) && !singularSubject(words, i - 1);
        return pluralSubject ? ingForm(w) : null;
    }

    /** Whether the words before {@code i} (back to a preposition or conjunction) name one thing. */
    private static boolean singularSubject(List<String> words, int i) {
        if (i < 1) {
            return false;
        }
        if (SINGULAR_NOUNS.contains(words.get(i - 1))) {
            return true;
        }
        for (int k = i - 1; k >= 0 && k >= i - 7; k--) {
            String t = words.get(k);
            if (PLURAL_MARKERS.contains(t)) {
                return false;
            }
            if (SINGULAR_MARKERS.contains(t)) {
                return true;
            }
            if ((PREPOSITIONS.contains(t) && !t.equals("of")) || t.equals("and") || t.equals("or")
                    || SUBORDINATORS.contains(t)) {
                return false;
            }
        }
        return false;
    }

    /** The -ing form of a verb in -s by rule, for verbs the corpus never uses in -ing form. */
    private static String regularIng(String w) {
        if (w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "ying";
        }
        if (w.endsWith("ches") || w.endsWith("shes") || w.endsWith("xes") || w.endsWith("sses") || w.endsWith("zzes")) {
            return w.substring(0, w.length() - 2) + "ing";
        }
        String base = w.substring(0, w.length() - 1);
        if (base.endsWith("e") && !base.endsWith("ee") && !base.endsWith("ye") && !base.endsWith("oe")) {
            return base.substring(0, base.length() - 1) + "ing";
        }
        return base + "ing";
    }

    private String ingForm(String base) {
        if (base.length() < 2) {
            return null;
        }
        List<String> candidates = new ArrayList<>();
        if (base.endsWith("ie")) {
            candidates.add(base.substring(0, base.length() - 2) + "ying");
        }
        if (base.endsWith("e") && !base.endsWith("ee")) {
            candidates.add(base.substring(0, base.length() - 1) + "ing");
        }
        candidates.add(base + "ing");
        candidates.add(base + base.charAt(base.length() - 1) + "ing");
        for (String c : candidates) {
            if (vocabulary.contains(c)) {
                return c;
            }
        }
        return null;
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            String t = w.replaceAll("^[^a-z0-9']+|[^a-z0-9']+$", "");
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
