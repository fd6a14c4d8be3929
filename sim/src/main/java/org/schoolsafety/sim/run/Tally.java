package org.schoolsafety.sim.run;

import java.util.concurrent.atomic.AtomicLong;

/** Running counts of what the simulator did, for the progress line (not for the report's figures). */
final class Tally {
  final AtomicLong reportsDone = new AtomicLong();
  final AtomicLong followUpsDone = new AtomicLong();
  final AtomicLong requestsDone = new AtomicLong();
  final AtomicLong acksSent = new AtomicLong();
  final AtomicLong acksScheduled = new AtomicLong();
  final AtomicLong withheld = new AtomicLong();
  final AtomicLong escalationsSeen = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
}
