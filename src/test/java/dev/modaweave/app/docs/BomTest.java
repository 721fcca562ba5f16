package dev.modaweave.app.docs;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code modaweave-bom} has no parent (so importing it brings only Modaweave's versions): its versions
 * must be the build's own, and it must manage every artifact the build publishes.
 */
class BomTest {

    @Test
    void the_bom_carries_the_builds_versions_and_every_published_artifact() throws Exception {
        Path root = ReadmeSnippets.root();
        Document parent = read(root.resolve("pom.xml"));
        Document bom = read(root.resolve("tools/bom/pom.xml"));

        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(parent.getDocumentElement(), "version"));
        Element bomProperties = element(bom.getDocumentElement(), "properties");
        Element parentProperties = element(parent.getDocumentElement(), "properties");
        assertThat(child(bomProperties, "modaweave.version")).isEqualTo(child(parent.getDocumentElement(), "version"));
        int compared = 0;
        for (Node n = bomProperties.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element property && !property.getTagName().equals("modaweave.version")) {
                assertThat(property.getTextContent().strip()).as(property.getTagName())
                        .isEqualTo(child(parentProperties, property.getTagName()));
                compared++;
            }
        }
        assertThat(compared).as("library versions the BOM carries").isGreaterThanOrEqualTo(2);

        List<String> published = new ArrayList<>();
        NodeList modules = parent.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Document module = read(root.resolve(modules.item(i).getTextContent().strip()).resolve("pom.xml"));
            String packaging = child(module.getDocumentElement(), "packaging");
            String artifactId = child(module.getDocumentElement(), "artifactId");
            if (!"pom".equals(packaging) && !artifactId.equals("modaweave-app")) {
                published.add(artifactId);
            }
            NodeList nested = module.getElementsByTagName("module");
            for (int j = 0; j < nested.getLength(); j++) {
                Document sub = read(root.resolve(modules.item(i).getTextContent().strip()).resolve(nested.item(j).getTextContent().strip())
                        .resolve("pom.xml"));
                published.add(child(sub.getDocumentElement(), "artifactId"));
            }
        }
        List<String> managed = new ArrayList<>();
        NodeList artifactIds = element(element(bom.getDocumentElement(), "dependencyManagement"), "dependencies")
                .getElementsByTagName("artifactId");
        for (int i = 0; i < artifactIds.getLength(); i++) {
            managed.add(artifactIds.item(i).getTextContent().strip());
        }
        assertThat(published).contains("modaweave-tools", "modaweave-tools-testkit", "modaweave-client");
        assertThat(managed).containsAll(published);
    }

    private static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element element(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }
}
