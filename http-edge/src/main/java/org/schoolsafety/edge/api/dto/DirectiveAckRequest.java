package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;

/** Body of {@code POST /api/v1/directives/{id}/acks}: the school that acknowledges. */
public record DirectiveAckRequest(String schoolId, String note) {

  public DirectiveAckRequest check() {
    var f = new Fields();
    String id = f.id("schoolId", schoolId);
    String text = f.text("note", note, 1000, false);
    f.throwIfInvalid();
    return new DirectiveAckRequest(id, text);
  }
}
