package org.schoolsafety.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain JDK HTTP client talking to a running node, as an agency system or a school would. */
final class HubClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final HttpClient http;
  private final String base;
  private final String token;

  HubClient(int port) {
    this(HTTP, "http://127.0.0.1:" + port, null);
  }

  HubClient(HttpClient http, String base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** The same client, sending this bearer token. */
  HubClient withToken(String bearer) {
    return new HubClient(http, base, bearer);
  }

  /** The same client, acting as this principal (a token signed with the test secret). */
  HubClient as(org.schoolsafety.edge.auth.Role role, String subject) {
    return withToken(TestNode.token(role, subject));
  }

  record Response(int status, String contentType, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  Response get(String path, Map<String, String> headers) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers.forEach(builder::header);
    return send(builder);
  }

  /**
   * For endpoints that stream: the status and, for a refusal, the problem; a stream that was
   * granted is closed at once (its body is not read, so {@code raw} is null).
   */
  Response getHeadersOnly(String path) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<java.io.InputStream> response = http.send(builder.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.InputStream in = response.body()) {
        JsonNode body = response.statusCode() >= 400 ? JSON.readTree(in) : null;
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body, null);
      }
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  Response post(String path, Object body) {
    return postRaw(path, body instanceof String s ? s : write(body), "application/json", Map.of());
  }

  Response post(String path, Object body, Map<String, String> headers) {
    return postRaw(path, write(body), "application/json", headers);
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  Response postRaw(String path, String body, String contentType, Map<String, String> headers) {
    var builder = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(builder::header);
    return send(builder);
  }

  private Response send(HttpRequest.Builder builder) {
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(builder.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
      return new Response(response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""), body, response);
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
