package dev.stylize.console;

import dev.stylize.plan.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body as a browser's {@code FormData} sends it (RFC 7578), read
 * whole: the server bounds the body's size before reading it.
 */
record MultipartForm(Map<String, Part> parts) {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("[; ]filename=\"([^\"]*)\"");
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    /** A field; {@code fileName} is null for a plain value. */
    record Part(String name, String fileName, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    Optional<Part> part(String name) {
        return Optional.ofNullable(parts.get(name));
    }

    static MultipartForm parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || !m.find()) {
            throw new InvalidInputException("expected a multipart/form-data submission");
        }
        String boundary = m.group(1) != null ? m.group(1) : m.group(2);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] separator = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw malformed();
        }
        at += delimiter.length;
        while (true) {
            if (startsWith(body, at, new byte[]{'-', '-'})) {
                return new MultipartForm(parts);
            }
            if (!startsWith(body, at, CRLF)) {
                throw malformed();
            }
            int headersEnd = indexOf(body, HEADERS_END, at + 2);
            if (headersEnd < 0) {
                throw malformed();
            }
            String headers = new String(body, at + 2, headersEnd - at - 2, StandardCharsets.UTF_8);
            int contentStart = headersEnd + HEADERS_END.length;
            int contentEnd = indexOf(body, separator, contentStart);
            if (contentEnd < 0) {
                throw malformed();
            }
            Matcher name = NAME.matcher(headers);
            if (name.find()) {
                Matcher file = FILE_NAME.matcher(headers);
                byte[] bytes = Arrays.copyOfRange(body, contentStart, contentEnd);
                parts.put(name.group(1), new Part(name.group(1), file.find() ? file.group(1) : null, bytes));
            }
            at = contentEnd + separator.length;
        }
    }

    private static InvalidInputException malformed() {
        return new InvalidInputException("the submission is not well-formed multipart/form-data");
    }

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        return at + prefix.length <= data.length && Arrays.equals(data, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        for (int i = from; i <= data.length - pattern.length; i++) {
            if (data[i] == pattern[0] && startsWith(data, i, pattern)) {
                return i;
            }
        }
        return -1;
    }
}
