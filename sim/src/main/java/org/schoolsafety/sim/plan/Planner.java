package org.schoolsafety.sim.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.schoolsafety.sim.scenario.Scenario;

/** Turns a scenario and its schools into a {@link Plan}: same scenario, schools and seed, same plan. */
public final class Planner {

  private Planner() {}

  /** {@code schools}: the participating school ids, in the order waves pick them. */
  public static Plan plan(Scenario scenario, List<String> schools, long seed) {
    if (schools.isEmpty()) {
      throw new IllegalArgumentException("no schools take part");
    }
    record Draft(int wave, String school, Duration occurred, Random random) {}
    var drafts = new ArrayList<Draft>();
    for (int w = 0; w < scenario.incidents().size(); w++) {
      Scenario.Wave wave = scenario.incidents().get(w);
      Random random = new Random(seed * 1_000_003L + w);
      int from = wave.fromSchool() - 1;
      if (from >= schools.size()) {
        throw new IllegalArgumentException("incidents[" + w + "].fromSchool is " + wave.fromSchool() + " but only "
            + schools.size() + " schools take part");
      }
      int to = wave.schools() == null ? schools.size() : Math.min(schools.size(), from + wave.schools());
      List<String> selected = new ArrayList<>(schools.subList(from, to));
      List<String> assigned = new ArrayList<>();
      if (wave.perSchool() != null) {
        for (String school : selected) {
          for (int k = 0; k < wave.perSchool(); k++) {
            assigned.add(school);
          }
        }
      } else {
        Collections.shuffle(selected, random);
        for (int k = 0; k < wave.count(); k++) {
          assigned.add(selected.get(k % selected.size()));
        }
      }
      Collections.shuffle(assigned, random);
      int n = assigned.size();
      for (int k = 0; k < n; k++) {
        double fraction = "even".equals(wave.spacing()) ? (n == 1 ? 0 : (double) k / (n - 1)) : random.nextDouble();
        Duration occurred = wave.start().plusNanos((long) (fraction * wave.over().toNanos()));
        drafts.add(new Draft(w, assigned.get(k), occurred, new Random(random.nextLong())));
      }
    }
    drafts.sort(Comparator.comparing(Draft::occurred).thenComparing(Draft::wave));

    var incidents = new ArrayList<Plan.Incident>();
    Duration end = Duration.ZERO;
    for (int i = 0; i < drafts.size(); i++) {
      Draft d = drafts.get(i);
      Scenario.Wave wave = scenario.incidents().get(d.wave());
      Random r = d.random();
      String level = pick(wave.levels(), r);
      Duration reportAt = d.occurred().plus(wave.reportDelay().sample(r));
      var followUps = new ArrayList<Plan.FollowUp>();
      boolean falseAlarm = wave.falseAlarm() != null && r.nextDouble() < wave.falseAlarm().probability();
      if (falseAlarm) {
        followUps.add(new Plan.FollowUp(Plan.Step.CANCEL, reportAt.plus(wave.falseAlarm().after().sample(r)),
            Map.of("reason", wave.falseAlarm().reason()), "COMMAND_CENTER"));
      } else {
        Duration last = reportAt;
        var continuations = new ArrayList<Plan.FollowUp>();
        for (Scenario.Continuation c : wave.continuations()) {
          var body = new LinkedHashMap<String, Object>();
          body.put("kind", "CONTINUATION");
          body.put("summary", c.summary());
          if (c.casualties() != null) {
            body.put("casualties", casualties(c.casualties(), r));
          }
          if (c.measures() != null) {
            body.put("measures", c.measures());
          }
          if (c.level() != null) {
            body.put("level", c.level());
          }
          continuations.add(new Plan.FollowUp(Plan.Step.CONTINUATION, reportAt.plus(c.after().sample(r)), body, null));
        }
        continuations.sort(Comparator.comparing(Plan.FollowUp::at));
        followUps.addAll(continuations);
        if (!continuations.isEmpty()) {
          last = continuations.get(continuations.size() - 1).at();
        }
        if (wave.fin() != null) {
          Scenario.Final f = wave.fin();
          var body = new LinkedHashMap<String, Object>();
          body.put("kind", "FINAL");
          body.put("summary", f.summary());
          body.put("cause", f.cause());
          body.put("outcome", f.outcome());
          if (f.casualties() != null) {
            body.put("casualties", casualties(f.casualties(), r));
          }
          Duration at = max(reportAt.plus(f.after().sample(r)), last.plusSeconds(1));
          followUps.add(new Plan.FollowUp(Plan.Step.FINAL, at, body, null));
          if (wave.close() != null) {
            var close = new LinkedHashMap<String, Object>();
            close.put("note", wave.close().note() == null ? "drill: closed" : wave.close().note());
            followUps.add(new Plan.FollowUp(Plan.Step.CLOSE, at.plus(wave.close().after().sample(r)), close,
                wave.close().by()));
          }
        }
      }
      var reporter = new LinkedHashMap<String, String>();
      reporter.put("name", wave.reporter().name());
      reporter.put("role", wave.reporter().role());
      if (wave.reporter().phone() != null) {
        reporter.put("phone", wave.reporter().phone());
      }
      var incident = new Plan.Incident(i + 1, d.wave(), d.school(), wave.type(), level, d.occurred(), reportAt,
          wave.summary(), wave.measures(), casualties(wave.casualties(), r), reporter, List.copyOf(followUps));
      incidents.add(incident);
      end = max(end, reportAt);
      for (Plan.FollowUp f : followUps) {
        end = max(end, f.at());
      }
    }
    return new Plan(List.copyOf(incidents), end);
  }

  private static Map<String, Integer> casualties(Scenario.Casualties c, Random r) {
    var figures = new LinkedHashMap<String, Integer>();
    figures.put("dead", c.dead().sample(r));
    figures.put("injured", c.injured().sample(r));
    figures.put("missing", c.missing().sample(r));
    return figures;
  }

  private static String pick(Map<String, Double> weights, Random r) {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    double x = r.nextDouble() * total;
    String last = null;
    for (var e : weights.entrySet()) {
      last = e.getKey();
      x -= e.getValue();
      if (x < 0) {
        return e.getKey();
      }
    }
    return last;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
