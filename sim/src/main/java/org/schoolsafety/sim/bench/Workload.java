package org.schoolsafety.sim.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The benchmark's workloads, the options each accepts beyond the common ones, and what each measures. */
public enum Workload {

  REPORTS("reports from many schools, acknowledged; the highest rate with p99 < --p99-limit (or at --rate)",
      "open-loop incident reports from many schools at --rate (without it: the highest rate whose p99 stays"
      + " under --p99-limit), each acknowledged by its dispatched agencies; the storage baseline of the same node"
      + " and the writes Cassandra made per report",
      Set.of("--rate", "--step", "--baseline-duration", "--schools", "--p99-limit", "--payload-bytes")),
  STREAMS("command-center streams while reports flow: delay from a report's 201 to its event",
      "--subscribers command-center streams while reports flow at --rate: delay from a report's 201 to its"
      + " event at every subscriber that watches its region",
      Set.of("--rate", "--subscribers", "--schools")),
  SURGE("an earthquake morning: a province's schools report in bursts; last dispatch out, nothing lost",
      "an earthquake morning: --schools schools of one province (--province) report within --duration in bursts,"
      + " agencies acknowledge; report latency, time until the last dispatch is out, nothing lost",
      Set.of("--schools", "--province")),
  BASELINE("the storage limit: single-row inserts straight into the hub's Cassandra node",
      "the storage limit: single-row inserts of a report's size straight into the hub's Cassandra node, at the"
      + " journal's consistency level and --concurrency (closed loop; open loop with --rate)",
      Set.of("--rate", "--payload-bytes")),
  SCHOOLS("heap per live school: registers --schools schools, wakes them all, the node's live heap before and after",
      "registers --schools schools of its own (100,000 by default), reads each back so that every School entity is in"
      + " memory on the node, and measures the node's live heap (a class histogram after a full GC, through jcmd)"
      + " before and after: heap per school and the classes that grew",
      Set.of("--schools", "--node-pid")),
  SENSORS("gateways' everyday readings from many schools, then panic presses: ingest latency, writes per reading",
      "open-loop batches of --devices readings (every value below every threshold) from --schools schools' gateways at"
      + " --rate batches per second, then one panic press at each of --alarms schools: the batches' latency to their 202,"
      + " readings per second, Cassandra writes per 1,000 quiet readings and per alarm, and whether every alarm opened"
      + " its incident",
      Set.of("--rate", "--schools", "--devices", "--alarms"));

  /** Options every workload accepts. */
  static final Set<String> COMMON = Set.of("--hub", "--data", "--secret-file", "--cassandra-port", "--concurrency",
      "--duration", "--warmup", "--out", "--seed");

  private final String brief;
  private final String what;
  private final Set<String> options;

  Workload(String brief, String what, Set<String> options) {
    this.brief = brief;
    this.what = what;
    this.options = options;
  }

  public String brief() {
    return brief;
  }

  public String what() {
    return what;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean accepts(String option) {
    return COMMON.contains(option) || options.contains(option);
  }

  /** The workloads that accept an option (for "applies to ... only" messages). */
  static List<String> accepting(String option) {
    return Arrays.stream(values()).filter(w -> w.accepts(option)).map(Workload::label).toList();
  }

  static Workload byLabel(String label) {
    for (Workload w : values()) {
      if (w.label().equals(label)) {
        return w;
      }
    }
    return null;
  }

  static List<String> labels() {
    return Arrays.stream(values()).map(Workload::label).toList();
  }
}
