package io.stsbroker.api;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stsbroker.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 500 connections that each send half a request (the request line and part of the headers) and
 * stall are all closed by the broker once {@code quarkus.http.idle-timeout} passes (2 s in this
 * profile; 15 s in production), and a normal request made while they hang gets its 200. That the
 * production value is short is checked by {@link SlowClientsDefaultsTest}.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.ShortIdleTimeout.class)
class SlowClientsTest {

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2s", "broker.request-timeout", "1s");
        }
    }

    private static final int CONNECTIONS = 500;
    /** A connection still open this long after it stalled counts as not closed: several idle timeouts. */
    private static final int GIVE_UP_MILLIS = 20_000;

    @TestHTTPResource("/")
    URL base;

    @Test
    void halfSentRequestsAreClosedAndANormalRequestIsServedMeanwhile() throws Exception {
        byte[] half = ("GET /v1/credentials/search-reader HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer test-key-rep").getBytes(StandardCharsets.US_ASCII);
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket(base.getHost(), base.getPort());
                s.getOutputStream().write(half, 0, i % 2 == 0 ? half.length : 20); // headers, or half the request line
                s.getOutputStream().flush();
                sockets.add(s);
            }

            given().header("Authorization", TestKeys.bearer(TestKeys.REPORTING)).get("/v1/credentials/search-reader")
                    .then().statusCode(200);

            int closed = 0;
            List<String> open = new ArrayList<>();
            for (Socket s : sockets) {
                s.setSoTimeout(GIVE_UP_MILLIS);
                try (InputStream in = s.getInputStream()) {
                    int b = in.read();
                    if (b == -1) {
                        closed++;
                    } else {
                        open.add("answered instead of closing: first byte " + b);
                    }
                } catch (SocketTimeoutException e) {
                    open.add("still open after " + GIVE_UP_MILLIS + " ms");
                } catch (SocketException e) {
                    closed++; // reset by the server: closed as well
                }
            }
            assertThat(open).as("connections the broker did not close").isEmpty();
            assertThat(closed).isEqualTo(CONNECTIONS);
        } finally {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing our end only
                }
            }
        }
    }
}
