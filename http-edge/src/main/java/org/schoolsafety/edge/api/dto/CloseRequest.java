package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;

/** Body of {@code POST /api/v1/incidents/{id}/close}. */
public record CloseRequest(String note) {

  public String checkedNote() {
    var f = new Fields();
    String text = f.text("note", note, 2000, false);
    f.throwIfInvalid();
    return text;
  }
}
