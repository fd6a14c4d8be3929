package org.schoolsafety.edge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** What every route class needs: strict JSON bodies, JSON answers, failures as problems. */
public abstract class RouteSupport extends AllDirectives {

  protected final Duration askTimeout;

  protected RouteSupport(Duration askTimeout) {
    this.askTimeout = askTimeout;
  }

  public abstract Route route();

  /** Reads a JSON body into {@code type}; any problem becomes a 400/415 naming what is wrong. */
  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return complete(Problems.of(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "the body must be application/json, not " + entity.getContentType().mediaType()));
      }
      return entity(Unmarshaller.entityToString(), body -> {
        T value;
        try {
          if (body.isBlank()) {
            throw ApiException.badRequest("a JSON body is required");
          }
          value = JsonSupport.mapper().readValue(body, type);
          if (value == null) {
            throw ApiException.badRequest("the body must be a JSON object, not null");
          }
        } catch (JsonProcessingException e) {
          return complete(Problems.from(describe(e)));
        } catch (ApiException e) {
          return complete(Problems.from(e));
        }
        return inner.apply(value);
      });
    });
  }

  /** Translates Jackson's complaint into one that names the field and leaks nothing. */
  private static ApiException describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      return ApiException.invalid(List.of(new Problem.FieldError(field,
          "is not a known field; known fields: " + u.getKnownPropertyIds())));
    }
    if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
      JsonMappingException m = (JsonMappingException) e;
      if (!m.getPath().isEmpty()) {
        String expected = m instanceof MismatchedInputException mi && mi.getTargetType() != null
            ? mi.getTargetType().getSimpleName() : "another type";
        return ApiException.invalid(List.of(new Problem.FieldError(path(m),
            "has the wrong type; expected " + jsonKind(expected))));
      }
      return ApiException.badRequest("the body must be a JSON object");
    }
    var location = e.getLocation();
    return ApiException.badRequest("malformed JSON"
        + (location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr()));
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String jsonKind(String javaType) {
    return switch (javaType) {
      case "Integer", "int", "Long", "long" -> "a whole number";
      case "Double", "double" -> "a number";
      case "String" -> "a string";
      default -> "an object";
    };
  }

  /** Completes with {@code success(value)} or the problem the failure deserves. */
  protected <T> Route respond(CompletionStage<T> result, Function<T, HttpResponse> success) {
    return onComplete(result, attempt -> attempt.isSuccess()
        ? complete(success.apply(attempt.get()))
        : complete(Problems.from(attempt.failed().get())));
  }

  protected static HttpResponse json(StatusCode status, Object body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, JsonSupport.write(body));
  }

  protected static HttpResponse ok(Object body) {
    return json(StatusCodes.OK, body);
  }
}
