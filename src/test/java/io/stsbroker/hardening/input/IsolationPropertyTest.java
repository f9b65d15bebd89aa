package io.stsbroker.hardening.input;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.stsbroker.sts.embedded.EmbeddedSecurityToken;
import io.stsbroker.sts.embedded.EmbeddedStsKeys;
import io.stsbroker.testing.TestKeys;
import io.stsbroker.testing.TestTokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Isolation as a property: across many random callers (JWT subjects that match, nearly match or
 * try to smuggle a match past the {@code allow} patterns, and API keys) asking for random roles,
 * concurrently, a caller gets a credential exactly when an independent oracle says the role is
 * granted to it; the credential was minted for that caller's own session of that role (read back
 * from the embedded STS's signed security token), and no AccessKeyId is ever handed to two
 * identities.
 *
 * <p>Roles (application.yml, {@code %test}): {@code iso-any} allows
 * {@code system:serviceaccount:iso-a:*}; {@code iso-worker} allows
 * {@code system:serviceaccount:iso-b:worker-*} and {@code apikey:hardening-iso-one};
 * {@code iso-shared} allows {@code system:serviceaccount:iso-*:shared}; {@code iso-key} allows
 * {@code apikey:hardening-iso-two}. Seeded; rerun with {@code -Dtest.seed=<seed>}.
 */
@QuarkusTest
class IsolationPropertyTest {

    private static final long SEED = io.stsbroker.testing.Seeds.of("IsolationPropertyTest");
    private static final String SA = "system:serviceaccount:";
    private static final Map<String, String> API_KEYS = Map.of(
            "apikey:hardening-iso-one", "hardening-iso-key-one",
            "apikey:hardening-iso-two", "hardening-iso-key-two",
            "apikey:reporting", TestKeys.REPORTING);
    private static final List<String> ROLES = List.of("iso-any", "iso-worker", "iso-shared", "iso-key");

    @Inject
    EmbeddedStsKeys stsKeys;

    private final Random rnd = new Random(SEED);

    /** The grants, written out by hand: "*" is any run of characters without ':'. */
    static boolean oracle(String identity, String role) {
        return switch (role) {
            case "iso-any" -> suffixWithoutColon(identity, SA + "iso-a:");
            case "iso-worker" -> suffixWithoutColon(identity, SA + "iso-b:worker-") || identity.equals("apikey:hardening-iso-one");
            case "iso-shared" -> identity.startsWith(SA + "iso-") && identity.endsWith(":shared")
                    && identity.length() >= (SA + "iso-:shared").length()
                    && identity.substring((SA + "iso-").length(), identity.length() - ":shared".length()).indexOf(':') < 0;
            case "iso-key" -> identity.equals("apikey:hardening-iso-two");
            default -> throw new IllegalArgumentException(role);
        };
    }

    private static boolean suffixWithoutColon(String identity, String prefix) {
        return identity.startsWith(prefix) && identity.indexOf(':', prefix.length()) < 0;
    }

    private String randomPart() {
        String[] tricky = {"", "*", ":", "x:y", " ", "worker", "worker-", "shared", "shared:", ":shared", "a", "b", "iso-a",
                "\u00e9", "\u0000", "worker-\u00e9", "..", "%3A", "WORKER-1"};
        if (rnd.nextInt(3) == 0) {
            return tricky[rnd.nextInt(tricky.length)];
        }
        StringBuilder sb = new StringBuilder();
        String chars = "abcxyz019-_.*:@";
        for (int i = rnd.nextInt(12); i >= 0; i--) {
            sb.append(chars.charAt(rnd.nextInt(chars.length())));
        }
        return sb.toString();
    }

    /** A part without ':' that a "*" may match. */
    private String starPart() {
        return randomPart().replace(":", "");
    }

