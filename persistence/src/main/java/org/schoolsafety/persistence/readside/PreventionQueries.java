package org.schoolsafety.persistence.readside;

import java.time.Instant;
import org.schoolsafety.hub.evaluation.HazardFacts;
import org.schoolsafety.hub.priorities.Priorities;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Reads the prevention tables: hazards of a school or a region, the risk ranking of a region,
 * a school's risk history, and warnings of a region. A region's rows live in its province's
 * partition; a request reads that one partition and filters it, so no request asks an entity.
 */
public final class PreventionQueries {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CassandraSession session;
  private final String ks;

  PreventionQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  public CompletionStage<List<Map<String, Object>>> hazardsOfSchool(String schoolId, Predicate<Map<String, Object>> wanted) {
    return session.selectAll("SELECT * FROM " + ks + ".hazards_by_school WHERE school_id = ?", schoolId)
        .thenApply(rows -> rows.stream().map(PreventionQueries::hazard).filter(wanted)
            .sorted(Comparator.comparing((Map<String, Object> h) -> String.valueOf(h.get("deadline")))).toList());
  }

  public CompletionStage<List<Map<String, Object>>> hazardsOfRegion(String regionPrefix,
      Predicate<Map<String, Object>> wanted, int limit) {
    return session.selectAll("SELECT * FROM " + ks + ".hazards_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream().map(PreventionQueries::hazard)
            .filter(h -> ((String) h.get("regionCode")).startsWith(regionPrefix)).filter(wanted)
            .sorted(Comparator.comparing((Map<String, Object> h) -> String.valueOf(h.get("deadline"))))
            .limit(limit).toList());
  }

