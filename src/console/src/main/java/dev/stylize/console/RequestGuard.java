package dev.stylize.console;

import java.util.Locale;
import java.util.Optional;

/**
 * Keeps other web pages in the user's browser away from the console, which acts with the user's
 * AWS credentials:
 * <ul>
 *   <li>the Host must be the console's own address (a name that is not an IP address,
 *       {@code localhost} or the configured host is DNS rebinding: another site's page that
 *       resolves its name to 127.0.0.1);</li>
 *   <li>a write (anything but GET and HEAD) must come from the console's own origin, as its
 *       Origin header says;</li>
 *   <li>the API answers no request a browser marks as coming from another site
 *       ({@code Sec-Fetch-Site}), so no page embeds its images or live updates.</li>
 * </ul>
 */
record RequestGuard(String configuredHost, int port) {
    RequestGuard {
        configuredHost = configuredHost.toLowerCase(Locale.ROOT);
    }

    /** Why the request is refused, or empty to serve it. Header values may be null (absent). */
    Optional<String> refusal(String method, String path, String host, String origin, String fetchSite) {
        if (host == null || !isOwnHost(host)) {
            return Optional.of("this console answers only at its own address (Host " + host + " refused)");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            if (origin == null || !origin.equalsIgnoreCase("http://" + host)) {
                return Optional.of("writes are accepted only from the console's own page (Origin " + origin + " refused)");
            }
        }
        if (path.startsWith("/api/") && fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return Optional.of("the console's API serves only its own page (Sec-Fetch-Site " + fetchSite + " refused)");
        }
        return Optional.empty();
    }

    private boolean isOwnHost(String hostHeader) {
        String value = hostHeader.toLowerCase(Locale.ROOT);
        String name;
        String portText;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = value.substring(0, end + 1);
            portText = value.substring(end + 1);
        } else {
            int colon = value.lastIndexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
            portText = colon < 0 ? "" : value.substring(colon);
        }
        int requestPort;
        try {
            requestPort = portText.isEmpty() ? 80 : Integer.parseInt(portText.substring(1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (requestPort != port) {
            return false;
        }
        return name.equals("localhost") || name.equals(configuredHost) || isIpLiteral(name);
    }

    /** An address typed as such can not be re-pointed by DNS. */
    private static boolean isIpLiteral(String name) {
        return name.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")
                || name.matches("\\[[0-9a-f:.]+]");
    }
}
