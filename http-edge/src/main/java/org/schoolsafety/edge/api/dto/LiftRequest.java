package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;

/** Body of {@code POST /api/v1/directives/{id}/lift}. */
public record LiftRequest(String reason) {

  public String checkedReason() {
    var f = new Fields();
    String text = f.text("reason", reason, 2000, false);
    f.throwIfInvalid();
    return text;
  }
}
