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
 * {@code Cancel}. Each has its own identifier ({@code <incidentId>.<n>}) and refers to all before it.
 */
record CapMessage(String identifier, Instant sent, String msgType) {

  /** The incident's messages, oldest first. */
  static List<CapMessage> of(IncidentState state) {
    var messages = new ArrayList<CapMessage>();
    List<IncidentReport> reports = state.reports();
    for (int i = 0; i < reports.size(); i++) {
      messages.add(new CapMessage(state.incidentId() + "." + (i + 1), reports.get(i).at(), i == 0 ? "Alert" : "Update"));
    }
    if (state.ending() != null) {
      messages.add(new CapMessage(state.incidentId() + "." + (messages.size() + 1), state.ending().at(),
          state.ending().status() == Status.CANCELLED ? "Cancel" : "Update"));
    }
    return messages;
  }
}
