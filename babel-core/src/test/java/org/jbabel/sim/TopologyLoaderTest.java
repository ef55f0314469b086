package org.jbabel.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologyLoaderTest {

    private static Topology parse(String json) throws TopologyException {
        return TopologyLoader.parse("test.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({
        "freifunk-ulm, 217, 447",
        "freifunk-leipzig, 210, 413",
        "freifunk-bielefeld, 246, 483",
        "freifunk-cologne-bonn-area, 279, 775",
        "grid4-0100, 100, 180",
        "line-0050, 50, 49",
        "rtree-0050, 50, 49"
    })
    void everyBundledTopologyLoadsWithTheNodeAndLinkCountsOfItsReadme(String name, int nodes, int links)
            throws TopologyException {
        Topology t = TopologyLoader.load(name);
        assertThat(t.nodeCount()).isEqualTo(nodes);
        assertThat(t.links()).hasSize(links);
        assertThat(t.selfLoopsIgnored()).isZero();
        assertThat(t.duplicateLinksIgnored()).isZero();
    }

    @Test
    void theBundledListAndTheDefaultAreLoadable() throws TopologyException {
        assertThat(TopologyLoader.BUNDLED).contains(TopologyLoader.DEFAULT);
        for (String name : TopologyLoader.BUNDLED) {
            assertThat(TopologyLoader.load(name + ".json").name()).isEqualTo(name);
        }
    }

    @Test
    void freifunkLinksKeepTheirTqPerDirectionAndTheirType() throws TopologyException {
        Topology t = TopologyLoader.load("freifunk-ulm");
        // First link of the file: {"source": 2, "source_tq": 0.209, "target": 6, "target_tq": 0.089, "type": "other"}
        Topology.Link first = t.links().getFirst();
        assertThat(t.nodeIds().get(first.a())).isEqualTo("2");
        assertThat(t.nodeIds().get(first.b())).isEqualTo("6");
        assertThat(first.tqAtoB()).isEqualTo(0.209);
        assertThat(first.tqBtoA()).isCloseTo(0.089, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.type()).isEqualTo("other");
        assertThat(t.links()).extracting(Topology.Link::type).contains("wifi", "vpn");
    }

    @Test
    void nodesAreNumberedInTheOrderOfTheNodesListWhenThereIsOne() throws TopologyException {
        Topology t = parse("""
                {"nodes": [{"id": "c"}, {"id": "a"}, {"id": "b"}],
                 "links": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}]}""");
        assertThat(t.nodeIds()).containsExactly("c", "a", "b");
        assertThat(t.links().getFirst()).isEqualTo(Topology.Link.plain(1, 2));
    }

    @Test
    void withoutANodesListNodesAreNumberedByFirstAppearanceAndNumbersEqualTheirText() throws TopologyException {
        Topology t = parse("""
                {"links": [{"source": 7, "target": "x"}, {"source": "7", "target": 9}]}""");
        assertThat(t.nodeIds()).containsExactly("7", "x", "9");
        assertThat(t.links()).containsExactly(Topology.Link.plain(0, 1), Topology.Link.plain(0, 2));
    }

    @Test
    void selfLoopsAndDuplicateLinksAreLeftOutAndCounted() throws TopologyException {
        Topology t = parse("""
                {"links": [{"source": 1, "target": 2, "source_tq": 0.5},
                           {"source": 2, "target": 2},
                           {"source": 2, "target": 1},
                           {"source": 1, "target": 2},
                           {"source": 2, "target": 3}]}""");
        assertThat(t.links()).hasSize(2);
        assertThat(t.links().getFirst().tqAtoB()).isEqualTo(0.5);
        assertThat(t.selfLoopsIgnored()).isEqualTo(1);
        assertThat(t.duplicateLinksIgnored()).isEqualTo(2);
    }

    @Test
    void missingTqMeansALosslessDirection() throws TopologyException {
        Topology.Link l = parse("{\"links\": [{\"source\": 1, \"target\": 2, \"target_tq\": 0.25}]}").links().getFirst();
        assertThat(l.tqAtoB()).isEqualTo(1.0);
        assertThat(l.tqBtoA()).isEqualTo(0.25);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"links\": [ |not valid JSON",
        "[1, 2] |top level must be a JSON object",
        "{\"nodes\": [{\"id\": 1}, {\"id\": 2}]} |no \"links\" array",
        "{\"links\": {\"source\": 1}} |no \"links\" array",
        "{\"links\": [{\"source\": 1}] } |links[0] has no string or number \"target\"",
        "{\"links\": [{\"source\": 1, \"target\": true}] } |links[0] has no string or number \"target\"",
        "{\"links\": [3] } |links[0] is not an object",
        "{\"nodes\": [{\"id\": 1}, {\"id\": 2}], \"links\": [{\"source\": 1, \"target\": 3}]} |links[0].target names node '3', which is not in \"nodes\"",
        "{\"nodes\": [{\"id\": 1}, {\"id\": 1}], \"links\": []} |nodes[1]: duplicate node id '1'",
        "{\"nodes\": [{\"name\": 1}], \"links\": []} |nodes[0] has no string or number \"id\"",
        "{\"nodes\": 5, \"links\": []} |\"nodes\" must be an array",
        "{\"links\": [{\"source\": 1, \"target\": 2, \"source_tq\": 1.5}]} |links[0].source_tq must be a number in 0..1",
        "{\"links\": [{\"source\": 1, \"target\": 2, \"target_tq\": \"good\"}]} |links[0].target_tq must be a number in 0..1",
        "{\"links\": []} |at least 2 nodes"
    })
    void badFilesGiveAClearError(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(TopologyException.class).hasMessageContaining("test.json")
                .hasMessageContaining(message);
    }

    @Test
    void anUnknownNameListsTheBundledTopologies() {
        assertThatThrownBy(() -> TopologyLoader.load("freifunk-atlantis")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("freifunk-atlantis").hasMessageContaining("freifunk-ulm").hasMessageContaining("grid:WxH");
    }

    @Test
    void aFilePathIsReadAndWinsOverABundledName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("freifunk-ulm");
        Files.writeString(f, "{\"links\": [{\"source\": \"a\", \"target\": \"b\"}]}");
        assertThat(TopologyLoader.load(f.toString()).nodeCount()).isEqualTo(2);
    }

    @Test
    void generatorSpecsMakeLinesAndGrids() throws TopologyException {
        assertThat(TopologyLoader.load("line:7").links()).hasSize(6);
        Topology g = TopologyLoader.load("grid:40x25");
        assertThat(g.nodeCount()).isEqualTo(1000);
        assertThat(g.links()).hasSize(39 * 25 + 40 * 24);
        assertThatThrownBy(() -> TopologyLoader.load("grid:40")).hasMessageContaining("grid:WxH");
        assertThatThrownBy(() -> TopologyLoader.load("line:1")).hasMessageContaining("line:1");
        assertThatThrownBy(() -> TopologyLoader.load("grid:99999x99999")).hasMessageContaining("nodes");
    }
}
