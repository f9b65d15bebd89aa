package io.stsbroker.auth;

import io.restassured.response.ValidatableResponse;
import io.stsbroker.testing.TestKeys;

import static io.restassured.RestAssured.given;

/** Requests to {@code /api/v1/status} with a bearer token, for the key-format tests. */
final class KeyFormats {

    private KeyFormats() {
    }

    static ValidatableResponse status(String token) {
        return given().header("Authorization", TestKeys.bearer(token)).get("/api/v1/status").then();
    }
}
