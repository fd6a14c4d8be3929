package org.schoolsafety.edge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;

/**
 * CSV answers for the evaluation, spending and priorities tables (issue 18): the same rows as the
 * JSON answer's table, one CSV row per JSON row, for people who open them in a spreadsheet and for
 * scripts. {@code format=csv} (or {@code Accept: text/csv} without {@code format}) picks CSV;
 * {@code table=} picks which of the answer's tables (one CSV holds one table).
 *
 * <p>Columns are the rows' fields in the JSON's order; nested objects become dotted columns
 * ({@code acknowledgements.POLICE.p50Seconds}, {@code change.initialReportsLate}), lists of ids
 * one cell with the ids separated by spaces. RFC 4180 quoting (a cell with a comma, quote, CR or LF
 * is quoted, quotes doubled), CRLF line ends, UTF-8 with a byte-order mark so that spreadsheet
 * programs read Chinese names as UTF-8. Text cells that a spreadsheet would run as a formula
 * (starting with {@code = + - @}, tab or CR) get a leading apostrophe; numbers never do.
 */
final class CsvTables {

  /** What the caller asked for: JSON, or the CSV of one table. */
  record Choice(boolean csv, String table) {

    /** The JSON body, or the CSV of {@code table} from it, named {@code name-table.csv}. */
    HttpResponse respond(Object body, String name) {
      if (!csv) {
        return RouteSupport.ok(body);
      }
      JsonNode tree = TREES.valueToTree(body);
      String csvText = write(tree.path(table));
      return HttpResponse.create()
          .withEntity(ContentTypes.TEXT_CSV_UTF8, csvText.getBytes(StandardCharsets.UTF_8))
          .addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
              Map.of("filename", name + "-" + table + ".csv")));
    }
  }

  private static final String BOM = "\uFEFF";
  /** The JSON answer's own mapper, keeping decimals as written (12500.50, not 12500.5). */
  private static final ObjectMapper TREES = JsonSupport.mapper().copy()
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private CsvTables() {}

  /**
   * Reads {@code format} ({@code json} or {@code csv}) and {@code table} (one of {@code tables}, the
   * first by default); bad values join {@code errors} naming the parameter.
   */
  static Choice choose(Map<String, String> params, Optional<String> accept, List<String> tables,
      List<Problem.FieldError> errors) {
    String format = params.get("format");
    boolean csv;
    if (format == null) {
      csv = accept.map(a -> a.toLowerCase(Locale.ROOT).contains("text/csv")).orElse(false);
    } else if (format.equals("csv") || format.equals("json")) {
      csv = format.equals("csv");
    } else {
      errors.add(new Problem.FieldError("format", "must be json or csv"));
      csv = false;
    }
    String table = params.getOrDefault("table", tables.get(0));
    if (!tables.contains(table)) {
      errors.add(new Problem.FieldError("table", "must be one of " + String.join(", ", tables)));
    }
    return new Choice(csv, table);
  }

  /** The rows of a JSON array as CSV: a header row of every column, then one line per row. */
  static String write(JsonNode rows) {
    var flat = new ArrayList<Map<String, String>>();
    var columns = new LinkedHashSet<String>();
    if (rows.isArray()) {
      for (JsonNode row : rows) {
        var cells = new LinkedHashMap<String, String>();
        flatten("", row, cells);
        columns.addAll(cells.keySet());
        flat.add(cells);
      }
    }
    var out = new StringBuilder(BOM);
    if (columns.isEmpty()) {
      return out.toString();
    }
    line(out, new ArrayList<>(columns));
    for (Map<String, String> cells : flat) {
      line(out, columns.stream().map(c -> cells.getOrDefault(c, "")).toList());
    }
    return out.toString();
  }

  private static void flatten(String prefix, JsonNode value, Map<String, String> cells) {
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        var field = it.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), cells);
      }
    } else if (value.isArray()) {
      var joined = new StringJoiner(" ");
      value.forEach(v -> joined.add(v.isValueNode() ? v.asText() : v.toString()));
      cells.put(prefix, joined.toString());
    } else if (value.isNull() || value.isMissingNode()) {
      cells.put(prefix, "");
    } else if (value.isTextual()) {
      cells.put(prefix, defused(value.asText()));
    } else {
      cells.put(prefix, value.asText());
    }
  }

  /** A text a spreadsheet would take for a formula, made plain text. */
  private static String defused(String text) {
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      return "'" + text;
    }
    return text;
  }

  private static void line(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quoted(cells.get(i)));
    }
    out.append("\r\n");
  }

  static String quoted(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
