package org.schoolsafety.sim.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Months of plausible history for a set of schools, as the API calls that record it (issue 18
 * item 6): closed incidents imported from a "previous system" with on-time and late reports,
 * acknowledgements by agency kind with their spread and the escalations a slow answer causes;
 * monthly evacuation drills and inspections, staff trainings, weekly health checks of one class
 * and safety spending. Some schools are worse than others (late reports, missed drills), so the
 * evaluation's findings have something to say.
 *
 * <p>A pure function of (seed, schools, months, now). Each school-month draws from its own
 * random stream (seed, school, month), so a record's content does not depend on when the plan is
 * made: made again later, the same records come out the same (only records that have ended by
 * then are included), and their references ({@code clientRef}, drill, inspection, training and
 * investment ids) make a second run change nothing.
 */
public final class HistoryPlan {

  /** A school taking part: its id, region code and staff. */
  public record School(String schoolId, String regionCode, int staff) {}

  /** Who sends a call: the operator, or the school's own staff. */
  public enum Sender { OPERATOR, SCHOOL }

  /** One API call: POST {@code path} with {@code body} as {@code sender} ({@code schoolId}'s staff). */
  public record Step(String kind, String schoolId, Sender sender, String path, Map<String, Object> body) {}

  /** The hub's zone: months, days and school hours are Beijing time. */
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  /** The hub's default acknowledgement deadlines by level (docs/API.md): a slower answer escalates. */
  static final Map<String, Duration> ACK_DEADLINE = Map.of(
      "I", Duration.ofMinutes(2), "II", Duration.ofMinutes(5), "III", Duration.ofMinutes(10), "IV", Duration.ofMinutes(30));

  /** Median acknowledgement time per agency kind, in seconds; the spread is log-normal. */
  static final Map<String, Double> ACK_MEDIAN_SECONDS = Map.of(
      "POLICE", 150.0, "FIRE", 100.0, "HEALTH", 240.0, "EDUCATION", 600.0);

  private static final String[][] TYPES = {
      // type, kinds of agency, share (per mille)
      {"INJURY", "HEALTH,EDUCATION", "420"},
      {"BULLYING", "POLICE,EDUCATION", "150"},
      {"ILLNESS_OUTBREAK", "HEALTH,EDUCATION", "110"},
      {"TRAFFIC", "POLICE,HEALTH,EDUCATION", "100"},
      {"FOOD_POISONING", "HEALTH,EDUCATION", "60"},
      {"FIRE", "FIRE,HEALTH,EDUCATION", "60"},
      {"INTRUSION", "POLICE,EDUCATION", "50"},
      {"MISSING_STUDENT", "POLICE,EDUCATION", "50"}};

  private final long seed;
  private final int months;
  private final Instant now;

  public HistoryPlan(long seed, int months, Instant now) {
    if (months < 1 || months > 24) {
      throw new IllegalArgumentException("months must be between 1 and 24, not " + months);
    }
    this.seed = seed;
    this.months = months;
    this.now = now;
  }

  /** The months covered: the {@code months} complete ones before the current month, and the current one so far. */
  public List<YearMonth> months() {
    YearMonth current = YearMonth.from(now.atZone(ZONE));
    var list = new ArrayList<YearMonth>();
    for (int m = months; m >= 0; m--) {
      list.add(current.minusMonths(m));
    }
    return list;
  }

  /** Every call for these schools, school by school and month by month. */
  public List<Step> steps(List<School> schools) {
    var steps = new ArrayList<Step>();
    for (School school : schools) {
      Quality q = quality(school.schoolId());
      for (YearMonth month : months()) {
        steps.addAll(month(school, q, month));
      }
      steps.addAll(healthChecks(school));
    }
    return steps;
  }

  /**
   * How a school works: the chance that an initial report is late, that a continuation is, that an
   * evacuation drill or an inspection is missed in a month. About one school in five is poor.
   */
  record Quality(double lateInitial, double lateContinuation, double missedDrill, double missedInspection, boolean poor) {}

