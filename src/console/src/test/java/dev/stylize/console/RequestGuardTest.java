package dev.stylize.console;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestGuardTest {
    private final RequestGuard guard = new RequestGuard("127.0.0.1", 8765);

    private boolean serves(String method, String path, String host, String origin, String fetchSite) {
        return guard.refusal(method, path, host, origin, fetchSite).isEmpty();
    }

    @Test
    void answersAtItsOwnAddressesOnly() {
        assertTrue(serves("GET", "/", "127.0.0.1:8765", null, null));
        assertTrue(serves("GET", "/", "localhost:8765", null, null));
        assertTrue(serves("GET", "/", "[::1]:8765", null, null));
        assertTrue(!serves("GET", "/", "evil.example:8765", null, null), "a rebound name");
        assertTrue(!serves("GET", "/api/jobs", "stylize.attacker.test:8765", null, null), "a rebound name, API");
        assertTrue(!serves("GET", "/", "127.0.0.1:9999", null, null), "another port");
        assertTrue(!serves("GET", "/", "localhost", null, null), "port 80 is not ours");
        assertTrue(!serves("GET", "/", null, null, null), "no Host");
        assertTrue(!serves("GET", "/", "127.0.0.1:87650", null, null));
        assertTrue(!serves("GET", "/", "300.0.0.1:8765", null, null), "not an address");
    }

    @Test
    void aConfiguredHostNameIsItsOwn() {
        RequestGuard lan = new RequestGuard("studio.lan", 80);
        assertTrue(lan.refusal("GET", "/", "studio.lan", null, null).isEmpty());
        assertTrue(lan.refusal("GET", "/", "192.168.1.20", null, null).isEmpty());
        assertTrue(lan.refusal("GET", "/", "other.lan", null, null).isPresent());
    }

    @Test
    void writesComeFromTheConsolesOwnPageOnly() {
        assertTrue(serves("POST", "/api/submissions", "127.0.0.1:8765", "http://127.0.0.1:8765", "same-origin"));
        assertTrue(!serves("POST", "/api/submissions", "127.0.0.1:8765", "http://evil.example", "cross-site"));
        assertTrue(!serves("POST", "/api/submissions", "127.0.0.1:8765", "http://localhost:8765", "same-site"),
                "another origin, even of this machine");
        assertTrue(!serves("POST", "/api/submissions", "127.0.0.1:8765", null, null), "no Origin");
        assertTrue(!serves("POST", "/api/submissions", "127.0.0.1:8765", "null", null), "an opaque origin");
        assertTrue(!serves("PUT", "/api/check", "127.0.0.1:8765", "http://evil.example", null));
        assertEquals("writes are accepted only from the console's own page (Origin http://evil.example refused)",
                guard.refusal("POST", "/api/check", "127.0.0.1:8765", "http://evil.example", null).orElseThrow());
    }

    @Test
    void theApiServesNoOtherSite() {
        assertTrue(serves("GET", "/api/jobs", "127.0.0.1:8765", null, "same-origin"));
        assertTrue(serves("GET", "/api/jobs", "127.0.0.1:8765", null, "none"));
        assertTrue(serves("GET", "/api/jobs", "127.0.0.1:8765", null, null), "a command-line client");
        assertTrue(!serves("GET", "/api/image", "127.0.0.1:8765", null, "cross-site"), "an <img> on another site");
        assertTrue(!serves("GET", "/api/live", "127.0.0.1:8765", null, "same-site"), "another port's page");
        assertTrue(serves("GET", "/", "127.0.0.1:8765", null, "cross-site"), "a link to the console opens it");
    }
}
