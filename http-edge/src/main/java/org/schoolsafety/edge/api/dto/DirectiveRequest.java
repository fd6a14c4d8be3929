package org.schoolsafety.edge.api.dto;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Posture;

/** Body of {@code POST /api/v1/directives}: a region prefix or a list of schools, never both. */
public record DirectiveRequest(
    String region,
    List<String> schoolIds,
    String posture,
    String instruction,
    String mode,
    Integer ackWithinMinutes,
    String clientRef) {

  /** Schools one directive may name or reach. */
  public static final int MAX_SCHOOLS = 2000;
  private static final Pattern CLIENT_REF = Pattern.compile("[\\x21-\\x7E]{1,128}");
  static final List<String> POSTURES = List.of("HOLD", "SECURE", "LOCKDOWN", "EVACUATE", "SHELTER");

  /** The checked request: exactly one of {@code region} and {@code schoolIds} is set. */
  public record Checked(String region, List<String> schoolIds, Posture posture, String instruction, Mode mode,
      int ackWithinMinutes, String clientRef) {}

  public Checked check() {
    var f = new Fields();
    if ((region == null) == (schoolIds == null)) {
      f.error(region == null ? "region" : "schoolIds", "give either region (a 2, 4 or 6-digit prefix) or schoolIds, not both");
    }
    if (region != null && !RegionCode.isPrefix(region)) {
      f.error("region", "must be a region-code prefix of 2, 4 or 6 digits");
    }
    List<String> ids = null;
    if (schoolIds != null) {
      if (schoolIds.isEmpty() || schoolIds.size() > MAX_SCHOOLS) {
        f.error("schoolIds", "must list 1 to " + MAX_SCHOOLS + " schools");
      }
      var distinct = new LinkedHashSet<String>();
      for (int i = 0; i < schoolIds.size() && i < MAX_SCHOOLS; i++) {
        String id = f.id("schoolIds[" + i + "]", schoolIds.get(i));
        if (id != null && !distinct.add(id)) {
          f.error("schoolIds[" + i + "]", "names a school already listed");
        }
      }
      ids = List.copyOf(distinct);
    }
    Posture p = null;
    if (posture == null || !POSTURES.contains(posture)) {
      f.error("posture", posture == null ? "is required; one of " + POSTURES : "must be one of " + POSTURES);
    } else {
      p = Posture.valueOf(posture);
    }
    String text = f.text("instruction", instruction, 2000, true);
    Mode m = f.oneOf("mode", mode, Mode.class, Mode.ACTUAL);
    int within = ackWithinMinutes == null ? 10 : f.count("ackWithinMinutes", ackWithinMinutes, 1, 1440);
    String ref = clientRef == null ? null : f.matching("clientRef", clientRef, CLIENT_REF, "1-128 printable ASCII characters");
    f.throwIfInvalid();
    return new Checked(region, ids, p, text, m, within, ref);
  }
}
