package io.stsbroker.api;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.URLCredentialProvider;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.stsbroker.testing.AuthorizingProxy;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** Vending over real HTTP: what a granted caller gets, and what everyone else gets instead. */
@QuarkusTest
class CredentialsResourceTest {

    private static final String REPORTING = TestKeys.bearer(TestKeys.REPORTING);
    private static final String EXPIRATION = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    @TestHTTPResource("/")
    URL base;

    /** The broker's clock: other classes move it, so expirations are compared with it, never with Instant.now(). */
    @Inject
    MutableClock clock;

    private static String saToken(String namespace, String name) {
        return TestKeys.bearer(TestTokens.rs256("system:serviceaccount:" + namespace + ":" + name));
    }

    @Test
    void grantedCallerGetsEveryFieldWithNoStoreHeaders() {
        given().header("Authorization", REPORTING)
                .get("/v1/credentials/search-reader").then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .header("X-Request-Id", notNullValue())
                .body("accessKeyId", startsWith("STS."))
                .body("accessKeySecret", notNullValue())
                .body("securityToken", notNullValue())
                .body("expiration", matchesPattern(EXPIRATION))
                .body("role", equalTo("search-reader"))
                .body("roleArn", equalTo("acs:ram::1234567890123456:role/search-reader"))
                .body("sessionName", matchesPattern("key@reporting-[a-z2-7]{13}"));
    }

    @Test
    void handedOutCredentialHasMoreThanMinRemainingLeft() {
        String exp = given().header("Authorization", REPORTING).get("/v1/credentials/search-reader")
                .then().statusCode(200).extract().path("expiration");
        assertThat(Duration.between(clock.instant(), Instant.parse(exp))).isGreaterThan(Duration.ofMinutes(20));
    }