    private String randomIdentity() {
        // About a third of the identities are built to match a grant, the rest to nearly match.
        switch (rnd.nextInt(9)) {
            case 0:
                return SA + "iso-a:" + starPart();
            case 1:
                return SA + "iso-b:worker-" + starPart();
            case 2:
                return SA + "iso-" + starPart() + ":shared";
            default:
                break;
        }
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            List<String> keys = new ArrayList<>(new TreeSet<>(API_KEYS.keySet()));
            return keys.get(rnd.nextInt(keys.size()));
        }
        String[] namespaces = {"iso-a", "iso-b", "iso-c", "iso-", "iso-ab", "iso-a:x", "iso-b:worker-1", "ISO-A", "iso-a ", "xiso-a"};
        String ns = rnd.nextInt(4) == 0 ? "iso-" + randomPart() : namespaces[rnd.nextInt(namespaces.length)];
        String name = switch (rnd.nextInt(5)) {
            case 0 -> "worker-" + randomPart();
            case 1 -> "shared";
            case 2 -> randomPart() + ":shared";
            default -> randomPart();
        };
        String id = (kind == 1 ? "SYSTEM:serviceaccount:" : kind == 2 ? "system:serviceaccount::" : SA) + ns + ":" + name;
        return id.isBlank() ? "x" : id;
    }

    private static String bearer(String identity) {
        String key = API_KEYS.get(identity);
        return TestKeys.bearer(key != null ? key : TestTokens.rs256(identity));
    }

    private record Outcome(String identity, String role, int status, String accessKeyId, String sessionName,
                           String roleArn, String securityToken) {
    }

    @Test
    void aCallerOnlyEverGetsItsOwnCredentialForItsOwnGrants() throws Exception {
        System.out.printf("IsolationPropertyTest seed=%d (rerun with -Dtest.seed=%d)%n", SEED, SEED);
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            identities.add(randomIdentity());
        }
        identities.addAll(List.of(SA + "iso-a:w1", SA + "iso-b:worker-7", SA + "iso-q:shared", "apikey:hardening-iso-one",
                "apikey:hardening-iso-two"));
        List<String[]> cases = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String identity = identities.get(rnd.nextInt(identities.size()));
            // Half the time a role the identity holds (when it holds any), otherwise any role.
            List<String> held = ROLES.stream().filter(r -> oracle(identity, r)).toList();
            String role = !held.isEmpty() && rnd.nextBoolean() ? held.get(rnd.nextInt(held.size())) : ROLES.get(rnd.nextInt(ROLES.size()));
            cases.add(new String[] {identity, role});
        }
        Map<String, String> tokens = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (String[] c : cases) {
            futures.add(pool.submit(() -> {
                String auth = tokens.computeIfAbsent(c[0], IsolationPropertyTest::bearer);
                Response r = given().header("Authorization", auth).get("/v1/credentials/" + c[1]);
                return r.statusCode() == 200
                        ? new Outcome(c[0], c[1], 200, r.path("accessKeyId"), r.path("sessionName"), r.path("roleArn"), r.path("securityToken"))
                        : new Outcome(c[0], c[1], r.statusCode(), null, null, null, null);
            }));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            outcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        Map<String, String> keyOwner = new ConcurrentHashMap<>();
        Map<String, String> sessionOwner = new ConcurrentHashMap<>();
        int granted = 0;
        Set<String> distinctIdentities = new TreeSet<>();
        for (Outcome o : outcomes) {
            String what = String.format("[seed %d] %s asking for %s -> %d", SEED, printable(o.identity()), o.role(), o.status());
            distinctIdentities.add(o.identity());
            boolean expected = oracle(o.identity(), o.role());
            if (!expected) {
                assertThat(o.status()).as(what).isEqualTo(isRejectedIdentity(o.identity()) ? 401 : 403);
                continue;
            }
            assertThat(o.status()).as(what).isEqualTo(200);
            granted++;
            assertThat(o.roleArn()).as(what).isEqualTo("acs:ram::1234567890123456:role/" + o.role());
            assertThat(o.sessionName()).as(what).matches("[A-Za-z0-9.@_-]{2,32}").endsWith("-" + shortHash(o.identity()));
            // What STS actually minted, read back from the signed token: this session, this role, this key.
            Optional<EmbeddedSecurityToken.Claims> minted = EmbeddedSecurityToken.read(o.securityToken(), stsKeys.tokenKey());
            assertThat(minted).as(what).isPresent();
            assertThat(minted.get().accessKeyId()).as(what).isEqualTo(o.accessKeyId());
            assertThat(minted.get().roleSessionName()).as(what).isEqualTo(o.sessionName());
            assertThat(minted.get().roleArn()).as(what).isEqualTo(o.roleArn());
            String owner = keyOwner.putIfAbsent(o.accessKeyId(), o.identity());
            assertThat(owner == null || owner.equals(o.identity())).as("%s: AccessKeyId %s also handed to %s", what,
                    o.accessKeyId(), owner == null ? null : printable(owner)).isTrue();
            String sessionUser = sessionOwner.putIfAbsent(o.sessionName(), o.identity());
            assertThat(sessionUser == null || sessionUser.equals(o.identity())).as("%s: session %s also used by %s", what,
                    o.sessionName(), sessionUser == null ? null : printable(sessionUser)).isTrue();
        }
        // The roles list agrees with the oracle for every identity seen.
        for (String identity : distinctIdentities) {
            if (isRejectedIdentity(identity)) {
                continue;
            }
            List<String> listed = given().header("Authorization", tokens.get(identity)).get("/v1/roles").then()
                    .statusCode(200).extract().path("roles.name");
            List<String> expected = ROLES.stream().filter(r -> oracle(identity, r)).sorted().toList();
            assertThat(listed.stream().filter(ROLES::contains).sorted().toList()).as("[seed %d] roles of %s", SEED, printable(identity))
                    .isEqualTo(expected);
        }
        System.out.printf("IsolationPropertyTest seed=%d: %d requests from %d identities, %d granted, %d refused, %d distinct AccessKeyIds%n",
                SEED, outcomes.size(), distinctIdentities.size(), granted, outcomes.size() - granted, keyOwner.size());
        assertThat(granted).as("the generator must produce granted cases too").isGreaterThan(20);
    }

    /** JWT subjects the broker refuses outright (blank), so they get 401 rather than 403. */
    private static boolean isRejectedIdentity(String identity) {
        return identity.isBlank();
    }

    private static String shortHash(String identity) throws RuntimeException {
        try {
            // 65 bits: the first 13 base32 characters of the SHA-256, lowercase (see SessionNames).
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return new org.apache.commons.codec.binary.Base32().encodeAsString(java.util.Arrays.copyOf(digest, 9))
                    .substring(0, 13).toLowerCase(java.util.Locale.ROOT);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return sb.toString();
    }
}
