package org.schoolsafety.edge.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.stream.StreamLimits;
import org.schoolsafety.persistence.readside.IncidentQueries;
import org.schoolsafety.persistence.readside.IncidentSummary;

/** What every route class needs: strict JSON bodies, JSON answers, failures as problems. */
public abstract class RouteSupport extends AllDirectives {

  protected final ApiContext api;
  /** Reads of agencies: small replies, or whole states during an upgrade from before 2026-12-03. */
  protected final AgencyReads agencies;

  protected RouteSupport(ApiContext api) {
    this.api = api;
    this.agencies = new AgencyReads(api.sharding(),
        api.system().settings().config().getBoolean(AgencyReads.WHOLE_STATE_READS),
        api.system().settings().config().getBoolean(AgencyReads.NOTICE_PAGES));
  }

  /** The routes of this resource, for an authenticated principal. */
  public abstract Route route(Principal principal);

  /** Carries out the access policy's decision: 403, or 404 with {@code notFound} as detail. */
  protected Route authorize(Decision decision, Principal principal, String action, String notFound,
      Supplier<Route> inner) {
    return switch (decision) {
      case ALLOW -> inner.get();
      case HIDDEN -> complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
      case FORBIDDEN -> complete(Problems.of(StatusCodes.FORBIDDEN,
          principal.id() + " may not " + action));
    };
  }

  /** Reads a JSON body into {@code type}; any problem becomes a 400/415 naming what is wrong. */
  protected <T> Route jsonBody(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return complete(Problems.of(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "the body must be application/json, not " + entity.getContentType().mediaType()));
      }
      return entity(Unmarshaller.entityToByteString(), bytes -> {
        T value;
        try {
          String body = utf8(bytes);
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

  /**
   * JSON is UTF-8 (RFC 8259). Bytes that are not (a lone surrogate, 0xFF, an overlong form)
   * are refused rather than silently replaced by U+FFFD and stored.
   */
  private static String utf8(ByteString bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.asByteBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("the body is not valid UTF-8");
    }
  }

  /** Translates Jackson's complaint into one that names the field and leaks nothing. */
  private static ApiException describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return ApiException.invalid(List.of(new Problem.FieldError(path(u),
          "is not a known field; known fields: " + u.getKnownPropertyIds())));
    }
    if (e instanceof MismatchedInputException m) {
      if (!m.getPath().isEmpty()) {
        String expected = m.getTargetType() != null ? m.getTargetType().getSimpleName() : "another type";
        return ApiException.invalid(List.of(new Problem.FieldError(path(m),
            "has the wrong type; expected " + jsonKind(expected))));
      }
      return ApiException.badRequest("the body must be a JSON object");
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      // e.g. a number beyond the range of its field's type
      return ApiException.invalid(List.of(new Problem.FieldError(path(m), "has a value out of range")));
    }
    var location = e.getLocation();
    String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    if (e instanceof JsonParseException p && p.getOriginalMessage().startsWith("Duplicate field")) {
      return ApiException.badRequest("malformed JSON: a field appears more than once" + where);
    }
    return ApiException.badRequest("malformed JSON" + where);
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

  /** Continues with the value, or completes with the problem the failure deserves. */
  /** A page of the incident list; a cursor that was not handed out for this query is a 400 naming it. */
  protected CompletionStage<IncidentQueries.Page<IncidentSummary>> incidentPage(IncidentQueries.IncidentFilter filter) {
    try {
      return api.queries().incidents(filter);
    } catch (IllegalArgumentException badCursor) {
      throw Params.invalid("cursor", badCursor.getMessage());
    }
  }

  protected <T> Route onReply(CompletionStage<T> result, Function<T, Route> inner) {
    return onComplete(result, attempt -> attempt.isSuccess()
        ? inner.apply(attempt.get())
        : complete(Problems.from(attempt.failed().get())));
  }

  /** Completes with {@code success(value)} or the problem the failure deserves. */
  protected <T> Route respond(CompletionStage<T> result, Function<T, HttpResponse> success) {
    return onReply(result, value -> complete(success.apply(value)));
  }

  protected static HttpResponse json(StatusCode status, Object body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, JsonSupport.write(body));
  }

  public static HttpResponse ok(Object body) {
    return json(StatusCodes.OK, body);
  }

