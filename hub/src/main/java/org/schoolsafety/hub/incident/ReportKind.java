package org.schoolsafety.hub.incident;

/** Initial report when the incident is raised, continuations while it lasts, a final one. */
public enum ReportKind {
  INITIAL,
  CONTINUATION,
  FINAL
}
