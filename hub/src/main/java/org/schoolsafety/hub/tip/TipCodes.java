package org.schoolsafety.hub.tip;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Tip ids and follow-up codes.
 *
 * <p>A tip id is {@code tip-} + 64 random bits + a 64-bit tag (HMAC with the server key), so the
 * edge recognises an id it never issued without waking any entity: probing random ids neither
 * creates entities nor reaches the journal.
 *
 * <p>A follow-up code is 26 symbols of Crockford's base32 drawn from {@link SecureRandom}: 130
 * random bits, shown to the tipster once and stored only as HMAC-SHA256 under the server key's
 * {@code tip-follow-up-code} sub-key, over the tip id and the code. A slow password hash (bcrypt,
 * Argon2) earns its cost only for guessable secrets; nobody can search 2^130 codes, so a fast
 * keyed hash is enough, and the key means that even a copy of the journal does not let anyone test
 * guesses offline. Binding the tip id makes one tip's code worthless for another.
 */
public final class TipCodes {

  static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  public static final int CODE_SYMBOLS = 26;
  private static final Pattern ID = Pattern.compile("tip-[0-9a-f]{32}");

  private final ServerKey idKey;
  private final ServerKey codeKey;
  private final SecureRandom random = new SecureRandom();

  public TipCodes(ServerKey serverKey) {
    this.idKey = serverKey.forPurpose("tip-id");
    this.codeKey = serverKey.forPurpose("tip-follow-up-code");
  }

  public String newTipId() {
    byte[] nonce = new byte[8];
    random.nextBytes(nonce);
    String hex = HexFormat.of().formatHex(nonce);
    return "tip-" + hex + tag(hex);
  }

  /** Whether the hub issued this id (constant time in the tag). */
  public boolean isGenuine(String tipId) {
    if (tipId == null || !ID.matcher(tipId).matches()) {
      return false;
    }
    String nonce = tipId.substring(4, 20);
    return MessageDigest.isEqual(tag(nonce).getBytes(), tipId.substring(20).getBytes());
  }

  private String tag(String nonce) {
    return HexFormat.of().formatHex(Arrays.copyOf(idKey.mac(nonce), 8));
  }

  /** A new code, grouped by four for reading aloud and typing: {@code XXXX-XXXX-…-XX}. */
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

  /**
   * The stored form of a code: HMAC-SHA256 in hex. The code is normalised first (case, dashes,
   * spaces, O for 0, I and L for 1), so a code typed back by hand still matches; anything not of
   * the code's shape hashes to a value no tip holds.
   */
  public String hash(String tipId, String code) {
    return HexFormat.of().formatHex(codeKey.mac(tipId, normalize(code)));
  }

  static String normalize(String code) {
    if (code == null) {
      return "";
    }
    var out = new StringBuilder();
    for (char c : code.toUpperCase(Locale.ROOT).toCharArray()) {
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

  /** Compares two stored hashes in constant time (the entity's check of a presented code). */
  public static boolean matches(String expectedHash, String presentedHash) {
    if (expectedHash == null || presentedHash == null) {
      return false;
    }
    return MessageDigest.isEqual(expectedHash.getBytes(), presentedHash.getBytes());
  }
}
