package org.schoolsafety.hub.evaluation;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.schoolsafety.hub.reporting.ReportingDeadline;
import org.schoolsafety.hub.reporting.ReportingRules;

/** The rules that turn a month's figures into findings. Each rule looks at one county at a time. */
final class Findings {

  private static final String[] WORDS = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
      "ten"};

  private Findings() {}

  static List<Finding> of(String region, YearMonth month, ReportingRules rules, Evaluation.Month current,
      Evaluation.Month previous, Collection<String> regions) {
    var findings = new ArrayList<Finding>();
    for (String county : regions) {
      if (county.length() != 6) {
        continue;
      }
      List<Judged> here = current.incidents.stream().filter(j -> j.incident().regionCode().startsWith(county)).toList();
      reports(findings, county, here, ReportingDeadline.INITIAL, "initial-reports-late", "initial reports");
      reports(findings, county, here, ReportingDeadline.QUICK, "quick-reports-late",
          "quick reports on level I-II incidents (due " + words(rules.quick()) + " after occurrence)");
      reports(findings, county, here, ReportingDeadline.CONTINUATION, "continuation-reports-late",
          "continuation reports due");
      reports(findings, county, here, ReportingDeadline.FINAL, "final-reports-late", "final reports due");
      escalations(findings, county, here);
      drills(findings, county, month, current.schools.stream().filter(s -> s.regionCode().startsWith(county)).toList());
      hazards(findings, county, month, current.hazards.stream().filter(h -> h.regionCode().startsWith(county)).toList());
      tips(findings, county, month, current.now,
          current.tips.stream().filter(t -> t.regionCode().startsWith(county)).toList());
    }
    trend(findings, region, current, previous);
    return findings;
  }

  /** "4 of 6 initial reports from county 650203 were late; all came from two schools." */
  private static void reports(List<Finding> findings, String county, List<Judged> incidents, String kind, String rule,
      String what) {
    int due = 0;
    var late = new TreeSet<String>();
    var lateSchools = new TreeSet<String>();
    var reportingSchools = new TreeSet<String>();
    int lateCount = 0;
    for (Judged j : incidents) {
      for (ReportingDeadline d : j.decided(kind)) {
        due++;
        reportingSchools.add(j.incident().schoolId());
        if (!d.met()) {
          lateCount++;
          late.add(j.incident().incidentId());
          lateSchools.add(j.incident().schoolId());
        }
      }
    }
    if (lateCount == 0) {
      return;
    }
    String verb = kind.equals(ReportingDeadline.INITIAL) || kind.equals(ReportingDeadline.QUICK)
        ? "were late" : "were late or are overdue";
    String text = lateCount + " of " + due + " " + what + (kind.equals(ReportingDeadline.INITIAL) ? " from" : " in")
        + " county " + county + " " + verb;
    if (lateCount > 1 && lateSchools.size() < reportingSchools.size()) {
      text += "; all came from " + (lateSchools.size() == 1 ? "one school" : words(lateSchools.size()) + " schools");
    } else if (lateCount > 1) {
      text += ", at " + words(lateSchools.size()) + (lateSchools.size() == 1 ? " school" : " schools");
    }
    findings.add(new Finding(rule, county, text + ".", List.copyOf(late), List.copyOf(lateSchools), List.of()));
  }

  private static void escalations(List<Finding> findings, String county, List<Judged> incidents) {
    int dispatches = 0;
    var byKind = new TreeMap<String, Integer>();
    int unanswered = 0;
    var ids = new TreeSet<String>();
    for (Judged j : incidents) {
      for (IncidentFacts.DispatchFacts d : j.incident().dispatches()) {
        dispatches++;
        if ("ESCALATED".equals(d.state()) || "UNANSWERED".equals(d.state())) {
          byKind.merge(d.kind(), 1, Integer::sum);
          ids.add(j.incident().incidentId());
          if ("UNANSWERED".equals(d.state())) {
            unanswered++;
          }
        }
      }
    }
    int missed = byKind.values().stream().mapToInt(Integer::intValue).sum();
    if (missed == 0) {
      return;
    }
    var kinds = new ArrayList<String>();
    byKind.forEach((kind, n) -> kinds.add(n + " " + kind));
    String text = missed + " of " + dispatches + " dispatches in county " + county
        + " were not acknowledged in time (" + String.join(", ", kinds) + ")"
        + (unanswered > 0 ? "; " + unanswered + " went unanswered at every tier" : "") + ".";
    findings.add(new Finding("dispatches-escalated", county, text, List.copyOf(ids), List.of(), List.of()));
  }

  private static void drills(List<Finding> findings, String county, YearMonth month, List<SchoolFacts> schools) {
    var without = schools.stream()
        .filter(s -> s.evacuationMonths() == null || !s.evacuationMonths().contains(month.toString()))
        .map(SchoolFacts::schoolId).sorted().toList();
    if (without.isEmpty()) {
      return;
    }
    findings.add(new Finding("evacuation-drills-missing", county, without.size() + " of " + schools.size()
        + " schools in county " + county + " held no evacuation drill in " + month + ".", List.of(), without,
        List.of()));
  }

  private static void hazards(List<Finding> findings, String county, YearMonth month, List<HazardFacts> hazards) {
    Predicate<HazardFacts> onTime = h -> h.rectifiedAt() != null && !h.rectifiedAt().isAfter(h.deadline());
    var late = hazards.stream().filter(onTime.negate()).toList();
    if (late.isEmpty()) {
      return;
    }
    findings.add(new Finding("hazards-not-rectified", county, late.size() + " of " + hazards.size()
        + " hazards due for rectification in county " + county + " in " + month + " were not rectified on time.",
        List.of(), late.stream().map(HazardFacts::schoolId).distinct().sorted().toList(),
        late.stream().map(HazardFacts::hazardId).sorted().toList()));
  }

  /** "2 of 5 tips received in county 650102 in 2026-02 were not answered in time." */
  private static void tips(List<Finding> findings, String county, YearMonth month, Instant now,
      List<TipFacts> tips) {
    var late = tips.stream().filter(t -> Boolean.FALSE.equals(t.answeredInTime(now))).toList();
    if (late.isEmpty()) {
      return;
    }
    findings.add(new Finding("tips-late", county, late.size() + " of " + tips.size() + " tips received in county "
        + county + " in " + month + " were not answered (triaged) in time.", List.of(),
        late.stream().map(TipFacts::schoolId).distinct().sorted().toList(), List.of(),
        late.stream().map(TipFacts::tipId).sorted().toList()));
  }

  /** Late initial reports across the whole region, against the month before. */
  private static void trend(List<Finding> findings, String region, Evaluation.Month current,
      Evaluation.Month previous) {
    int now = lateInitial(current).size();
    int before = lateInitial(previous).size();
    if (now == before) {
      return;
    }
    String text = "Late initial reports in region " + region + " " + (now > before ? "rose" : "fell") + " from "
        + before + " in " + previous.month + " to " + now + " in " + current.month + ".";
    findings.add(new Finding("initial-reports-trend", region, text, lateInitial(current), List.of(), List.of()));
  }

  private static List<String> lateInitial(Evaluation.Month month) {
    return month.incidents.stream().filter(j -> j.late(ReportingDeadline.INITIAL))
        .map(j -> j.incident().incidentId()).sorted().toList();
  }

  static String words(int n) {
    return n >= 0 && n < WORDS.length ? WORDS[n] : String.valueOf(n);
  }

  /** "30 minutes", "1 hour", "4 hours", "7 days". */
  static String words(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
  }
}
