package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;

/** Body of {@code POST /api/v1/incidents/{id}/acks}. */
public record AckRequest(String agencyId, String note) {

  public AckRequest check() {
    var f = new Fields();
    String id = f.id("agencyId", agencyId);
    String text = f.text("note", note, 1000, false);
    f.throwIfInvalid();
    return new AckRequest(id, text);
  }
}
