package dev.modaweave.generators.local.internal;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Paints a deterministic preview scene from a prompt: a gradient background in colours taken
 * from the prompt's words (colour names are honoured: "a red fox" is red), one shape per word
 * whose kind, colour, size and place come from the word's hash, and the prompt itself in small
 * type. A time parameter moves the shapes along their orbits, which animates video previews.
 */
public final class PreviewPainter {

    private static final Map<String, Color> NAMED = Map.ofEntries(
            Map.entry("red", new Color(0xD7263D)), Map.entry("orange", new Color(0xF46036)),
            Map.entry("yellow", new Color(0xF5D547)), Map.entry("green", new Color(0x3BB273)),
            Map.entry("blue", new Color(0x2E86DE)), Map.entry("purple", new Color(0x7B2CBF)),
            Map.entry("violet", new Color(0x9D4EDD)), Map.entry("pink", new Color(0xFF8FAB)),
            Map.entry("white", new Color(0xF4F4F4)), Map.entry("black", new Color(0x151515)),
            Map.entry("grey", new Color(0x8D99AE)), Map.entry("gray", new Color(0x8D99AE)),
            Map.entry("brown", new Color(0x7F5539)), Map.entry("gold", new Color(0xE0A526)),
            Map.entry("snow", new Color(0xEEF4F8)), Map.entry("sky", new Color(0x8ECAE6)),
            Map.entry("sea", new Color(0x1D6FA3)), Map.entry("ocean", new Color(0x1B4F72)),
            Map.entry("forest", new Color(0x2D6A4F)), Map.entry("night", new Color(0x14213D)),
            Map.entry("sunset", new Color(0xF77F00)), Map.entry("fire", new Color(0xE63946)));

    private static final boolean FONTS = fontsAvailable();

    private PreviewPainter() {
    }

    /**
     * Paints the scene.
     *
     * @param prompt the prompt (also drawn as a caption)
     * @param seed   extra seed mixed into the prompt's hash
     * @param t      animation time in 0..1; 0 for still images
     */
    public static BufferedImage paint(String prompt, long seed, int width, int height, double t) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            List<String> words = PromptSeed.words(prompt);
            SplittableRandom random = PromptSeed.random(prompt, seed);
            Color top = colourOf(words.get(0), random);
            Color bottom = colourOf(words.get(words.size() - 1), random).darker();
            boolean diagonal = random.nextBoolean();
            g.setPaint(new GradientPaint(0, 0, top, diagonal ? width : 0, height, bottom));
            g.fillRect(0, 0, width, height);
            int shown = Math.min(words.size(), 12);
            for (int i = 0; i < shown; i++) {
                drawShape(g, words.get(i), random.split(), width, height, t);
            }
            caption(g, prompt, width, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The colour a word stands for: a named colour, or a hue from its hash. */
    public static Color colourOf(String word, SplittableRandom random) {
        Color named = NAMED.get(word);
        if (named != null) {
            return named;
        }
        float hue = (PromptSeed.wordHash(word) % 360) / 360f;
        return Color.getHSBColor(hue, 0.45f + 0.4f * (float) random.nextDouble(), 0.55f + 0.4f * (float) random.nextDouble());
    }

    /** Draws {@code text} small on a translucent band along the bottom edge, when the JVM has fonts. */
    public static void caption(Graphics2D g, String text, int width, int height) {
        if (!FONTS) {
            return;
        }
        int size = Math.max(9, Math.min(14, height / 24));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        String shown = "PREVIEW · " + text;
        var metrics = g.getFontMetrics();
        while (shown.length() > 4 && metrics.stringWidth(shown) > width - 8) {
            shown = shown.substring(0, shown.length() - 2) + "…";
        }
        int band = metrics.getHeight() + 4;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.55f));
        g.setColor(Color.BLACK);
        g.fillRect(0, height - band, width, band);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.WHITE);
        g.drawString(shown, 4, height - band + metrics.getAscent() + 2);
    }

    private static void drawShape(Graphics2D g, String word, SplittableRandom random, int width, int height, double t) {
        int hash = PromptSeed.wordHash(word);
        Color colour = colourOf(word, random);
        g.setColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 200));
        int min = Math.min(width, height);
        int size = (int) (min * (0.12 + 0.25 * random.nextDouble()));
        double cx = width * (0.15 + 0.7 * random.nextDouble());
        double cy = height * (0.15 + 0.6 * random.nextDouble());
        double radius = min * 0.08 * (1 + (hash % 3));
        double phase = random.nextDouble() * 2 * Math.PI + t * 2 * Math.PI * (1 + hash % 2);
        int x = (int) (cx + radius * Math.cos(phase)) - size / 2;
        int y = (int) (cy + radius * Math.sin(phase)) - size / 2;
        switch (hash % 5) {
            case 0 -> g.fillOval(x, y, size, size);
            case 1 -> g.fillRect(x, y, size, (int) (size * 0.7));
            case 2 -> g.fillPolygon(new Polygon(new int[]{x, x + size / 2, x + size}, new int[]{y + size, y, y + size}, 3));
            case 3 -> {
                g.setStroke(new BasicStroke(Math.max(2f, size / 8f)));
                g.drawOval(x, y, size, size);
            }
            default -> g.fillRoundRect(x, y, size, size / 2, size / 4, size / 4);
        }
    }

    private static boolean fontsAvailable() {
        BufferedImage probe = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            g.drawString("x", 0, 8);
            return true;
        } catch (RuntimeException | Error e) {
            // a JVM on a machine without any font file fails here (the JDK throws Error or
            // InternalError); previews are then drawn without their caption instead of failing
            return false;
        } finally {
            g.dispose();
        }
    }
}
