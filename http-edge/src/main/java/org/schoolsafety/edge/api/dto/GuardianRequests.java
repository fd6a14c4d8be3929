package org.schoolsafety.edge.api.dto;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.guardian.GuardianCodes;
import org.schoolsafety.hub.guardian.GuardianTopic;

/** Bodies of the guardian endpoints (issue 17), each checked field by field into one 400. */
public final class GuardianRequests {

  /** The longest message a guardian sends: a full account of a situation, not a file. */
  public static final int MAX_TEXT = 2000;
  public static final int MAX_CHILD = 64;

  private GuardianRequests() {}

  /**
   * {@code POST /api/v1/schools/{schoolId}/guardians/invitations}: {@code count} codes for one
   * class, valid for {@code expiresIn} (ISO-8601 duration, e.g. {@code P7D}; default from config).
   */
  public record InvitationRequest(String classId, Integer count, String expiresIn) {

    public record Checked(String classId, int count, Duration expiresIn) {}

    public Checked check(int maxCount, Duration defaultTtl, Duration maxTtl) {
      var f = new Fields();
      String c = f.id("classId", classId);
      int n = f.count("count", count, 1, maxCount);
      Duration ttl = defaultTtl;
      if (expiresIn != null) {
        try {
          ttl = Duration.parse(expiresIn);
          if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(maxTtl) > 0) {
            f.error("expiresIn", "must be between PT1S and " + maxTtl);
          }
        } catch (DateTimeParseException e) {
          f.error("expiresIn", "must be an ISO-8601 duration such as P7D or PT12H");
        }
      }
      f.throwIfInvalid();
      return new Checked(c, n, ttl);
    }
  }

  /** {@code POST /api/v1/guardians/redemptions}: no token, the code from the school. */
  public record RedemptionRequest(String code) {
    public String check() {
      var f = new Fields();
      if (f.required("code", code) && !GuardianCodes.wellFormed(code)) {
        f.error("code", "must be the " + GuardianCodes.CODE_SYMBOLS + "-symbol code the school gave (XXXX-XXXX-…)");
      }
      f.throwIfInvalid();
      return code;
    }
  }

  /** {@code POST /api/v1/guardian/messages}: about the child's circumstances. */
  public record MessageRequest(String topic, String child, String text) {

    public record Checked(GuardianTopic topic, String child, String text) {}

    public Checked check() {
      var f = new Fields();
      GuardianTopic t = f.oneOf("topic", topic, GuardianTopic.class, null);
      String c = f.text("child", child, MAX_CHILD, false);
      String x = f.text("text", text, MAX_TEXT, true);
      f.throwIfInvalid();
      return new Checked(t, c == null || c.isEmpty() ? null : c, x);
    }
  }

  /** The longest reason a school gives for cutting a guardian off. */
  public static final int MAX_REASON = 500;

  /** {@code POST /api/v1/schools/{schoolId}/guardians/{guardianId}/revocation}: why (kept in the registry). */
  public record RevocationRequest(String reason) {
    public String check() {
      var f = new Fields();
      String r = f.text("reason", reason, MAX_REASON, true);
      f.throwIfInvalid();
      return r;
    }
  }

  /** The most codes one withdrawal names: a class's sheet and more. */
  public static final int MAX_WITHDRAWN = 100;

  /**
   * {@code POST /api/v1/schools/{schoolId}/guardians/invitations/withdrawal}: codes the school
   * handed out that nobody has used (a lost or misprinted sheet), and why.
   */
  public record WithdrawalRequest(List<String> codes, String reason) {

    public record Checked(List<String> codes, String reason) {}

    public Checked check() {
      var f = new Fields();
      if (codes == null || codes.isEmpty() || codes.size() > MAX_WITHDRAWN) {
        f.error("codes", "must list 1 to " + MAX_WITHDRAWN + " codes");
      } else {
        for (int i = 0; i < codes.size(); i++) {
          if (codes.get(i) == null || !GuardianCodes.wellFormed(codes.get(i))) {
            f.error("codes[" + i + "]", "must be a " + GuardianCodes.CODE_SYMBOLS + "-symbol code the hub issued (XXXX-XXXX-…)");
          }
        }
      }
      String r = f.text("reason", reason, MAX_REASON, true);
      f.throwIfInvalid();
      return new Checked(List.copyOf(codes), r);
    }
  }

  /** {@code POST /api/v1/guardian/token}: an empty object; who and what come from the token. */
  public record RenewalRequest() {}
}
