package org.schoolsafety.edge.cap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.Status;

/**
 * One CAP message about an incident. The initial report is the {@code Alert}; every later
 * report (continuation, regrade, final) and the closing are {@code Update}s; a cancellation is
 * {@code Cancel}. Each has its own identifier ({@code <incidentId>.<n>}) and refers to all before it
 * that the incident's state keeps: the initial alert and the latest reports (an incident with
 * more than {@link IncidentState#REPORTS_KEPT} reports refers to those, not to every one).
 */
record CapMessage(String identifier, Instant sent, String msgType) {

  /** The incident's messages, oldest first. */
  static List<CapMessage> of(IncidentState state) {
    var messages = new ArrayList<CapMessage>();
    List<IncidentReport> reports = state.reports();
    for (int i = 0; i < reports.size(); i++) {
      messages.add(new CapMessage(state.incidentId() + "." + state.reportNumber(i), reports.get(i).at(),
          i == 0 ? "Alert" : "Update"));
    }
    if (state.ending() != null) {
      messages.add(new CapMessage(state.incidentId() + "." + (state.reportCount() + 1), state.ending().at(),
          state.ending().status() == Status.CANCELLED ? "Cancel" : "Update"));
    }
    return messages;
  }
}
