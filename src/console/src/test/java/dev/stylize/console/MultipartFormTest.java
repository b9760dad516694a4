package dev.stylize.console;

import dev.stylize.plan.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultipartFormTest {
    @Test
    void readsFieldsAndFilesAsBrowsersSendThem() {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', '-', '-', 0, (byte) 0xFF};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("""
                ------WebKitFormBoundaryA1b2\r
                Content-Disposition: form-data; name="photo"; filename="hafen am abend ü.png"\r
                Content-Type: image/png\r
                \r
                """.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(image);
        body.writeBytes("""
                \r
                ------WebKitFormBoundaryA1b2\r
                Content-Disposition: form-data; name="spec"\r
                \r
                {"styles":[{"name":"swirls"}]}\r
                ------WebKitFormBoundaryA1b2--\r
                """.getBytes(StandardCharsets.UTF_8));
        MultipartForm form = MultipartForm.parse("multipart/form-data; boundary=----WebKitFormBoundaryA1b2", body.toByteArray());

        MultipartForm.Part photo = form.part("photo").orElseThrow();
        assertEquals("hafen am abend ü.png", photo.fileName());
        assertArrayEquals(image, photo.bytes(), "binary content, CR LF and dashes included");
        MultipartForm.Part spec = form.part("spec").orElseThrow();
        assertNull(spec.fileName());
        assertEquals("{\"styles\":[{\"name\":\"swirls\"}]}", spec.text());
        assertTrue(form.part("other").isEmpty());
    }

    @Test
    void refusesWhatIsNotMultipart() {
        assertThrows(InvalidInputException.class, () -> MultipartForm.parse("application/json", "{}".getBytes()));
        assertThrows(InvalidInputException.class, () -> MultipartForm.parse("multipart/form-data; boundary=x",
                "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".getBytes()));
    }
}