  Quality quality(String schoolId) {
    Random r = random(schoolId, "quality");
    boolean poor = r.nextDouble() < 0.2;
    return poor
        ? new Quality(0.45 + 0.2 * r.nextDouble(), 0.4, 0.4, 0.35, true)
        : new Quality(0.03 + 0.07 * r.nextDouble(), 0.08, 0.08, 0.05, false);
  }

  private List<Step> month(School school, Quality q, YearMonth month) {
    Random r = random(school.schoolId(), month.toString());
    var steps = new ArrayList<Step>();
    String sid = school.schoolId();
    String tag = month.toString().replace("-", "");
    // incidents: 0-3 a month, about 1.1 on average
    double draw = r.nextDouble();
    int incidents = draw < 0.3 ? 0 : draw < 0.65 ? 1 : draw < 0.9 ? 2 : 3;
    for (int i = 1; i <= incidents; i++) {
      Map<String, Object> record = incident(school, q, month, random(sid, month + "/incident/" + i),
          "hist-" + seed + "-" + sid + "-" + tag + "-" + i);
      if (record != null) {
        steps.add(new Step("incident", sid, Sender.OPERATOR, "/api/v1/incidents/imports", record));
      }
    }
    // each item draws from a stream of its own: whether one is included yet (its date past)
    // never shifts another's figures
    r = random(sid, month + "/drill");
    if (r.nextDouble() >= q.missedDrill()) {
      LocalDate day = month.atDay(3 + r.nextInt(20));
      if (isPast(day)) {
        var drill = new LinkedHashMap<String, Object>();
        drill.put("drillId", "hist-evac-" + tag);
        drill.put("type", "EVACUATION");
        drill.put("date", day.toString());
        drill.put("durationMinutes", 20 + r.nextInt(20));
        drill.put("participants", 300 + r.nextInt(900));
        drill.put("evacuationSeconds", 150 + r.nextInt(240));
        steps.add(new Step("drill", sid, Sender.OPERATOR, "/api/v1/schools/" + sid + "/drills", drill));
      }
    }
    r = random(sid, month + "/inspection");
    if (r.nextDouble() >= q.missedInspection()) {
      LocalDate day = month.atDay(1 + r.nextInt(25));
      if (isPast(day)) {
        var inspection = new LinkedHashMap<String, Object>();
        inspection.put("inspectionId", "hist-insp-" + tag);
        inspection.put("date", day.toString());
        inspection.put("inspector", Map.of("name", "Safety office", "role", "safety officer"));
        inspection.put("areas", List.of("teaching building", "canteen", "gate", "playground"));
        inspection.put("hazards", List.of());
        steps.add(new Step("inspection", sid, Sender.SCHOOL, "/api/v1/schools/" + sid + "/inspections", inspection));
      }
    }
    r = random(sid, month + "/training");
    if (month.getMonthValue() % 2 == 0 && r.nextDouble() < (q.poor() ? 0.5 : 0.9)) {
      LocalDate day = month.atDay(5 + r.nextInt(20));
      if (isPast(day)) {
        var training = new LinkedHashMap<String, Object>();
        training.put("trainingId", "hist-training-" + tag);
        training.put("date", day.toString());
        training.put("topic", List.of("FIRE", "FIRST_AID", "EVACUATION", "LOCKDOWN", "ANTI_BULLYING").get(r.nextInt(5)));
        training.put("audience", "STAFF");
        training.put("participants", Math.max(1, (int) Math.round(school.staff() * (0.2 + 0.35 * r.nextDouble()))));
        training.put("hours", 2.0 + r.nextInt(3));
        steps.add(new Step("training", sid, Sender.SCHOOL, "/api/v1/schools/" + sid + "/trainings", training));
      }
    }
    r = random(sid, month + "/investment");
    if (r.nextDouble() < 0.35) {
      LocalDate day = month.atDay(1 + r.nextInt(27));
      if (isPast(day)) {
        String[] categories = {"EQUIPMENT", "SENSORS", "BUILDING", "TRAINING", "STAFFING", "INSURANCE", "OTHER"};
        int[] hundreds = {80, 150, 600, 30, 200, 50, 20};
        int c = r.nextInt(categories.length);
        var investment = new LinkedHashMap<String, Object>();
        investment.put("investmentId", "hist-inv-" + tag);
        investment.put("date", day.toString());
        investment.put("category", categories[c]);
        investment.put("amountCny", (hundreds[c] + r.nextInt(hundreds[c] + 1)) * 100);
        investment.put("programme", "safe campus " + month.getYear());
        steps.add(new Step("investment", sid, Sender.SCHOOL, "/api/v1/schools/" + sid + "/investments", investment));
      }
    }
    return steps;
  }

