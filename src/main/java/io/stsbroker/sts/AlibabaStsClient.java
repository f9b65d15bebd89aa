package io.stsbroker.sts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Alibaba Cloud STS {@code AssumeRole} (API 2015-04-01) over the RPC wire format, as the official
 * Tea SDK sends it: {@code POST /} with every parameter, signed with {@link RpcSignature}, in the
 * query string and an empty body. One attempt per call: no retry, no cache (the vending layer owns
 * both). The same class serves production STS and the embedded STS, so dev and tests exercise the
 * production code path.
 *
 * <p>The returned {@link Uni} is lazy: each subscription reads the signing credentials again and
 * signs a new request (fresh {@code SignatureNonce} and {@code Timestamp}), so a caller retrying by
 * re-subscribing never replays a nonce.
 *
 * <p>Failures are {@link StsException}s: an STS error body keeps its {@code Code}, HTTP status and
 * {@code RequestId}; no answer, a timeout or an unreadable body is {@link StsException#unreachable}.
 * No log line or exception message contains the AccessKeySecret, the SecurityToken, the Signature or
 * the request query.
 */
public final class AlibabaStsClient implements StsClient, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlibabaStsClient.class);
    private static final String API_VERSION = "2015-04-01";

    private final String providerName;
    private final StsEndpoint endpoint;
    private final Duration timeout;
    private final SigningCredentialsSource credentials;
    private final Clock clock;
    private final BooleanSupplier upstreamReady;
    private final UpstreamHttp http;
    private final UpstreamMetrics metrics;
    private volatile boolean closed;

    /**
     * @param vertx         the application's Vert.x, whose event loops carry the HTTP exchange
     * @param providerName  what {@link #providerName()} reports: {@code alibaba} or {@code embedded}
     * @param endpoint      where to send AssumeRole
     * @param timeout       per-attempt deadline on connect plus the whole response ({@code broker.sts.timeout})
     * @param credentials   the broker's own identity, read once per attempt
     * @param clock         source of the signed {@code Timestamp}
     * @param registry      where the upstream metrics go
     * @param upstreamReady extra readiness condition (the embedded STS is listening); {@code () -> true} for none
     */
    public AlibabaStsClient(Vertx vertx, String providerName, StsEndpoint endpoint, Duration timeout,
                            SigningCredentialsSource credentials, Clock clock, MeterRegistry registry,
                            BooleanSupplier upstreamReady) {
        this.providerName = Objects.requireNonNull(providerName, "providerName");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.upstreamReady = Objects.requireNonNull(upstreamReady, "upstreamReady");
        this.http = new UpstreamHttp(Objects.requireNonNull(vertx, "vertx"), endpoint, timeout);
        this.metrics = new UpstreamMetrics(Objects.requireNonNull(registry, "registry"), timeout);
        metrics.connections(http);
    }

    @Override
    public Uni<StsCredentials> assumeRole(AssumeRoleRequest request) {
        Objects.requireNonNull(request, "request");
        return Uni.createFrom().deferred(() -> closed
                        ? Uni.createFrom().failure(StsException.unreachable("STS client is closed", null))
                        : credentials.current())
                .onFailure(e -> !(e instanceof StsException)).transform(this::ownCredentialsUnavailable)
                .onItem().transformToUni(signing -> attempt(request, signing));
    }

    @Override
    public String providerName() {
        return providerName;
    }

    @Override
    public boolean ready() {
        return !closed && upstreamReady.getAsBoolean();
    }

    /** Closes the connection pool; later calls fail as unreachable. */
    @Override
    public void close() {
        closed = true;
        http.close();
    }

    @Override
    public String toString() {
        return "AlibabaStsClient[provider=" + providerName + ", endpoint=" + endpoint + ", timeout=" + timeout + "]";
    }

    private Uni<StsCredentials> attempt(AssumeRoleRequest request, SigningCredentials signing) {
        Map<String, String> params = parameters(request, signing);
        String signature = RpcSignature.sign("POST", params, signing.accessKeySecret());
        String uri = "/?" + RpcSignature.canonicalQuery(params) + "&" + RpcSignature.SIGNATURE + "="
                + RpcSignature.percentEncode(signature);
        // Values that must never surface in a message, should a library quote them.
        List<String> secrets = signing.securityToken().isPresent()
                ? List.of(signing.accessKeySecret(), signature, signing.securityToken().get())
                : List.of(signing.accessKeySecret(), signature);
        Timer.Sample sample = metrics.start();
        return http.send(HttpMethod.POST, uri, Map.of(
                        "x-acs-action", "AssumeRole",
                        "x-acs-version", API_VERSION,
                        "accept", "application/json",
                        "user-agent", "sts-broker"))
                // Failures first, then items: an exception thrown by interpret() must not be mapped
                // again, and never merged with the network exception (which may quote the query).
                .onFailure().transform(failure -> unreachable(request, sample, UpstreamFailure.of(failure, secrets)))
                .onItem().transform(response -> interpret(request, signing, sample, response));
    }

    /** All AssumeRole parameters, common ones included; empty optional values are left out. */
    private Map<String, String> parameters(AssumeRoleRequest request, SigningCredentials signing) {
        Map<String, String> params = new HashMap<>();
        params.put("Action", "AssumeRole");
        params.put("Format", "JSON");
        params.put("Version", API_VERSION);
        params.put("AccessKeyId", signing.accessKeyId());
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureVersion", "1.0");
        params.put("SignatureNonce", UUID.randomUUID().toString());
        params.put("Timestamp", RpcTimestamps.format(clock.instant()));
        signing.securityToken().ifPresent(token -> params.put("SecurityToken", token));
        params.put("RoleArn", request.roleArn());
        params.put("RoleSessionName", request.roleSessionName());
        params.put("DurationSeconds", Long.toString(request.duration().toSeconds()));
        request.policy().filter(p -> !p.isEmpty()).ifPresent(p -> params.put("Policy", p));
        request.externalId().filter(e -> !e.isEmpty()).ifPresent(e -> params.put("ExternalId", e));
        return params;
    }

    private StsCredentials interpret(AssumeRoleRequest request, SigningCredentials signing, Timer.Sample sample,
                                     UpstreamHttp.Response response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            try {
                StsCredentials issued = StsResponses.credentials(response.body());
                metrics.record(sample, UpstreamMetrics.SUCCESS);
                LOG.debugf("AssumeRole %s: issued %s (RequestId %s)", request.roleArn(), issued.accessKeyId(),
                        issued.requestId());
                return issued;
            } catch (StsResponses.MalformedResponseException e) {
                throw unreachable(request, sample, UpstreamFailure.of("HTTP " + status + " but " + e.getMessage()));
            }
        }
        Optional<StsResponses.ErrorBody> error = StsResponses.error(response.body());
        if (error.isEmpty()) {
            throw unreachable(request, sample, UpstreamFailure.of("HTTP " + status + " without an STS error body"));
        }
        String code = error.get().code();
        String requestId = error.get().requestId();
        metrics.record(sample, code);
        StsException failure = new StsException(code, status, requestId, null);
        LOG.warnf("AssumeRole %s on %s as %s failed: %s, HTTP %d, RequestId %s (%s)", request.roleArn(), endpoint,
                signing.accessKeyId(), code, status, requestId, failure.kind());
        throw failure;
    }

    private StsException unreachable(AssumeRoleRequest request, Timer.Sample sample, UpstreamFailure cause) {
        metrics.record(sample, cause.isTimeout() ? UpstreamMetrics.TIMEOUT : UpstreamMetrics.NETWORK);
        LOG.warnf("AssumeRole %s on %s got no usable answer: %s", request.roleArn(), endpoint, cause.getMessage());
        return StsException.unreachable(cause.getMessage(), cause);
    }

    /**
     * The broker could not read its own identity. No upstream call was made, so nothing is counted;
     * reported as unreachable (retryable) because credential sources (metadata service, RRSA token
     * exchange) usually recover on their own.
     */
    private StsException ownCredentialsUnavailable(Throwable failure) {
        UpstreamFailure cause = UpstreamFailure.of("the broker's own credentials are unavailable: "
                + UpstreamFailure.describe(failure, List.of()));
        LOG.warnf("AssumeRole not attempted: %s", cause.getMessage());
        return StsException.unreachable(cause.getMessage(), cause);
    }
}
