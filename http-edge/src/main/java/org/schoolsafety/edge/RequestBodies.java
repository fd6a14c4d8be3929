package org.schoolsafety.edge;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.schoolsafety.edge.api.ParsingProblems;

/**
 * Reads a request body that did not arrive in one piece before the routes see it, so the node
 * never answers while the client is still sending.
 *
 * <p>Why: a route refuses a body over its limit (413) without reading it, and Pekko HTTP then
 * closes the connection with the rest of the body unread. TCP answers the bytes still arriving
 * with a reset, and the reset makes the client lose the 413 it had not read yet: it sees no
 * answer at all (RFC 9112, section 9.6). Reading the body to its end first leaves nothing unread.
 *
 * <p>What the routes get: the body in memory, if it is within the limit of its endpoint; else an
 * entity that declares the body's true length and fails like any body over the limit, so each
 * route answers as it always did (401 without a token, 413 with one). Only the bytes up to the
 * limit are kept; the rest is read and thrown away. A body declared or found larger
 * than {@code readUpTo} is not worth reading: the node answers 413 at once and closes.
 */
final class RequestBodies {

  private final long readUpTo;
  private final ToLongFunction<HttpRequest> limit;

  /**
   * @param readUpTo the most the node reads of a body it will refuse
   * @param limit the largest body the endpoint of a request accepts
   */
  RequestBodies(long readUpTo, ToLongFunction<HttpRequest> limit) {
    this.readUpTo = readUpTo;
    this.limit = limit;
  }

  /** A request for the routes, with its body read, or the answer to a body too large to read. */
  record Read(HttpRequest request, HttpResponse refusal) {}

  CompletionStage<Read> read(HttpRequest request, Materializer materializer) {
    RequestEntity entity = request.entity();
    if (entity.isStrict() || entity.isKnownEmpty()) {
      return CompletableFuture.completedFuture(new Read(request, null));
    }
    long accepted = limit.applyAsLong(request);
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > readUpTo) {
      return CompletableFuture.completedFuture(new Read(null, ParsingProblems.bodyTooLarge(accepted)));
    }
    return entity.withSizeLimit(readUpTo).getDataBytes()
        .runWith(Sink.fold(new Body(accepted), Body::add), materializer)
        .thenApply(body -> new Read(request.withEntity(body.entity(entity.getContentType())), null))
        .exceptionally(failure -> {
          if (unwrap(failure) instanceof EntityStreamSizeException) {
            return new Read(null, ParsingProblems.bodyTooLarge(accepted));
          }
          throw new CompletionException(unwrap(failure)); // the client went away mid-body
        });
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** What has arrived of a body: its length, and its first bytes, one more than the endpoint takes. */
  private static final class Body {
    private final long limit;
    private final ByteStringBuilder kept = new ByteStringBuilder();
    private long length;

    Body(long limit) {
      this.limit = limit;
    }

    Body add(ByteString chunk) {
      length += chunk.size();
      long room = limit + 1 - kept.length();
      if (room > 0) {
        kept.append(chunk.take((int) Math.min(room, chunk.size())));
      }
      return this;
    }

    /**
     * In memory, or, past the endpoint's limit, an entity of the body's true length whose first
     * bytes are there: reading it fails as too large at the byte past the limit, as the original
     * would have.
     */
    RequestEntity entity(ContentType type) {
      if (length <= limit) {
        return HttpEntities.create(type, kept.result());
      }
      // A request's entity stays one with a size limit applied (Pekko's Java API loses the type).
      return (RequestEntity) HttpEntities.create(type, length, Source.single(kept.result())).withSizeLimit(limit);
    }
  }
}