  /** One closed incident, or null when it would not have ended by now. */
  private Map<String, Object> incident(School school, Quality q, YearMonth month, Random r, String clientRef) {
    String[] type = pick(r);
    String level = levelOf(r.nextDouble());
    LocalDate day = month.atDay(1 + r.nextInt(month.lengthOfMonth()));
    Instant occurred = day.atTime(LocalTime.of(7 + r.nextInt(11), r.nextInt(60))).atZone(ZONE).toInstant();
    boolean late = r.nextDouble() < q.lateInitial();
    Instant received = occurred.plus(Duration.ofMinutes(late ? 65 + r.nextInt(180) : 5 + r.nextInt(50)));
    Duration deadline = ACK_DEADLINE.get(level);
    var dispatches = new ArrayList<Map<String, Object>>();
    Instant lastAnswer = received;
    for (String kind : type[1].split(",")) {
      Instant notified = received.plusSeconds(10 + r.nextInt(80));
      double median = ACK_MEDIAN_SECONDS.get(kind);
      long ackSeconds = Math.max(20, Math.round(median * Math.exp(0.8 * r.nextGaussian())));
      var d = new LinkedHashMap<String, Object>();
      d.put("kind", kind);
      d.put("notifiedAt", notified.toString());
      Instant acked;
      if (Duration.ofSeconds(ackSeconds).compareTo(deadline) > 0) {
        // no answer within the deadline: the hub escalated to the next tier, which answered
        Instant escalated = notified.plus(deadline);
        d.put("escalatedAt", List.of(escalated.toString()));
        acked = escalated.plusSeconds(30 + r.nextInt(330));
      } else {
        acked = notified.plusSeconds(ackSeconds);
      }
      d.put("acknowledgedAt", acked.toString());
      dispatches.add(d);
      lastAnswer = acked.isAfter(lastAnswer) ? acked : lastAnswer;
    }
    var reports = new ArrayList<Map<String, Object>>();
    Instant previous = received;
    boolean graded = !level.equals("IV");
    int continuations = graded ? 1 + r.nextInt(2) : 0;
    for (int c = 0; c < continuations; c++) {
      boolean slow = r.nextDouble() < q.lateContinuation();
      previous = previous.plus(Duration.ofMinutes(slow ? 250 + r.nextInt(240) : 60 + r.nextInt(170)));
      reports.add(Map.of("kind", "CONTINUATION", "at", previous.toString(), "summary", "situation update " + (c + 1),
          "measures", "the school's emergency plan is followed"));
    }
    // the final report: within hours, or a day or two for graver incidents; now and then after the 7-day deadline
    Duration toFinal = r.nextDouble() < (q.poor() ? 0.06 : 0.01) ? Duration.ofDays(8 + r.nextInt(5))
        : graded ? Duration.ofMinutes(120 + r.nextInt(30 * 60)) : Duration.ofMinutes(45 + r.nextInt(5 * 60));
    Instant fin = later(later(previous, lastAnswer).plusSeconds(60), received.plus(toFinal));
    reports.add(Map.of("kind", "FINAL", "at", fin.toString(), "summary", "dealt with", "cause", causeOf(type[0]),
        "outcome", "handled; " + (r.nextInt(3)) + " pupils treated"));
    int injured = type[0].equals("BULLYING") || type[0].equals("MISSING_STUDENT") ? 0 : r.nextInt(3);
    boolean closed = r.nextDouble() < 0.85;
    Instant closedAt = fin.plus(Duration.ofMinutes(60 + r.nextInt(48 * 60)));
    Instant ended = closed ? closedAt : fin;
    if (!ended.isBefore(now.minus(Duration.ofHours(1)))) {
      return null;
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("clientRef", clientRef);
    body.put("schoolId", school.schoolId());
    body.put("type", type[0]);
    body.put("level", level);
    body.put("mode", "ACTUAL");
    body.put("occurredAt", occurred.toString());
    body.put("receivedAt", received.toString());
    body.put("summary", summaryOf(type[0]));
    body.put("casualties", Map.of("dead", 0, "injured", injured, "missing", 0));
    body.put("reporter", Map.of("name", "Duty teacher", "role", "teacher"));
    body.put("reports", reports);
    body.put("dispatches", dispatches);
    body.put("status", closed ? "CLOSED" : "RESOLVED");
    if (closed) {
      body.put("closedAt", closedAt.toString());
      body.put("closeNote", "closed in the previous system");
    }
    return body;
  }

  /** A few weekly morning checks of one class in the last six weeks (the record keeps 60 days). */
  private List<Step> healthChecks(School school) {
    var steps = new ArrayList<Step>();
    LocalDate today = LocalDate.ofInstant(now, ZONE);
    for (int week = 6; week >= 1; week--) {
      LocalDate day = today.minusDays(7L * week);
      Random r = random(school.schoolId(), "health/" + day); // the same figures for a day whenever it is planned
      var check = new LinkedHashMap<String, Object>();
      check.put("date", day.toString());
      check.put("session", "MORNING");
      check.put("classId", "1-1");
      int absent = r.nextDouble() < 0.3 ? 1 : 0;
      check.put("present", 40 - absent - r.nextInt(2));
      check.put("absentIll", absent);
      check.put("symptoms", Map.of());
      steps.add(new Step("health-check", school.schoolId(), Sender.SCHOOL,
          "/api/v1/schools/" + school.schoolId() + "/health-checks", check));
    }
    return steps;
  }

  private boolean isPast(LocalDate day) {
    return day.isBefore(LocalDate.ofInstant(now, ZONE));
  }

  private Random random(String schoolId, String what) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (char c : (schoolId + "/" + what).toCharArray()) {
      h = (h ^ c) * 0x100000001B3L;
    }
    return new Random(h);
  }

