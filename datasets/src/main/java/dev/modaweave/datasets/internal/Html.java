package dev.modaweave.datasets.internal;

import java.util.Locale;
import java.util.Map;

/** Minimal HTML with inline SVG bar charts: the reports open offline, without scripts or external files. */
public final class Html {

    private Html() {
    }

    /** Escapes text for HTML. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A complete page with a small stylesheet. */
    public static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
                + "th{background:#f3f3f3}h2{margin-top:2em}svg text{font-size:12px;font-family:system-ui,sans-serif}</style>\n"
                + "</head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "\n</body></html>\n";
    }

    /** A horizontal bar chart of {@code values}, in map order. */
    public static String barChart(String title, Map<String, ? extends Number> values) {
        int rowHeight = 22;
        int labelWidth = 190;
        int barWidth = 420;
        double max = values.values().stream().mapToDouble(Number::doubleValue).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        int height = rowHeight * values.size() + 10;
        StringBuilder svg = new StringBuilder();
        svg.append("<h3>").append(escape(title)).append("</h3>\n");
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelWidth + barWidth + 90)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\">\n");
        int y = 5;
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            double v = e.getValue().doubleValue();
            int w = (int) Math.round(v / max * barWidth);
            svg.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(y + 15)
                    .append("\" text-anchor=\"end\">").append(escape(e.getKey())).append("</text>");
            svg.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"").append(w)
                    .append("\" height=\"").append(rowHeight - 6).append("\" fill=\"#4a7fb5\"/>");
            svg.append("<text x=\"").append(labelWidth + w + 5).append("\" y=\"").append(y + 15).append("\">")
                    .append(format(v)).append("</text>\n");
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    /** A two-column table. */
    public static String table(Map<String, ?> rows) {
        StringBuilder t = new StringBuilder("<table>\n");
        rows.forEach((k, v) -> t.append("<tr><th>").append(escape(k)).append("</th><td>")
                .append(escape(v instanceof Number n ? format(n.doubleValue()) : String.valueOf(v))).append("</td></tr>\n"));
        return t.append("</table>\n").toString();
    }

    /** Integers without decimals, other numbers with up to four. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