  private static final org.slf4j.Logger streamLog = org.slf4j.LoggerFactory.getLogger(StreamRoutes.class);

  /** Sends the events with heartbeats, within the principal's share of streams. */
  protected Route stream(Principal p, Source<ServerSentEvent, NotUsed> events) {
    Optional<StreamLimits.Slot> taken = api.streamLimits().tryOpen(p.id());
    if (taken.isEmpty()) {
      return complete(Problems.of(StatusCodes.TOO_MANY_REQUESTS, p.id() + " already has "
              + api.streamLimits().maxPerPrincipal() + " streams open; close one first")
          .addHeader(RetryAfter.create(5L)));
    }
    StreamLimits.Slot slot = taken.get();
    // A connection that is gone before the response starts never runs the stream below.
    api.scheduler().scheduleOnce(StreamLimits.START_WITHIN, slot::releaseIfNotStarted, api.executor());
    Source<ServerSentEvent, NotUsed> watched = events
        .keepAlive(api.heartbeat(), ServerSentEvent::heartbeat)
        .watchTermination((mat, done) -> {
          slot.started();
          done.whenComplete((ok, failure) -> {
            slot.release();
            if (failure instanceof org.apache.pekko.stream.BufferOverflowException) {
              streamLog.warn("stream of {} disconnected: the client did not keep up and its buffer is full;"
                  + " it can resume with Last-Event-ID", p.id());
            } else if (failure != null) {
              streamLog.info("stream of {} ended: {}", p.id(), failure.toString());
            }
          });
          return mat;
        });
    return completeOK(watched, EventStreamMarshalling.toEventStream());
  }

  protected static long lastEventId(Optional<String> header) {
    if (header.isEmpty() || header.get().isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(header.get().strip());
      if (id < 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw Params.invalid("Last-Event-ID", "must be an id this stream sent (a non-negative number)");
    }
  }

  /**
   * The {@code region} parameter of a region's report (default: a command center's own region);
   * a bad one is added to {@code errors} (null returned), so that every bad field is named at once.
   */
  protected static String regionParam(java.util.Map<String, String> params, Principal p, List<Problem.FieldError> errors) {
    try {
      return Params.region(Optional.ofNullable(params.get("region")),
          p.is(org.schoolsafety.edge.auth.Role.COMMAND_CENTER) ? p.subject() : null);
    } catch (ApiException e) {
      errors.addAll(e.errors());
      return null;
    }
  }

  /** A region's registered schools from the read side, page after page, at most {@code max}. */
  protected final java.util.concurrent.CompletionStage<List<org.schoolsafety.persistence.readside.SchoolSummary>> allSchools(
      String region, int max) {
    return allSchools(region, null, new java.util.ArrayList<>(), max);
  }

  private java.util.concurrent.CompletionStage<List<org.schoolsafety.persistence.readside.SchoolSummary>> allSchools(
      String region, String after, List<org.schoolsafety.persistence.readside.SchoolSummary> found, int max) {
    return api.queries().schools(region, 1000, after).thenCompose(page -> {
      found.addAll(page.items());
      if (page.next() == null || found.size() >= max) {
        return java.util.concurrent.CompletableFuture.completedFuture(found);
      }
      return allSchools(region, page.next(), found, max);
    });
  }

  /** An agency's own profile tells its kind and jurisdiction (null for other principals, or if unknown). */
  protected final CompletionStage<org.schoolsafety.hub.agency.AgencyProfile> agencyProfileOf(Principal p) {
    return agencyProfileOf(p, api.askTimeout());
  }

  /** The same, within what is left of the ask timeout of a request that began at {@code started}. */
  protected final CompletionStage<org.schoolsafety.hub.agency.AgencyProfile> agencyProfileOf(Principal p, long started) {
    return agencyProfileOf(p, api.askTimeoutLeft(started));
  }

  private CompletionStage<org.schoolsafety.hub.agency.AgencyProfile> agencyProfileOf(Principal p,
      java.time.Duration timeout) {
    if (!p.is(org.schoolsafety.edge.auth.Role.AGENCY)) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    return agencies.profile(p.subject(), timeout)
        .handle((state, failure) -> failure == null && state.isRegistered() ? state.profile() : null);
  }
}
