package org.schoolsafety.dev;

import java.nio.file.Path;

/** What the dev node prints once it is ready: where to look and what to try first. */
final class Banner {

  private Banner() {}

  static void print(int httpPort, String cassandra, Path dataDir, String demo, String history, Path tokens,
      String consoleToken) {
    String base = "http://127.0.0.1:" + httpPort;
    System.out.println("""

        School Safety Hub is ready.
          Console    %1$s/console/#token=%6$s
                     (the command center of province 65; the token stays in the browser tab)
          API        %1$s/api/v1   (health: %1$s/health/ready)
          Cassandra  %2$s   (data: %3$s)
          Demo data  %4$s
          History    %7$s

        Every API call needs a bearer token. Dev tokens for the demo (12h) are in
          %5$s
        Load them with `source %5$s`, or make one with
          bin/hub token --role AGENCY --subject fire-650102 --data %3$s

        Try:
          source %5$s
          curl -s -H "Authorization: Bearer $HUB_SCHOOL_TOKEN" %1$s/api/v1/schools/sch-650102-001
          curl -s -X POST %1$s/api/v1/incidents -H "Authorization: Bearer $HUB_SCHOOL_TOKEN" \\
            -H 'Content-Type: application/json' \\
            -d '{"schoolId":"sch-650102-001","type":"FIRE","level":"III","occurredAt":"'$(date -u +%%FT%%TZ)'",
                 "summary":"smoke in the chemistry lab","reporter":{"name":"Wang Fang","role":"principal"},
                 "clientRef":"first-try"}'
          curl -s -H "Authorization: Bearer $HUB_FIRE_TOKEN" %1$s/api/v1/agencies/fire-650102/dispatches

        Ctrl-C stops the node and Cassandra; run again with the same --data to find everything.
        """.formatted(base, cassandra, dataDir, demo, tokens, consoleToken, history));
  }
}