    @Test
    void secondCallReturnsTheCachedCredential() {
        String token = saToken("search", "cached-twice");
        Response first = given().header("Authorization", token).get("/v1/credentials/search-reader");
        Response second = given().header("Authorization", token).get("/v1/credentials/search-reader");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.<String>path("accessKeyId")).isEqualTo(first.path("accessKeyId"));
        assertThat(second.<String>path("securityToken")).isEqualTo(first.path("securityToken"));
    }

    @Test
    void differentCallersGetDifferentSessionsAndCredentials() {
        Response a = given().header("Authorization", saToken("search", "caller-a")).get("/v1/credentials/search-reader");
        Response b = given().header("Authorization", saToken("search", "caller-b")).get("/v1/credentials/search-reader");
        assertThat(a.<String>path("sessionName")).startsWith("search.caller-a-");
        assertThat(b.<String>path("sessionName")).startsWith("search.caller-b-");
        assertThat(a.<String>path("accessKeyId")).isNotEqualTo(b.path("accessKeyId"));
    }

    @Test
    void apiKeyAndLookalikeServiceAccountNeverShareACredential() {
        Response key = given().header("Authorization", REPORTING).get("/v1/credentials/shared-grant");
        Response sa = given().header("Authorization", saToken("apikey", "reporting")).get("/v1/credentials/shared-grant");
        assertThat(key.statusCode()).isEqualTo(200);
        assertThat(sa.statusCode()).isEqualTo(200);
        assertThat(key.<String>path("accessKeyId")).isNotEqualTo(sa.path("accessKeyId"));
        assertThat(key.<String>path("sessionName")).isNotEqualTo(sa.path("sessionName"));
    }

    @Test
    void unknownAndForbiddenRolesGetIdenticalForbiddenBodies() {
        Response unknown = given().header("Authorization", REPORTING).get("/v1/credentials/no-such-role");
        Response forbidden = given().header("Authorization", REPORTING).get("/v1/credentials/search-writer");
        for (Response r : new Response[] {unknown, forbidden}) {
            r.then().statusCode(403).contentType(ContentType.JSON).body("code", equalTo("Forbidden"));
        }
        assertThat(unknown.<String>path("message")).isEqualTo(forbidden.path("message"));
        assertThat(unknown.getBody().jsonPath().getMap("").keySet())
                .isEqualTo(forbidden.getBody().jsonPath().getMap("").keySet());
    }

    @Test
    void callerWithoutGrantGetsForbiddenWhateverItSends() {
        String nobody = TestKeys.bearer(TestKeys.NOBODY);
        given().header("Authorization", nobody).get("/v1/credentials/search-reader?format=bogus").then().statusCode(403);
        given().header("Authorization", nobody).contentType(ContentType.JSON)
                .body("{\"role\":\"search-reader\",\"durationSeconds\":\"abc\",\"policy\":7,\"junk\":true}")
                .post("/v1/credentials").then().statusCode(403).body("code", equalTo("Forbidden"));
    }

    @Test
    void postHonoursDurationWithinBounds() {
        String exp = given().header("Authorization", REPORTING).contentType(ContentType.JSON)
                .body("{\"role\":\"search-reader\",\"durationSeconds\":2400}")
                .post("/v1/credentials").then().statusCode(200).extract().path("expiration");
        // Minted now (no other test asks for this variant) on a clock that does not move meanwhile;
        // STS truncates its now to the second.
        Duration left = Duration.between(clock.instant(), Instant.parse(exp));
        assertThat(left).isBetween(Duration.ofSeconds(2399), Duration.ofSeconds(2400));
    }

    @Test
    void badDurationsAndPoliciesAreInvalidParameterAfterAuthorization() {
        String[] bodies = {
                "{\"role\":\"search-reader\",\"durationSeconds\":1800}",
                "{\"role\":\"search-reader\",\"durationSeconds\":3601}",
                "{\"role\":\"search-reader\",\"durationSeconds\":\"2400\"}",
                "{\"role\":\"search-reader\",\"durationSeconds\":2400.5}",
                "{\"role\":\"search-reader\",\"policy\":\"not json\"}",
                "{\"role\":\"search-reader\",\"policy\":{\"Version\":\"1\"}}",
                "{\"role\":\"search-reader\",\"policy\":\"{\\\"a\\\":\\\"" + "x".repeat(2050) + "\\\"}\"}",
                "{\"role\":\"scoped-reader\",\"policy\":\"{\\\"Version\\\":\\\"1\\\",\\\"Statement\\\":[]}\"}",
                "{\"role\":\"search-reader\",\"unknown\":1}",
        };
        for (String body : bodies) {
            given().header("Authorization", REPORTING).contentType(ContentType.JSON).body(body)
                    .post("/v1/credentials").then().statusCode(400)
                    .body("code", equalTo("InvalidParameter")).body("requestId", notNullValue());
        }
        given().header("Authorization", REPORTING).get("/v1/credentials/search-reader?format=xml")
                .then().statusCode(400).body("code", equalTo("InvalidParameter"));
    }

    @Test
    void callerPolicyNarrowsARoleWithoutOne() {
        given().header("Authorization", REPORTING).contentType(ContentType.JSON)
                .body("{\"role\":\"search-reader\",\"policy\":\"{\\\"Version\\\":\\\"1\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"opensearch:Search*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"}")
                .post("/v1/credentials").then().statusCode(200).body("role", equalTo("search-reader"));
    }

    @Test
    void malformedBodiesAreClearErrors() {
        given().header("Authorization", REPORTING).contentType(ContentType.JSON).body("{not json")
                .post("/v1/credentials").then().statusCode(400).body("code", equalTo("InvalidParameter"));
        given().header("Authorization", REPORTING).contentType(ContentType.JSON).body("[]")
                .post("/v1/credentials").then().statusCode(400).body("code", equalTo("InvalidParameter"));
        given().header("Authorization", REPORTING).contentType(ContentType.TEXT).body("role=search-reader")
                .post("/v1/credentials").then().statusCode(415).body("code", equalTo("UnsupportedMediaType"));
    }

    @Test
    void frameworkStatusesGetTheJsonErrorBody() {
        given().header("Authorization", REPORTING).get("/v1/nothing-here").then()
                .statusCode(404).contentType(ContentType.JSON).body("code", equalTo("NotFound"))
                .header("X-Request-Id", notNullValue());
        given().header("Authorization", REPORTING).delete("/v1/credentials/search-reader").then()
                .statusCode(405).contentType(ContentType.JSON).body("code", equalTo("MethodNotAllowed"));
        given().header("Authorization", REPORTING).accept("application/xml").get("/v1/credentials/search-reader").then()
                .statusCode(406).contentType(ContentType.JSON).body("code", equalTo("NotAcceptable"));
    }

    @Test
    void alibabaUriFormatIsReadByCredentialsJavasOwnUriProvider() throws Exception {
        try (AuthorizingProxy proxy = new AuthorizingProxy(base.toString().replaceAll("/$", ""), TestKeys.REPORTING)) {
            URLCredentialProvider provider = new URLCredentialProvider(
                    proxy.baseUrl() + "/v1/credentials/search-reader?format=alibaba-uri");
            CredentialModel model = provider.getCredentials();
            Response direct = given().header("Authorization", REPORTING).get("/v1/credentials/search-reader");
            assertThat(model.getAccessKeyId()).isEqualTo(direct.path("accessKeyId"));
            assertThat(model.getAccessKeySecret()).isEqualTo(direct.path("accessKeySecret"));
            assertThat(model.getSecurityToken()).isEqualTo(direct.path("securityToken"));
            assertThat(Instant.ofEpochMilli(model.getExpiration())).isEqualTo(Instant.parse(direct.path("expiration")));
        }
    }

    @Test
    void alibabaUriFormatHasExactlyTheFiveFieldsAndAcceptsBrowserAccept() {
        Response r = given().header("Authorization", REPORTING)
                .accept("text/html, image/gif, image/jpeg, */*; q=0.2")
                .get("/v1/credentials/search-reader?format=alibaba-uri");
        r.then().statusCode(200).body("Code", equalTo("Success")).body("Expiration", matchesPattern(EXPIRATION));
        assertThat(r.getBody().jsonPath().getMap("").keySet())
                .containsExactlyInAnyOrder("Code", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration");
    }

    @Test
    void rolesListsOnlyWhatTheCallerMayUse() {
        given().header("Authorization", REPORTING).get("/v1/roles").then().statusCode(200)
                .body("roles.name", org.hamcrest.Matchers.contains("scoped-reader", "search-reader", "shared-grant"))
                .body("roles[1].arn", equalTo("acs:ram::1234567890123456:role/search-reader"))
                .body("roles[1].durationSeconds", equalTo(3600));
        given().header("Authorization", saToken("search", "indexer")).get("/v1/roles").then().statusCode(200)
                .body("roles.name", org.hamcrest.Matchers.contains("search-reader", "search-writer"));
        given().header("Authorization", TestKeys.bearer(TestKeys.NOBODY)).get("/v1/roles").then().statusCode(200)
                .body("roles", org.hamcrest.Matchers.empty());
    }

    @Test
    void externalIdRoleVendsForItsCaller() {
        given().header("Authorization", TestKeys.bearer(TestKeys.OPS)).get("/v1/credentials/partner-role")
                .then().statusCode(200).body("sessionName", matchesPattern("key@ops-[a-z2-7]{13}"));
    }
}
