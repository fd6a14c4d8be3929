package org.schoolsafety.hub.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.secret.ServerKey;

class IncidentIdsTest {

  private static final ServerKey KEY = ServerKey.of("a-test-server-key-of-32-bytes!!!".getBytes(StandardCharsets.US_ASCII));
  private final IncidentIds ids = new IncidentIds(KEY);

  @Test
  void aRetryGetsTheSameIdAndTheIdIsWellFormed() {
    String id = ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "ref-1");
    assertThat(ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "ref-1")).isEqualTo(id);
    assertThat(IncidentIds.isValid(id)).isTrue();
  }

  @Test
  void modesAndPrincipalsNeverShareAReference() {
    String actual = ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "ref-1");
    assertThat(ids.forReport("sch-1", Mode.EXERCISE, "school:sch-1", "ref-1")).isNotEqualTo(actual);
    assertThat(ids.forReport("sch-1", Mode.ACTUAL, "operator:ops", "ref-1")).isNotEqualTo(actual);
    assertThat(ids.forReport("sch-2", Mode.ACTUAL, "school:sch-1", "ref-1")).isNotEqualTo(actual);
  }

  @Test
  void idsCannotBeComputedFromPublicFactsWithoutTheKey() {
    String id = ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "ref-1");
    // What the old, unkeyed derivation gave for the same facts.
    String unkeyed = "inc-" + UUID.nameUUIDFromBytes("sch-1\nref-1".getBytes(StandardCharsets.UTF_8));
    assertThat(id).isNotEqualTo(unkeyed);
    var otherKey = new IncidentIds(ServerKey.of("another-server-key-of-32-bytes!!".getBytes(StandardCharsets.US_ASCII)));
    assertThat(otherKey.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "ref-1")).isNotEqualTo(id);
  }

  @Test
  void partsCannotBeShiftedIntoEachOther() {
    assertThat(ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", "a;b"))
        .isNotEqualTo(ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1;", "b"));
  }

  @Test
  void withoutAReferenceEveryReportIsNew() {
    assertThat(ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", null))
        .isNotEqualTo(ids.forReport("sch-1", Mode.ACTUAL, "school:sch-1", null));
  }
}
