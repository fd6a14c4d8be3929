package org.schoolsafety.edge.api;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * The profiles of registered schools as this node has seen them. A profile never changes once
 * registered (registering a different one is a conflict) and schools are not deleted, so a
 * remembered profile is never stale: a report asks the School entity only the first time a node
 * sees its school. That keeps a busy school's entity (which records every incident notice) off
 * the path of every report, and lets reports for a school be accepted while its shard is moving
 * after a node died. Failed or refused lookups are not remembered.
 */
final class SchoolProfiles {

  static final long MAX_SCHOOLS = 200_000;

  private final AsyncCache<String, SchoolProfile> known;
  private final Function<String, CompletionStage<SchoolProfile>> lookup;

  SchoolProfiles(Function<String, CompletionStage<SchoolProfile>> lookup, long maxSchools) {
    this.lookup = lookup;
    this.known = Caffeine.newBuilder().maximumSize(maxSchools).buildAsync();
  }

  /** The school's profile; fails as the lookup fails (e.g. not registered). */
  CompletionStage<SchoolProfile> get(String schoolId) {
    return known.get(schoolId, (id, executor) -> lookup.apply(id).toCompletableFuture());
  }

  /** How many profiles are remembered, after any eviction due has run. */
  long remembered() {
    known.synchronous().cleanUp();
    return known.synchronous().estimatedSize();
  }
}