  /** The region's hazards whose rectification fell due in [from, to): for the evaluation (issue 18). */
  public CompletionStage<List<HazardFacts>> hazardsDue(String regionPrefix, Instant from, Instant to) {
    return session.selectAll("SELECT hazard_id, school_id, region_code, deadline, rectified_at FROM " + ks
            + ".hazards_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream()
            .filter(r -> r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix))
            .filter(r -> r.getInstant("deadline") != null && !r.getInstant("deadline").isBefore(from)
                && r.getInstant("deadline").isBefore(to))
            .map(r -> new HazardFacts(r.getString("hazard_id"), r.getString("school_id"), r.getString("region_code"),
                r.getInstant("deadline"), r.getInstant("rectified_at")))
            .toList());
  }

  /**
   * The region's hazards not yet rectified (status OPEN or OVERDUE, including those whose
   * rectification was rejected), with their rectification plan's funding (null for rows folded
   * before the read side kept it): the candidates of {@code GET /api/v1/priorities} (issue 18).
   */
  public CompletionStage<List<Priorities.OpenHazard>> openHazards(String regionPrefix) {
    return session.selectAll("SELECT * FROM " + ks + ".hazards_by_province WHERE province = ?",
            regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream()
            .filter(r -> r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix))
            .filter(r -> "OPEN".equals(r.getString("status")) || "OVERDUE".equals(r.getString("status")))
            .map(r -> new Priorities.OpenHazard(r.getString("hazard_id"), r.getString("school_id"),
                r.getString("school_name"), r.getString("region_code"), r.getString("category"),
                r.getString("severity"), "OVERDUE".equals(r.getString("status")) || r.getInstant("overdue_at") != null,
                r.isNull("funding_yuan") ? null : r.getLong("funding_yuan")))
            .toList());
  }

  /** Students of the region's registered schools (0 where the registry row predates the column). */
  public CompletionStage<Map<String, Integer>> students(String regionPrefix) {
    return session.selectAll("SELECT school_id, region_code, students FROM " + ks
            + ".schools_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> {
          var students = new java.util.TreeMap<String, Integer>();
          for (Row r : rows) {
            if (r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix)) {
              students.put(r.getString("school_id"), r.isNull("students") ? 0 : r.getInt("students"));
            }
          }
          return (Map<String, Integer>) students;
        });
  }

  /**
   * A school's risk score as it stood at {@code at} by its history: the last one computed before
   * it, or — when there is none — the first one computed from it up to {@code until}; empty when
   * neither exists. Dimensions plus {@code overall}.
   */
  public CompletionStage<java.util.Optional<Map<String, Double>>> riskAt(String schoolId, Instant at, Instant until) {
    String columns = "SELECT overall, dimensions FROM " + ks + ".risk_history WHERE school_id = ? ";
    return session.selectOne(columns + "AND computed_at < ? LIMIT 1", schoolId, at)
        .thenCompose(before -> before.isPresent()
            ? java.util.concurrent.CompletableFuture.completedFuture(before)
            : session.selectOne(columns + "AND computed_at >= ? AND computed_at < ? ORDER BY computed_at ASC LIMIT 1",
                schoolId, at, until))
        .thenApply(row -> row.map(r -> {
          var m = new LinkedHashMap<String, Double>(r.getMap("dimensions", String.class, Double.class));
          m.put("overall", r.getDouble("overall"));
          return (Map<String, Double>) m;
        }));
  }

  /** The region's schools by overall risk, highest first. */
  public CompletionStage<List<Map<String, Object>>> ranking(String regionPrefix, int top) {
    return session.selectAll("SELECT * FROM " + ks + ".risk_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream().filter(r -> r.getString("region_code").startsWith(regionPrefix))
            .sorted(Comparator.comparingDouble((Row r) -> r.getDouble("overall")).reversed()
                .thenComparing(r -> r.getString("school_id")))
            .limit(top).map(PreventionQueries::risk).toList());
  }

  public CompletionStage<List<Map<String, Object>>> riskHistory(String schoolId, int limit) {
    return session.selectAll("SELECT * FROM " + ks + ".risk_history WHERE school_id = ? LIMIT " + limit, schoolId)
        .thenApply(rows -> rows.stream().map(r -> {
          var m = new LinkedHashMap<String, Object>();
          m.put("computedAt", String.valueOf(r.getInstant("computed_at")));
          m.put("overall", r.getDouble("overall"));
          m.put("level", r.getString("level"));
          m.put("dimensions", r.getMap("dimensions", String.class, Double.class));
          return (Map<String, Object>) m;
        }).toList());
  }

  public CompletionStage<List<Map<String, Object>>> warnings(String regionPrefix, Predicate<Map<String, Object>> wanted,
      int limit) {
    return session.selectAll("SELECT * FROM " + ks + ".warnings_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream().filter(r -> r.getString("region_code").startsWith(regionPrefix))
            .map(PreventionQueries::warning).filter(wanted)
            .sorted(Comparator.comparing((Map<String, Object> w) -> String.valueOf(w.get("raisedAt"))).reversed())
            .limit(limit).toList());
  }

  /**
   * Training coverage of a region (see {@link TrainingCoverage}): the region's registered schools
   * (the registry's rows, for their staff) and their trainings from {@code from} to {@code to},
   * two reads of the province's partitions.
   */
  public CompletionStage<Map<String, Object>> trainingCoverage(String regionPrefix, java.time.LocalDate from,
      java.time.LocalDate to, int limit) {
    String province = regionPrefix.substring(0, 2);
    var schools = session.selectAll("SELECT school_id, name, region_code, staff FROM " + ks
        + ".schools_by_province WHERE province = ?", province);
    var trainings = session.selectAll("SELECT * FROM " + ks + ".trainings_by_province WHERE province = ?", province);
    return schools.thenCombine(trainings, (schoolRows, trainingRows) -> {
      var known = new LinkedHashMap<String, TrainingCoverage.School>();
      // A school's staff as its trainings last recorded it: for a school registered before the
      // registry kept staff, or one the registry's projection has not caught up with yet.
      var staffOfTrainings = new java.util.HashMap<String, TrainingCoverage.School>();
      for (Row t : trainingRows) {
        if (t.getString("region_code").startsWith(regionPrefix)) {
          staffOfTrainings.put(t.getString("school_id"), new TrainingCoverage.School(t.getString("school_id"),
              t.getString("school_name"), t.getString("region_code"), t.getInt("staff")));
        }
      }
      for (Row r : schoolRows) {
        String region = r.getString("region_code");
        if (region != null && region.startsWith(regionPrefix)) {
          String id = r.getString("school_id");
          int staff = r.isNull("staff") ? staffOfTrainings.getOrDefault(id,
              new TrainingCoverage.School(id, null, region, 0)).staff() : r.getInt("staff");
          known.put(id, new TrainingCoverage.School(id, r.getString("name"), region, staff));
        }
      }
      staffOfTrainings.forEach(known::putIfAbsent);
      var sessions = trainingRows.stream().filter(t -> known.containsKey(t.getString("school_id")))
          .map(t -> new TrainingCoverage.Session(t.getString("school_id"), t.getLocalDate("day"), t.getString("topic"),
              t.getString("audience"), t.getInt("participants"), t.getDouble("hours")))
          .toList();
      return TrainingCoverage.of(regionPrefix, List.copyOf(known.values()), sessions, from, to, limit);
    });
  }

  private static Map<String, Object> hazard(Row r) {
    var m = new LinkedHashMap<String, Object>();
    m.put("hazardId", r.getString("hazard_id"));
    m.put("schoolId", r.getString("school_id"));
    m.put("schoolName", r.getString("school_name"));
    m.put("regionCode", r.getString("region_code"));
    m.put("inspectionId", r.getString("inspection_id"));
    m.put("category", r.getString("category"));
    m.put("severity", r.getString("severity"));
    m.put("status", r.getString("status"));
    m.put("location", r.getString("location"));
    m.put("description", r.getString("description"));
    m.put("deadline", String.valueOf(r.getInstant("deadline")));
    m.put("recordedAt", String.valueOf(r.getInstant("recorded_at")));
    m.put("overdueAt", r.getInstant("overdue_at") == null ? null : r.getInstant("overdue_at").toString());
    m.put("rectifiedAt", r.getInstant("rectified_at") == null ? null : r.getInstant("rectified_at").toString());
    m.put("verifiedAt", r.getInstant("verified_at") == null ? null : r.getInstant("verified_at").toString());
    m.put("fundingYuan", r.isNull("funding_yuan") ? null : r.getLong("funding_yuan"));
    return m;
  }

  private static Map<String, Object> risk(Row r) {
    var m = new LinkedHashMap<String, Object>();
    m.put("schoolId", r.getString("school_id"));
    m.put("schoolName", r.getString("school_name"));
    m.put("regionCode", r.getString("region_code"));
    m.put("overall", r.getDouble("overall"));
    m.put("level", r.getString("level"));
    m.put("dimensions", r.getMap("dimensions", String.class, Double.class));
    try {
      m.put("factors", JSON.readTree(r.getString("factors")));
    } catch (Exception e) {
      m.put("factors", List.of());
    }
    m.put("computedAt", String.valueOf(r.getInstant("computed_at")));
    return m;
  }

  private static Map<String, Object> warning(Row r) {
    var m = new LinkedHashMap<String, Object>();
    for (String[] c : new String[][] {{"warningId", "warning_id"}, {"schoolId", "school_id"},
        {"schoolName", "school_name"}, {"regionCode", "region_code"}, {"cause", "cause"}, {"causeId", "cause_id"},
        {"level", "level"}, {"summary", "summary"}, {"audience", "audience"}, {"state", "state"},
        {"acknowledgedBy", "acknowledged_by"}, {"clearedBecause", "cleared_because"}, {"incidentId", "incident_id"}}) {
      m.put(c[0], r.getString(c[1]));
    }
    for (String[] c : new String[][] {{"raisedAt", "raised_at"}, {"acknowledgedAt", "acknowledged_at"},
        {"clearedAt", "cleared_at"}}) {
      m.put(c[0], r.getInstant(c[1]) == null ? null : r.getInstant(c[1]).toString());
    }
    return m;
  }
}