  private static String[] pick(Random r) {
    int x = r.nextInt(1000);
    for (String[] t : TYPES) {
      x -= Integer.parseInt(t[2]);
      if (x < 0) {
        return t;
      }
    }
    return TYPES[0];
  }

  private static String levelOf(double x) {
    return x < 0.03 ? "I" : x < 0.15 ? "II" : x < 0.45 ? "III" : "IV";
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static String summaryOf(String type) {
    return switch (type) {
      case "INJURY" -> "a pupil was hurt during the break";
      case "BULLYING" -> "a pupil was bullied on the way home";
      case "ILLNESS_OUTBREAK" -> "several pupils of one class fell ill";
      case "TRAFFIC" -> "a pupil was hit by a scooter at the gate";
      case "FOOD_POISONING" -> "pupils felt sick after lunch";
      case "FIRE" -> "smoke from the canteen kitchen";
      case "INTRUSION" -> "a stranger entered the grounds";
      default -> "a pupil did not come home";
    };
  }

  private static String causeOf(String type) {
    return switch (type) {
      case "FIRE" -> "an overheated fryer";
      case "FOOD_POISONING", "ILLNESS_OUTBREAK" -> "a seasonal virus";
      case "TRAFFIC" -> "no crossing guard at the gate";
      default -> "see the school's report";
    };
  }
}
