package io.stsbroker.request;

import io.stsbroker.auth.Caller;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.CallerRateLimiter;
import io.stsbroker.policy.Role;
import io.stsbroker.policy.SessionNames;
import io.stsbroker.policy.VendSpec;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.VendRequest;
import io.stsbroker.vending.VendedCredential;
import io.stsbroker.vending.WarmCredential;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The one sequence of a credential request, for an identified caller: its request rate
 * ({@link CallerRateLimiter}, 429), the role grant ({@link AccessPolicy}, 403), the role's rate for
 * this caller (429), the format and parameters (400), then the credential cache
 * ({@link CredentialVendor}). Every outcome is counted once ({@link VendOutcomes}).
 *
 * <p>Two modes. {@link #vend} runs the sequence fully and may wait for STS. {@link #tryWarm} is the
 * same sequence for a GET on the event loop, which may not wait: its checks before the cache are the
 * side-effect-free forms of the same checks, and when the cache cannot answer at once it declines
 * (null) having changed nothing, so the request goes on to {@link #vend}, which decides it. Once the
 * cache can answer, the request is decided: it is counted against the same limits, in the same
 * order, and refused or served like on the full path.
 */
@Singleton
public class CredentialRequests {

    private final AccessPolicy policy;
    private final CallerRateLimiter rateLimiter;
    private final CredentialVendor vendor;
    private final VendOutcomes outcomes;

    CredentialRequests(AccessPolicy policy, CallerRateLimiter rateLimiter, CredentialVendor vendor, VendOutcomes outcomes) {
        this.policy = policy;
        this.rateLimiter = rateLimiter;
        this.vendor = vendor;
        this.outcomes = outcomes;
    }

    /** A credential and the format its caller asked for. */
    public record Answer(VendedCredential credential, Format format) {
    }

    /**
     * The full sequence. {@code request} is read only once the caller is within its request rate,
     * so a request body is parsed for no one beyond it; its own failures (a malformed body) are
     * thrown as they are and not counted as credential request outcomes.
     *
     * @throws BrokerException 429 when the caller is over its request rate (the other refusals
     *                         fail the returned stage)
     */
    public CompletionStage<Answer> vend(Caller caller, Supplier<CredentialRequest> request) {
        admit(caller);
        CredentialRequest r = request.get();
        try {
            Role role = policy.authorize(caller.identity(), r.roleName(), r.requestId());
            rateLimiter.admit(caller.identity(), role.name());
            Format format = Format.of(r.format());
            VendSpec spec = policy.resolve(role, r.parameters().durationSeconds(), r.parameters().policy());
            return vendor.vend(vendRequest(caller, spec, r.requestId())).handle((v, failure) -> {
                if (failure != null) {
                    BrokerException e = unwrap(failure);
                    outcomes.count(e.code().code());
                    throw new CompletionException(e);
                }
                outcomes.count(VendOutcomes.SUCCESS);
                return new Answer(v, format);
            });
        } catch (BrokerException e) {
            outcomes.count(e.code().code());
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The sequence for a GET of {@code roleName} in the role's own duration and policy, answered
     * only if the cache holds the credential now; null (nothing counted, no limiter token taken, no
     * refresh, no audit) when the role is not granted or the cache would have to wait.
     *
     * @param caller a caller the token checker recognised without side effects
     * @throws BrokerException 429 once decided, when the caller or its rate for the role is exhausted
     */
    public VendedCredential tryWarm(Caller caller, String roleName, String requestId) {
        Role role = policy.grantedOrNull(caller.identity(), roleName);
        if (role == null) {
            return null;
        }
        VendRequest request = vendRequest(caller, policy.resolve(role, Optional.empty(), Optional.empty()), requestId);
        WarmCredential warm = vendor.warm(request);
        if (warm == null) {
            return null;
        }
        // Decided: from here on this request is answered here, exactly as the full path would.
        outcomes.countWarm();
        try {
            rateLimiter.admit(caller.identity());
            rateLimiter.admit(caller.identity(), role.name());
        } catch (BrokerException e) {
            outcomes.count(e.code().code());
            throw e;
        }
        VendedCredential v = warm.handOut();
        outcomes.count(VendOutcomes.SUCCESS);
        return v;
    }

    private void admit(Caller caller) {
        try {
            rateLimiter.admit(caller.identity());
        } catch (BrokerException e) {
            outcomes.count(e.code().code());
            throw e;
        }
    }

    /** What the vending layer is asked for a caller and an authorized, resolved role. */
    private static VendRequest vendRequest(Caller caller, VendSpec spec, String requestId) {
        Role role = spec.role();
        return new VendRequest(role.name(), role.arn(), caller.identity(), SessionNames.of(caller.identity()),
                spec.duration(), spec.sessionPolicy(), role.externalId(), requestId);
    }

    private static BrokerException unwrap(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c instanceof BrokerException b ? b : new BrokerException(ErrorCode.INTERNAL_ERROR,
                "The broker failed unexpectedly; the request id identifies the log entry.");
    }
}
