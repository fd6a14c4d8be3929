package org.schoolsafety.edge.api;

import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** A request the edge refuses before it reaches an entity, with the status it deserves. */
public final class ApiException extends RuntimeException {

  private final StatusCode status;
  private final List<Problem.FieldError> errors;

  public ApiException(StatusCode status, String detail, List<Problem.FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.errors = errors;
  }

  public static ApiException invalid(List<Problem.FieldError> errors) {
    String detail =
        errors.size() == 1
            ? "invalid field '" + errors.get(0).field() + "': " + errors.get(0).message()
            : errors.size() + " invalid fields: " + errors.stream().map(Problem.FieldError::field).toList();
    return new ApiException(StatusCodes.BAD_REQUEST, detail, errors);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(StatusCodes.BAD_REQUEST, detail, null);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(StatusCodes.NOT_FOUND, detail, null);
  }

  public StatusCode status() {
    return status;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }
}
