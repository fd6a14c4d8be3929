package org.schoolsafety.hub.guardian;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Guardian invitation codes and guardian ids.
 *
 * <p>A code is 20 symbols of Crockford's base32 (100 random bits from {@link SecureRandom}),
 * printed for a guardian on paper or sent by the school's own channel. The hub keeps only
 * HMAC-SHA256 under the server key's {@code guardian-invitation-code} sub-key, and that hash is
 * the invitation entity's id: the code is needed to find the invitation at all. As with tip
 * codes, 2^100 codes cannot be searched online, so a fast keyed hash is enough.
 */
public final class GuardianCodes {

  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  public static final int CODE_SYMBOLS = 20;

  private final ServerKey codeKey;
  private final SecureRandom random = new SecureRandom();

  public GuardianCodes(ServerKey serverKey) {
    this.codeKey = serverKey.forPurpose("guardian-invitation-code");
  }

  /** A new code, grouped by four: {@code XXXX-XXXX-XXXX-XXXX-XXXX}. */
  public String newCode() {
    var code = new StringBuilder();
    for (int i = 0; i < CODE_SYMBOLS; i++) {
      if (i > 0 && i % 4 == 0) {
        code.append('-');
      }
      code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** A new guardian id: {@code gdn-} and 64 random bits in hex. It names no one. */
  public String newGuardianId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return "gdn-" + HexFormat.of().formatHex(bytes);
  }

  /**
   * The invitation's id: the keyed hash of the normalised code (case, dashes and spaces ignored,
   * O read as 0, I and L as 1), so a code typed back by hand still matches.
   */
  public String hash(String code) {
    return HexFormat.of().formatHex(codeKey.mac("guardian-invitation", normalize(code)));
  }

  static String normalize(String code) {
    var out = new StringBuilder();
    for (char c : String.valueOf(code).toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || c == ' ') {
        continue;
      }
      out.append(c == 'O' ? '0' : (c == 'I' || c == 'L') ? '1' : c);
      if (out.length() > 64) {
        break;
      }
    }
    return out.toString();
  }

  /** Whether a presented code has the shape of one (anything else is not worth an entity). */
  public static boolean wellFormed(String code) {
    String n = normalize(code);
    if (n.length() != CODE_SYMBOLS) {
      return false;
    }
    for (char c : n.toCharArray()) {
      if (ALPHABET.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
