package org.schoolsafety.edge.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem detail. {@code errors} lists field-level problems of invalid input, each
 * naming the field (a JSON path such as {@code casualties.injured}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String instance, List<FieldError> errors) {

  public record FieldError(String field, String message) {}
}
