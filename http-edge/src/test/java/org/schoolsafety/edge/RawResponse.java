package org.schoolsafety.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.1 response with a Content-Length body, read off a raw socket (tests of connection handling). */
record RawResponse(int status, String headers, String text) {

  static RawResponse read(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response's head: " + head);
      }
      head.write(b);
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int status = Integer.parseInt(headers.substring(9, 12));
    int length = headers.lines()
        .filter(l -> l.toLowerCase().startsWith("content-length:"))
        .mapToInt(l -> Integer.parseInt(l.substring(15).strip()))
        .findFirst().orElse(0);
    return new RawResponse(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  /** The head and the body as they came. */
  String whole() {
    return headers + text;
  }
}
