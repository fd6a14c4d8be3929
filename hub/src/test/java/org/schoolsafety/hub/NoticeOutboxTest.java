package org.schoolsafety.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoticeOutboxTest {

  private final List<String> sent = new ArrayList<>();
  private int retries;
  private boolean receiverExists = true;
  private final NoticeOutbox<String> outbox = new NoticeOutbox<>((target, notice) -> {
    if (!receiverExists) {
      return false;
    }
    sent.add(target + "=" + notice);
    return true;
  }, () -> retries++);

  private static Map<String, String> notices(String... pairs) {
    var map = new LinkedHashMap<String, String>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void onlyWhatChangedIsSentAndOneNoticePerReceiverIsInFlight() {
    outbox.sendChanges(notices(), notices("agency:a", "v1", "school:s", "v1"));
    assertThat(sent).containsExactly("agency:a=v1", "school:s=v1");
    // a newer notice for a while the first is in flight waits; a still newer one replaces it
    outbox.sendChanges(notices("agency:a", "v1", "school:s", "v1"), notices("agency:a", "v2", "school:s", "v1"));
    outbox.sendChanges(notices("agency:a", "v2", "school:s", "v1"), notices("agency:a", "v3", "school:s", "v1"));
    assertThat(sent).containsExactly("agency:a=v1", "school:s=v1");
    assertThat(outbox.settled("agency:a", true)).isFalse();
    assertThat(sent).containsExactly("agency:a=v1", "school:s=v1", "agency:a=v3");
    outbox.settled("agency:a", true);
    outbox.settled("school:s", true);
    assertThat(outbox.isIdle()).isTrue();
    assertThat(retries).isZero();
  }

  @Test
  void aNoticeNotConfirmedIsOfferedAgainUnlessANewerOneTookItsPlace() {
    outbox.sendAll(notices("agency:a", "v1", "agency:b", "v1"));
    assertThat(outbox.settled("agency:a", false)).isTrue();
    assertThat(retries).isEqualTo(1);
    assertThat(outbox.isIdle()).isFalse();
    outbox.flush();
    assertThat(sent).containsExactly("agency:a=v1", "agency:b=v1", "agency:a=v1");
    // b failed, but a newer notice for b is already waiting: that one goes, not the older
    outbox.sendChanges(notices("agency:b", "v1"), notices("agency:b", "v2"));
    outbox.settled("agency:b", false);
    outbox.flush();
    assertThat(sent).endsWith("agency:b=v2");
    assertThat(sent).filteredOn(s -> s.equals("agency:b=v1")).hasSize(1);
  }

  @Test
  void aReceiverThisSetupDoesNotHaveIsDroppedNotKeptForever() {
    receiverExists = false;
    outbox.sendAll(notices("prevention:s", "v1"));
    assertThat(sent).isEmpty();
    assertThat(outbox.isIdle()).isTrue();
  }
}
