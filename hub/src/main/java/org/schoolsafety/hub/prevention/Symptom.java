package org.schoolsafety.hub.prevention;

/** Symptoms counted at morning and noon checks. OTHER is not "similar": it never forms a cluster. */
public enum Symptom {
  FEVER,
  COUGH,
  DIARRHOEA,
  VOMITING,
  RASH,
  JAUNDICE,
  OTHER
}
