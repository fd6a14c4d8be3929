package org.schoolsafety.hub.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignedCursorTest {

  private final ServerKey key = ServerKey.of("a server key of thirty-two bytes".getBytes(StandardCharsets.US_ASCII))
      .forPurpose("test-cursor");

  @Test
  void opensWhatItSealedForTheSameQueryOnly() {
    String cursor = SignedCursor.seal(key, "2026-12-03T08:00:00.123456789Z|inc-7", "agency|open");
    assertThat(SignedCursor.open(key, cursor, "agency|open")).isEqualTo("2026-12-03T08:00:00.123456789Z|inc-7");
    assertThatThrownBy(() -> SignedCursor.open(key, cursor, "agency|all")).isInstanceOf(IllegalArgumentException.class);
    var otherKey = ServerKey.of("another key, also thirty-two byte".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> SignedCursor.open(otherKey, cursor, "agency|open"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesForgedAndGarbledCursorsWithOneMessage() {
    String cursor = SignedCursor.seal(key, "2026-12-03|-|-", "q");
    String forged = SignedCursor.seal(key, "2106-01-01|-|-", "q").split("\\.")[0] + "." + cursor.split("\\.")[1];
    for (String bad : new String[] {forged, "x" + cursor, "no-dot", ".", "%%%.%%%"}) {
      assertThatThrownBy(() -> SignedCursor.open(key, bad, "q")).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("is not a cursor this API handed out for this query");
    }
  }
}
