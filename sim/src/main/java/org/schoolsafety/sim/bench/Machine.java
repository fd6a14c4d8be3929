package org.schoolsafety.sim.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a figure was measured: cores, JDK, OS, and the load average at the time. */
final class Machine {

  private Machine() {}

  static Map<String, Object> describe() {
    var m = new LinkedHashMap<String, Object>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    m.put("loadAverage", load < 0 ? null : Math.round(load * 100) / 100.0);
    return m;
  }
}
