package org.schoolsafety.hub;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why an entity refused a command, carried in {@code StatusReply.error(...)}.
 *
 * <p>Rejections are CBOR-serializable so that a {@code StatusReply} error keeps its class
 * when the reply crosses nodes: the class is how the HTTP edge tells a 404 from a 409 from a
 * 400. Only the message travels; rejections carry no stack trace.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE)
public abstract class Rejection extends RuntimeException implements CborSerializable {

  protected Rejection(String message) {
    super(message, null, false, false);
  }

  @Override
  @JsonProperty("message")
  public String getMessage() {
    return super.getMessage();
  }

  /** The thing asked about does not exist (HTTP 404). */
  public static final class NotFound extends Rejection {
    @JsonCreator
    public NotFound(@JsonProperty("message") String message) {
      super(message);
    }
  }

  /** The command does not fit the current state (HTTP 409). */
  public static final class Conflict extends Rejection {
    @JsonCreator
    public Conflict(@JsonProperty("message") String message) {
      super(message);
    }
  }

  /** The sender lacks the authority for this command on this entity (HTTP 403). */
  public static final class Forbidden extends Rejection {
    @JsonCreator
    public Forbidden(@JsonProperty("message") String message) {
      super(message);
    }
  }

  /** The thing existed but can no longer be used, e.g. an expired invitation code (HTTP 410). */
  public static final class Gone extends Rejection {
    @JsonCreator
    public Gone(@JsonProperty("message") String message) {
      super(message);
    }
  }

  /** The command itself is invalid whatever the state (HTTP 400). */
  public static final class Invalid extends Rejection {
    @JsonCreator
    public Invalid(@JsonProperty("message") String message) {
      super(message);
    }
  }
}
