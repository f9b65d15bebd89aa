package io.stsbroker.sts.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.testsupport.MutableClock;
import io.stsbroker.sts.RpcSignature;
import io.stsbroker.sts.RpcTimestamps;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded STS's protocol rules, without HTTP; the clock is moved by hand. */
class AssumeRoleHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00.750Z");
    private static final String ROLE = "acs:ram::1234567890123456:role/search-reader";

    private final EmbeddedStsKeys keys = EmbeddedStsKeys.of("LTAItestkey", "testsecret", new byte[32]);
    private final MutableClock clock = new MutableClock(NOW);
    private final AssumeRoleHandler handler = new AssumeRoleHandler(keys, clock);

    /**
     * A correctly signed POST AssumeRole; an override with a null value removes the parameter (before
     * signing, so the rest stays valid), except {@code Signature}, which is then left out.
     */
    private Map<String, String> request(String... overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("Action", "AssumeRole");
        p.put("Format", "JSON");
        p.put("Version", "2015-04-01");
        p.put("AccessKeyId", keys.accessKeyId());
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", UUID.randomUUID().toString());
        p.put("Timestamp", RpcTimestamps.format(clock.instant()));
        p.put("RoleArn", ROLE);
        p.put("RoleSessionName", "indexer");
        p.put("DurationSeconds", "3600");
        boolean unsigned = false;
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i].equals("Signature") && overrides[i + 1] == null) {
                unsigned = true;
            } else if (overrides[i + 1] == null) {
                p.remove(overrides[i]);
            } else {
                p.put(overrides[i], overrides[i + 1]);
            }
        }
        if (!unsigned && !p.containsKey("Signature")) {
            p.put("Signature", RpcSignature.sign("POST", p, keys.accessKeySecret()));
        }
        return p;
    }

    private StsReply post(Map<String, String> params) {
        return handler.handle("POST", params);
    }

    private static JsonNode json(StsReply reply) throws Exception {
        return JSON.readTree(reply.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void signedAssumeRoleReturnsRealLookingCredentialsExpiringAfterTheDuration() throws Exception {
        StsReply reply = post(request("DurationSeconds", "900"));
        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = json(reply);
        assertThat(fieldNames(body)).containsExactly("RequestId", "AssumedRoleUser", "Credentials");
        assertThat(body.get("RequestId").asText()).matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}");
        assertThat(body.at("/AssumedRoleUser/Arn").asText())
                .isEqualTo("acs:ram::1234567890123456:assumed-role/search-reader/indexer");
        assertThat(body.at("/AssumedRoleUser/AssumedRoleId").asText()).matches("\\d{18}:indexer");
        JsonNode creds = body.get("Credentials");
        assertThat(fieldNames(creds)).containsExactly("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration");
        assertThat(creds.get("AccessKeyId").asText()).matches("STS\\.[A-Za-z0-9]{28}");
        assertThat(creds.get("AccessKeySecret").asText()).matches("[A-Za-z0-9]{44}");
        // Whole seconds: now (12:00:00.750) truncated, plus 900 s.
        assertThat(creds.get("Expiration").asText()).isEqualTo("2026-11-27T12:15:00Z");
        assertThat(EmbeddedSecurityToken.verify(creds.get("SecurityToken").asText(), creds.get("AccessKeyId").asText(),
                clock.instant(), keys.tokenKey())).isEqualTo(Verdict.VALID);
    }

    @Test
    void durationDefaultsToOneHour() throws Exception {
        StsReply reply = post(request("DurationSeconds", null));
        assertThat(json(reply).at("/Credentials/Expiration").asText()).isEqualTo("2026-11-27T13:00:00Z");
    }

    @Test
    void getRequestsAreVerifiedWithTheGetStringToSign() {
        Map<String, String> p = request("Signature", null);
        p.put("Signature", RpcSignature.sign("GET", p, keys.accessKeySecret()));
        assertThat(handler.handle("GET", p).status()).isEqualTo(200);
        assertThat(handler.handle("POST", request("SignatureNonce", "fresh", "Signature", p.get("Signature"))).code())
                .isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void errorBodyHasExactlyTheAlibabaFields() throws Exception {
        StsReply reply = post(request("AccessKeyId", "LTAIunknown"));
        JsonNode body = json(reply);
        assertThat(fieldNames(body)).containsExactly("RequestId", "HostId", "Code", "Message", "Recommend");
        assertThat(body.get("HostId").asText()).isEqualTo("sts.aliyuncs.com");
        assertThat(body.get("RequestId").asText()).isEqualTo(reply.requestId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce",
            "Timestamp", "Action", "Version"})
    void aMissingCommonParameterIsNamedInTheCode(String name) {
        StsReply reply = post(request(name, null));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("Missing" + name);
    }

    @ParameterizedTest
    @CsvSource({
            "SignatureMethod, HMAC-SHA256, 400, InvalidSignatureMethod",
            "SignatureVersion, 2.0, 400, InvalidSignatureVersion",
            "Version, 2019-01-01, 400, InvalidVersion",
            "AccessKeyId, LTAIunknown, 404, InvalidAccessKeyId.NotFound",
            "Timestamp, 2026-11-27 12:00:00, 400, InvalidTimeStamp.Format",
            "Timestamp, 2026-11-27T12:00:00.000Z, 400, InvalidTimeStamp.Format",
            "Timestamp, 2026-11-27T11:44:59Z, 400, InvalidTimeStamp.Expired",
            "Timestamp, 2026-11-27T12:16:00Z, 400, InvalidTimeStamp.Expired",
            "Action, GetCallerIdentity, 404, InvalidAction.NotFound"})
    void commonParameterErrorsHaveTheAlibabaCodeAndStatus(String name, String value, int status, String code) {
        StsReply reply = post(request(name, value));
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.code()).isEqualTo(code);
    }

    @Test
    void timestampsWithinFifteenMinutesEitherWayAreAccepted() {
        assertThat(post(request("Timestamp", "2026-11-27T11:45:01Z")).status()).isEqualTo(200);
        assertThat(post(request("Timestamp", "2026-11-27T12:14:59Z")).status()).isEqualTo(200);
    }

    @Test
    void theWindowFollowsTheInjectedClock() {
        Map<String, String> signedNow = request();
        clock.advance(Duration.ofMinutes(16));
        assertThat(post(signedNow).code()).isEqualTo("InvalidTimeStamp.Expired");
    }

    @Test
    void aWrongSecretDoesNotMatchAndTheMessageQuotesTheServerStringToSign() throws Exception {
        Map<String, String> p = request("Signature", "placeholder");
        p.put("Signature", RpcSignature.sign("POST", p, "wrong-secret"));
        StsReply reply = post(p);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("SignatureDoesNotMatch");
        assertThat(json(reply).get("Message").asText()).endsWith(RpcSignature.stringToSign("POST", p));
    }

    @Test
    void checksRunInOrderKeyBeforeTimestampBeforeSignature() {
        assertThat(post(request("AccessKeyId", "LTAIunknown", "Timestamp", "bad")).code())
                .isEqualTo("InvalidAccessKeyId.NotFound");
        assertThat(post(request("Timestamp", "2020-01-01T00:00:00Z", "Signature", "bad")).code())
                .isEqualTo("InvalidTimeStamp.Expired");
        assertThat(post(request("Signature", "bad", "RoleArn", "bad")).code()).isEqualTo("SignatureDoesNotMatch");
        assertThat(post(request("Action", "Nope", "RoleArn", "bad")).code()).isEqualTo("InvalidAction.NotFound");
    }

    @Test
    void aReplayedNonceIsRefused() {
        Map<String, String> p = request();
        assertThat(post(p).status()).isEqualTo(200);
        StsReply replay = post(p);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.code()).isEqualTo("SignatureNonceUsed");
    }

    @Test
    void aBadlySignedRequestDoesNotBurnItsNonce() {
        assertThat(post(request("SignatureNonce", "n-1", "Signature", "bad")).code()).isEqualTo("SignatureDoesNotMatch");
        assertThat(post(request("SignatureNonce", "n-1")).status()).isEqualTo(200);
    }

    @Test
    void missingRoleParametersAreNamedInTheCode() {
        assertThat(post(request("RoleArn", null)).code()).isEqualTo("MissingRoleArn");
        assertThat(post(request("RoleSessionName", null)).code()).isEqualTo("MissingRoleSessionName");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "RoleArn|acs:ram::12345:user/bob|InvalidParameter.RoleArn",
            "RoleArn|acs:ram::abc:role/reader|InvalidParameter.RoleArn",
            "RoleArn|acs:ram::12345:role/|InvalidParameter.RoleArn",
            "RoleSessionName|x|InvalidParameter.RoleSessionName",
            "RoleSessionName|has space|InvalidParameter.RoleSessionName",
            "RoleSessionName|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|InvalidParameter.RoleSessionName",
            "DurationSeconds|899|InvalidParameter.DurationSeconds",
            "DurationSeconds|43201|InvalidParameter.DurationSeconds",
            "DurationSeconds|3600.0|InvalidParameter.DurationSeconds",
            "DurationSeconds|-900|InvalidParameter.DurationSeconds",
            "Policy|not json|InvalidParameter.PolicyGrammar",
            "Policy|{\"Version\":\"1\"} trailing|InvalidParameter.PolicyGrammar",
            "Policy|[1,2]|InvalidParameter.PolicyGrammar",
            "ExternalId|x|InvalidParameter.ExternalId",
            "ExternalId|has#hash|InvalidParameter.ExternalId"})
    void invalidAssumeRoleParametersAreRefusedWith400(String name, String value, String code) {
        StsReply reply = post(request(name, value));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "DurationSeconds|900", "DurationSeconds|43200",
            "RoleSessionName|ab", "RoleSessionName|user@example.com_1-2.3",
            "Policy|{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "ExternalId|abc-123:/=,.@+_x"})
    void boundaryValuesOfAssumeRoleParametersAreAccepted(String name, String value) {
        assertThat(post(request(name, value)).status()).isEqualTo(200);
    }

    @Test
    void aPolicyOver2048CharactersIsRefused() {
        String padding = "x".repeat(2048);
        assertThat(post(request("Policy", "{\"Version\":\"1\",\"x\":\"" + padding + "\"}")).code())
                .isEqualTo("InvalidParameter.PolicyGrammar");
        String exactly2048 = "{\"a\":\"" + "x".repeat(2048 - 8) + "\"}";
        assertThat(exactly2048).hasSize(2048);
        assertThat(post(request("Policy", exactly2048)).status()).isEqualTo(200);
    }

    @Test
    void replyToStringNeverPrintsIssuedSecrets() {
        StsReply reply = post(request());
        assertThat(reply.toString()).doesNotContain("AccessKeySecret").doesNotContain("CAIS");
    }
}
