package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A projection handler's statements, prepared once in its {@code start()}, all at once. */
final class Statements {

  private Statements() {}

  /** Completes with the prepared statements in the order given, once all are prepared. */
  static CompletionStage<List<PreparedStatement>> all(List<CompletionStage<PreparedStatement>> preparing) {
    var futures = preparing.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }
}
