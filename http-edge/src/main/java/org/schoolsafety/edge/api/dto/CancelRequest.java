package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;

/** Body of {@code POST /api/v1/incidents/{id}/cancel}: why it was a false alarm. */
public record CancelRequest(String reason) {

  public String checkedReason() {
    var f = new Fields();
    String text = f.text("reason", reason, 2000, true);
    f.throwIfInvalid();
    return text;
  }
}
