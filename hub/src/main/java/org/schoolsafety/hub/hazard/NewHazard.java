package org.schoolsafety.hub.hazard;

import java.time.LocalDate;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

/** A hazard as an inspection recorded it, with the school it is at and its rectification plan. */
public record NewHazard(
    String hazardId,
    String schoolId,
    String schoolName,
    RegionCode region,
    String inspectionId,
    LocalDate inspectedOn,
    HazardCategory category,
    Severity severity,
    String location,
    String description,
    RectificationPlan plan)
    implements CborSerializable {

  /** The hazard id of the {@code index}-th hazard (from 1) of an inspection of a school. */
  public static String idOf(String schoolId, String inspectionId, int index) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest((schoolId + "/" + inspectionId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "hz-" + java.util.HexFormat.of().formatHex(digest, 0, 10) + "-" + index;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code id} has the shape {@link #idOf} gives (checked before waking any entity). */
  public static boolean isValidId(String id) {
    return id != null && id.matches("hz-[0-9a-f]{20}-[0-9]{1,3}");
  }
}
