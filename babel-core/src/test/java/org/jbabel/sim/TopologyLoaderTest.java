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
    void selfLoopsAndDuplicateLinksAreLeftOutAndCountedTheLastDuplicateGivingTheQualitiesAsInMeshnetLab()
            throws TopologyException {
        Topology t = parse("""
                {"links": [{"source": 1, "target": 2, "source_tq": 0.5},
                           {"source": 2, "target": 2},
                           {"source": 2, "target": 1, "source_tq": 0.25, "type": "wifi"},
                           {"source": 2, "target": 3}]}""");
        assertThat(t.links()).hasSize(2);
        // The later link 2 -> 1 replaces the first one's qualities, each kept with its direction.
        assertThat(t.links().getFirst()).isEqualTo(new Topology.Link(0, 1, 1.0, 0.25, "wifi"));
        assertThat(t.selfLoopsIgnored()).isEqualTo(1);
        assertThat(t.duplicateLinksIgnored()).isEqualTo(1);
    }

    @Test
    void missingTqMeansALosslessDirection() throws TopologyException {
        Topology.Link l = parse("{\"links\": [{\"source\": 1, \"target\": 2, \"target_tq\": 0.25}]}").links().getFirst();
        assertThat(l.tqAtoB()).isEqualTo(1.0);
        assertThat(l.tqBtoA()).isEqualTo(0.25);
    }

    @Test
    void aTqThatIsNoNumberIsIgnoredAndANumberIsTakenInto0To1() throws TopologyException {
        Topology.Link l = parse("""
                {"links": [{"source": 1, "target": 2, "source_tq": "good", "target_tq": 1.5}]}""").links().getFirst();
        assertThat(l.tqAtoB()).isEqualTo(1.0);
        assertThat(l.tqBtoA()).isEqualTo(1.0);
        l = parse("{\"links\": [{\"source\": 1, \"target\": 2, \"source_tq\": -3}]}").links().getFirst();
        assertThat(l.tqAtoB()).isZero();
    }

    @Test
    void linkEndsMissingFromTheNodesListAreNodesNumberedAfterTheListedOnes() throws TopologyException {
        // meshnet-lab's Freifunk maps name the node that joins their islands ("ic-0") in links only.
        Topology t = parse("""
                {"nodes": [{"id": 1}, {"id": 2}],
                 "links": [{"source": 1, "target": "ic-0"}, {"source": 2, "target": "ic-0"}, {"source": 9, "target": 1}]}""");
        assertThat(t.nodeIds()).containsExactly("1", "2", "ic-0", "9");
        assertThat(t.links()).containsExactly(Topology.Link.plain(0, 2), Topology.Link.plain(1, 2),
                Topology.Link.plain(3, 0));
    }

    @Test
    void aRepeatedNodeIdNamesTheSameNode() throws TopologyException {
        // meshnet-lab's Berlin map repeats 216 ids; its loader keeps one node per id.
        Topology t = parse("""
                {"nodes": [{"id": 1}, {"id": 2}, {"id": "1"}], "links": [{"source": 1, "target": 2}]}""");
        assertThat(t.nodeIds()).containsExactly("1", "2");
    }

    @Test
    void idsAreSpelledAsPythonsStrSpellsThemAndAnyNameIsTaken() throws TopologyException {
        Topology t = parse("""
                {"links": [{"source": true, "target": null}, {"source": "a very long name", "target": "x@y/z"},
                           {"source": "", "target": false}]}""");
        assertThat(t.nodeIds()).containsExactly("True", "None", "a very long name", "x@y/z", "", "False");
    }

    @Test
    void linksAndNodesAreEachOptional() throws TopologyException {
        Topology t = parse("{\"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}]}");
        assertThat(t.nodeIds()).containsExactly("a", "b");
        assertThat(t.links()).isEmpty();
        assertThat(parse("{\"nodes\": [{\"id\": \"a\"}], \"links\": null}").nodeCount()).isEqualTo(1);
    }

    /** Every map of meshnet-lab's data set kept in the test resources, with the counts meshnet-lab gives them. */
    @ParameterizedTest
    @CsvSource({
        "freifunk-aachen, 1972, 5164, 0",
        "freifunk-altdorf, 660, 1348, 0",
        "freifunk-berlin, 761, 1123, 0",
        "freifunk-bremen, 834, 1512, 0",
        "freifunk-munich, 1685, 2701, 0",
        "freifunk-stuttgart, 1462, 2908, 0",
        "17_node_mesh_network, 18, 25, 0",
        "big_cross, 9, 8, 0",
        "feymann_s_channel, 7, 5, 0",
        "freifunk_mesh_cloud, 7, 13, 1",
        "small_cross, 5, 4, 0",
        "split, 4, 3, 0",
        "two_hop, 3, 2, 0",
        "two_way, 4, 4, 0",
        "grid8-0049, 49, 156, 0"
    })
    void meshnetLabMapsLoadWithTheCountsMeshnetLabGivesThem(String name, int nodes, int links, int duplicates)
            throws Exception {
        Topology t = meshnetLab(name);
        assertThat(t.nodeCount()).isEqualTo(nodes);
        assertThat(t.links()).hasSize(links);
        assertThat(t.duplicateLinksIgnored()).isEqualTo(duplicates);
        assertThat(t.selfLoopsIgnored()).isZero();
    }

    /** A map from meshnet-lab's data set in the test resources ({@code org/jbabel/sim/meshnet-lab/NAME.json}). */
    static Topology meshnetLab(String name) throws Exception {
        try (var in = TopologyLoaderTest.class.getResourceAsStream("meshnet-lab/" + name + ".json")) {
            assertThat(in).as(name).isNotNull();
            return TopologyLoader.parse(name, in);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"links\": [ |not valid JSON",
        "[1, 2] |top level must be a JSON object",
        "{\"links\": {\"source\": 1}} |\"links\" must be an array",
        "{\"links\": [{\"source\": 1}] } |links[0] has no scalar \"target\"",
        "{\"links\": [{\"source\": 1, \"target\": [2]}] } |links[0] has no scalar \"target\"",
        "{\"links\": [3] } |links[0] is not an object",
        "{\"nodes\": [{\"name\": 1}], \"links\": []} |nodes[0] has no scalar \"id\"",
        "{\"nodes\": 5, \"links\": []} |\"nodes\" must be an array",
        "{\"links\": []} |at least one node",
        "{} |at least one node"
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

    @Test
    void randomGeometricMeshesHaveAboutTheMeanDegreeAskedForAndRepeatBySeed() throws TopologyException {
        Topology t = TopologyLoader.load("rgg:3000");
        assertThat(t.nodeCount()).isEqualTo(3000);
        double degree = 2.0 * t.links().size() / t.nodeCount();
        assertThat(degree).isBetween(3.5, 4.2); // a little under 4: nodes at the borders have fewer neighbours
        assertThat(TopologyLoader.load("rgg:3000:4:1").links()).isEqualTo(t.links());
        assertThat(TopologyLoader.load("rgg:3000:4:2").links()).isNotEqualTo(t.links());
        assertThat(2.0 * TopologyLoader.load("rgg:500:8").links().size() / 500).isBetween(7.0, 8.4);
        assertThatThrownBy(() -> TopologyLoader.load("rgg:x")).hasMessageContaining("rgg:N");
        assertThatThrownBy(() -> TopologyLoader.load("rgg:10:0")).hasMessageContaining("mean degree");
    }
}
