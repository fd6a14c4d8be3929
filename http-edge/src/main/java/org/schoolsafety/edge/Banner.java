package org.schoolsafety.edge;

import java.nio.file.Path;

/** What the dev node prints once it is ready: where to look and what to try first. */
final class Banner {

  private Banner() {}

  static void print(int httpPort, String cassandra, Path dataDir, String demo) {
    String base = "http://127.0.0.1:" + httpPort;
    System.out.println("""

        School Safety Hub is ready.
          API        %1$s/api/v1   (health: %1$s/health/ready)
          Cassandra  %2$s   (data: %3$s)
          Demo data  %4$s

        Try:
          curl -s %1$s/api/v1/schools/sch-650102-001
          curl -s -X POST %1$s/api/v1/incidents -H 'Content-Type: application/json' \\
            -d '{"schoolId":"sch-650102-001","type":"FIRE","level":"III","occurredAt":"<ISO time>",
                 "summary":"smoke in the chemistry lab","reporter":{"name":"Wang Fang","role":"principal"},
                 "clientRef":"first-try"}'
          curl -s %1$s/api/v1/agencies/fire-650102/dispatches

        Ctrl-C stops the node and Cassandra; run again with the same --data to find everything.
        """.formatted(base, cassandra, dataDir, demo));
  }
}
