package org.schoolsafety.hub.incident;

import com.typesafe.config.Config;
import java.time.Duration;
import org.schoolsafety.hub.plan.AckDeadlines;
import org.schoolsafety.hub.plan.ResponsePlan;

/** What an incident needs from configuration ({@code hub.*}, defaults in reference.conf). */
public record IncidentSettings(
    ResponsePlan plan,
    AckDeadlines deadlines,
    Duration askTimeout,
    Duration idlePassivation,
    Duration redeliveryInterval,
    Duration resendAtOnceWithin,
    Duration resendSpread,
    Duration dispatchWithReportWithin) {

  public static IncidentSettings fromConfig(Config config) {
    Config hub = config.getConfig("hub");
    return new IncidentSettings(
        ResponsePlan.fromConfig(hub.getConfig("response-plan")),
        AckDeadlines.fromConfig(hub.getConfig("escalation")),
        hub.getDuration("ask-timeout"),
        hub.getDuration("incident.idle-passivation"),
        hub.getDuration("incident.redelivery-interval"),
        hub.getDuration("incident.recovery.resend-at-once-within"),
        hub.getDuration("incident.recovery.resend-spread"),
        hub.getDuration("incident.dispatch-with-report-within"));
  }
}
