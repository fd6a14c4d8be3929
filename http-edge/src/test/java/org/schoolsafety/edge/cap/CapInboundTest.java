package org.schoolsafety.edge.cap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.schoolsafety.edge.api.ApiException;
import org.schoolsafety.hub.school.Posture;

/** Incoming CAP: safe parsing, the schema, and the geometry of areas at their edges. */
class CapInboundTest {

  static String alert(String status, String msgType, String references, String info) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>XJ-MET-2026-001</identifier>
          <sender>warnings@met.example.cn</sender>
          <sent>2026-11-30T09:00:00+08:00</sent>
          <status>%s</status>
          <msgType>%s</msgType>
          <scope>Public</scope>
          %s
          %s
        </alert>
        """.formatted(status, msgType, references == null ? "" : "<references>" + references + "</references>", info);
  }

  static String info(String responseType, String area) {
    return """
        <info>
          <category>Met</category>
          <event>Sandstorm</event>
          %s
          <urgency>Immediate</urgency>
          <severity>Severe</severity>
          <certainty>Observed</certainty>
          <instruction>Keep everyone indoors</instruction>
          <area><areaDesc>Urumqi</areaDesc>%s</area>
        </info>
        """.formatted(responseType == null ? "" : "<responseType>" + responseType + "</responseType>", area);
  }

  static CapInbound.Alert read(String xml) {
    return CapInbound.read(xml.strip().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theOasisExamplesAreRead() throws IOException {
    for (String name : new String[] {"oasis-appendix-a1.xml", "oasis-appendix-a2.xml", "oasis-appendix-a3.xml"}) {
      try (InputStream in = getClass().getResourceAsStream("/cap-examples/" + name)) {
        CapInbound.Alert alert = CapInbound.read(in.readAllBytes());
        assertThat(alert.identifier()).as(name).isNotBlank();
        assertThat(alert.posture()).as(name).isNotNull();
        // None of them is anywhere near a school of the demo data (Xinjiang, Beijing).
        assertThat(alert.concerns(43.8, 87.6, "650102")).as(name).isFalse();
      }
    }
  }

  @Test
  void postureFromResponseTypeElseCategory() {
    assertThat(read(alert("Actual", "Alert", null, info("Shelter", ""))).posture()).isEqualTo(Posture.SHELTER);
    assertThat(read(alert("Actual", "Alert", null, info("Evacuate", ""))).posture()).isEqualTo(Posture.EVACUATE);
    assertThat(read(alert("Actual", "Alert", null, info(null, ""))).posture()).isEqualTo(Posture.SHELTER);
    assertThat(read(alert("Actual", "Alert", null, info("AllClear", ""))).posture()).isNull();
    assertThat(read(alert("Actual", "Alert", null, info("Monitor", ""))).posture()).isEqualTo(Posture.HOLD);
  }

  @Test
  void aPointOnAnEdgeOrAVertexIsInside() {
    var square = CapArea.polygon("43,87 43,88 44,88 44,87 43,87");
    assertThat(square.contains(43.5, 87.5)).isTrue();
    assertThat(square.contains(43.0, 87.5)).as("on an edge").isTrue();
    assertThat(square.contains(44.0, 88.0)).as("on a vertex").isTrue();
    assertThat(square.contains(44.0001, 88.0)).isFalse();
    var circle = CapArea.circle("43.8,87.6 10");
    assertThat(circle.contains(43.8, 87.6)).isTrue();
    // 10 km north is 0.0899322 degrees of latitude; on the rim is inside, a metre beyond outside.
    double degreesPerKm = 180 / (Math.PI * 6371.0088);
    assertThat(circle.contains(43.8 + 10 * degreesPerKm, 87.6)).as("on the rim").isTrue();
    assertThat(circle.contains(43.8 + 10.001 * degreesPerKm, 87.6)).isFalse();
    assertThat(CapArea.circle("32.9525,-115.5527 0").contains(32.9525, -115.5527)).as("radius 0: the point").isTrue();
  }

  @Test
  void aPolygonAcrossTheAntimeridianWorks() {
    var pacific = CapArea.polygon("-10,170 -10,-170 10,-170 10,170 -10,170");
    assertThat(pacific.contains(0, 179.9)).isTrue();
    assertThat(pacific.contains(0, -179.9)).isTrue();
    assertThat(pacific.contains(0, 180)).isTrue();
    assertThat(pacific.contains(0, 0)).isFalse();
    assertThat(pacific.contains(0, 160)).isFalse();
  }

  @Test
  void unclosedDegenerateAndMalformedAreasAreRefusedNamingTheField() {
    assertThatThrownBy(() -> CapArea.polygon("43,87 43,88 44,88 44,87")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> CapArea.polygon("43,87 43,88 43,87")).hasMessageContaining("at least four");
    assertThatThrownBy(() -> CapArea.polygon("43,87 43,88 43,89 43,87")).hasMessageContaining("degenerate");
    assertThatThrownBy(() -> CapArea.polygon("43.7,87.5 43.8,87.6 43.9,87.7 43.7,87.5")).as("in a line, in decimal")
        .hasMessageContaining("degenerate");
    assertThatThrownBy(() -> CapArea.polygon("43,87 44,88 43,88 44,87 43,87")).hasMessageContaining("degenerate");
    assertThatThrownBy(() -> CapArea.polygon("43,87 43,88 95,88 43,87")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> CapArea.circle("43,87")).hasMessageContaining("circle");
    assertThatThrownBy(() -> CapArea.circle("43,87 -1")).hasMessageContaining("radius");
    var refused = (ApiException) catchApi(alert("Actual", "Alert", null,
        info("Shelter", "<polygon>43,87 43,88 44,88 44,87</polygon><circle>43,87 x</circle>")));
    assertThat(refused.errors()).extracting(e -> e.field())
        .containsExactly("info[0].area[0].polygon[0]", "info[0].area[0].circle[0]");
  }

  @Test
  void geocodesOfTheRegionCodeListMatchByPrefix() {
    var alert = read(alert("Actual", "Alert", null, info("Shelter",
        "<geocode><valueName>GB/T 2260</valueName><value>650100</value></geocode>"
            + "<geocode><valueName>SAME</valueName><value>110105</value></geocode>")));
    assertThat(alert.concerns(0, 0, "650102")).isTrue();
    assertThat(alert.concerns(0, 0, "650203")).isFalse();
    assertThat(alert.concerns(0, 0, "110105")).as("another code list").isFalse();
  }

  @Test
  void hostileXmlIsRefused() {
    String laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>""";
    assertThat(catchApi(laughs).getMessage()).contains("DTD");
    String xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>""";
    assertThat(catchApi(xxe).getMessage()).contains("DTD").doesNotContain("root:");
    assertThat(catchApi("<alert").getMessage()).contains("not well-formed");
    String xinclude = """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" xmlns:xi="http://www.w3.org/2001/XInclude">
        <xi:include href="file:///etc/passwd" parse="text"/></alert>""";
    assertThat(catchApi(xinclude).getMessage()).contains("CAP 1.2").doesNotContain("root:");
    var invalid = (ApiException) catchApi(alert("Actual", "Alert", null, info("Shelter", ""))
        .replace("<sender>warnings@met.example.cn</sender>", ""));
    assertThat(invalid.getMessage()).contains("not a valid CAP 1.2 alert").contains("sent");
  }

  private static RuntimeException catchApi(String xml) {
    try {
      read(xml);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted: " + xml);
  }
}
