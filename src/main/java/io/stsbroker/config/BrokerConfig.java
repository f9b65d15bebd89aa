package io.stsbroker.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything under {@code broker.*}. Property names are the kebab-case of the method names.
 * {@link BrokerConfigValidator} checks what a type cannot (ranges, orderings, digest format) before
 * any bean reads these; a role's shape is checked by {@code policy.RoleValidator}, which also checks
 * every reload of {@code broker.roles-file}.
 *
 * <p>A new group is a method here returning a nested interface (declared below the others), and
 * its checks go into {@link BrokerConfigValidator}. The file is long because every property's
 * javadoc states its meaning and default; the groups stay nested so that code names them as
 * {@code BrokerConfig.Sts} and so on.
 */
@ConfigMapping(prefix = "broker")
public interface BrokerConfig {

    /** The role catalogue, keyed by the role name callers ask for. Empty by default: deny all. */
    Map<String, RoleConfig> roles();

    /**
     * API keys as {@code <name>=<sha256 hex>[,<sha256 hex>...]}; the caller identity is
     * {@code apikey:<name>}. Several digests per name let a key be rotated without changing the
     * identity. Plain keys are never configured.
     */
    Map<String, List<String>> apiKeys();

    /** The upstream STS: which one, its endpoint, timeouts, retries and call budget. */
    Sts sts();

    /** The STS built into the broker ({@code broker.sts.provider=embedded}, the dev default). */
    EmbeddedSts embeddedSts();

    /** The credential cache: when a credential is refreshed, dropped, and how many are held. */
    Cache cache();

    /** What the audit log records beyond mints and denials. */
    Audit audit();

    /** Per-caller usage counts ({@code GET /v1/admin/usage}). */
    Usage usage();

    /** The longest a credential request may take before it fails with 503. Default 8s, below credentials-java's 10 s read timeout. */
    @WithDefault("8s")
    Duration requestTimeout();

    /**
     * Optional YAML file with more roles (a top-level {@code roles:} map, each entry shaped like
     * {@code broker.roles.<name>}), for example a mounted ConfigMap. It is polled and reloaded
     * without a restart; an invalid edit is refused and the previous catalogue kept. A role may be
     * defined here or in {@code broker.roles}, not in both. Unset by default.
     */
    Optional<String> rolesFile();

    /** How often {@code broker.roles-file} is checked for changes (its content hash). Default 5s. */
    @WithDefault("5s")
    Duration rolesFilePollInterval();

    /** Limits on failed authentication. */
    Auth auth();

    /** Who may use {@code POST /v1/admin/invalidate}. */
    Admin admin();

    /** HTTP rules of the broker's own API (TLS, header size). */
    Http http();

    /** Per-caller request limits on the credential endpoints (429 {@code Throttling} beyond them). */
    RateLimit rateLimit();

    /** Cluster mode: replicas share credentials, budget and invalidations through Redis. Off by default. */
    Cluster cluster();

    /** The admission webhook that injects the sidecar into opted-in pods (README "Using the broker from a service"). */
    Injector injector();

    interface Auth {
        /**
         * Failed authentications (a bearer token that did not verify) allowed per client address per
         * minute, as a bucket of this many refilled evenly over a minute; once empty, requests from
         * that address carrying a token get 429 {@code Throttling} before the token is hashed or its
         * signature checked. Default 60; 0 switches the limit off.
         */
        @WithDefault("60")
        int maxFailuresPerMinute();

        /** Client addresses tracked for {@code max-failures-per-minute} (least recently seen dropped first). Default 100000. */
        @WithDefault("100000")
        long maxTrackedAddresses();

        /** Bearer tokens longer than this many characters are refused unread (no hashing, no signature check). Default 8192. */
        @WithDefault("8192")
        int maxTokenLength();

        /**
         * Verified JWTs remembered (by SHA-256 of the whole token) so a repeated token skips the
         * signature check; each is forgotten at its own {@code exp} or after {@code verified-token-max-age},
         * whichever comes first. Default 10000; 0 switches the cache off.
         */
        @WithDefault("10000")
        long verifiedTokenCacheSize();

        /**
         * The longest a verified JWT is remembered, which bounds how late a removed verification key
         * takes effect. Default 5m.
         */
        @WithDefault("5m")
        Duration verifiedTokenMaxAge();

        /**
         * How long after its {@code exp} a JWT is still accepted, for issuers whose clock runs behind
         * the broker's. Default 0s: a token is refused from the second its {@code exp} names. At most 5m.
         */
        @WithDefault("0s")
        Duration expirySkew();

        /**
         * How far in the future a JWT's {@code nbf} and {@code iat} may lie, so that a token freshly
         * issued by an issuer whose clock runs ahead of the broker's still works. Default 60s. At most 10m.
         */
        @WithDefault("60s")
        Duration issuedAtSkew();
    }

    interface Admin {
        /** Identity patterns (as in a role's {@code allow}) that may use the admin endpoint. Empty by default: nobody. */
        Optional<List<String>> allow();
    }

    interface Http {
        /**
         * Refuse the API over plain HTTP with 403 {@code Forbidden}; {@code /q/*} (health, metrics,
         * OpenAPI: no tokens) stays reachable for probes. Default false.
         */
        @WithDefault("false")
        boolean requireTls();

        /**
         * Request headers above this many bytes get 431 with the JSON error body. Must be below
         * {@code quarkus.http.limits.max-header-size}, where Vert.x itself answers 431 without a
         * body. Default 16384.
         */
        @WithDefault("16384")
        int maxHeaderSize();

        /**
         * Answer a {@code GET /v1/credentials/{role}} whose caller is already proven and whose
         * credential is cached straight from the event loop, skipping the framework's security and
         * JAX-RS layers (same checks, same answer; see {@code WarmCredentialsRoute}). Default true;
         * false sends every request the full way.
         */
        @WithDefault("true")
        boolean warmRoute();
    }
    interface RoleConfig {
        /** {@code acs:ram::<account-id>:role/<role-name>}. */
        String arn();

        /** Session duration asked of STS. Default 3600s; at most 43200s and above {@code broker.cache.refresh-ahead}. */
        @WithDefault("3600s")
        Duration duration();

        /** Optional session policy (JSON, at most 2048 characters) that narrows the role's permissions. */
        Optional<String> policy();

        /** Optional ExternalId, sent when the role's trust policy asks for one. */
        Optional<String> externalId();

        /** Identity patterns allowed to use the role; {@code *} matches any run of characters except {@code :}. Empty: nobody. */
        Optional<List<String>> allow();

        /**
         * Optional per-caller limit for this role, in requests per second: each caller gets its own
         * bucket for the role, on top of its overall {@code broker.rate-limit} bucket. Unset: only
         * the overall one applies.
         */
        Optional<Integer> rateLimit();
    }

    interface Sts {
        /** {@code embedded} or {@code alibaba}. No default in production: it must be chosen. */
        Provider provider();

        /** The Alibaba STS endpoint: global, regional or VPC. Default {@code https://sts.aliyuncs.com}. */
        @WithDefault("https://sts.aliyuncs.com")
        String endpoint();

        /** Deadline for one whole AssumeRole attempt (connect, request and full response). Default 3s. */
        @WithDefault("3s")
        Duration timeout();

        /** Attempts for one AssumeRole when STS answers with a retryable error. Default 3. */
        @WithDefault("3")
        int maxAttempts();

        /** First backoff between attempts, doubled each time with jitter. Default 200ms. */
        @WithDefault("200ms")
        Duration retryBackoff();

        /**
         * Upstream call budget of this replica: AssumeRole attempts (retries and background refreshes
         * included) per second, evenly spaced (no bursts). Alibaba allows 100 AssumeRole
         * calls per second per account, summed over every user of the account, so replicas times
         * this must stay below that quota minus the other users. Default 50 (two replicas).
         */
        @WithDefault("50")
        int maxCallsPerSecond();

        /**
         * The longest an AssumeRole attempt waits for the upstream budget; one that would have to wait
         * longer (or past {@code broker.request-timeout}) fails at once with 503. Default 2s.
         */
        @WithDefault("2s")
        Duration budgetWait();

        /**
         * Where the broker's own Alibaba identity (the one that signs AssumeRole) comes from when
         * {@code provider=alibaba}; ignored by the embedded STS. Default {@code rrsa}: the RRSA
         * variables injected by ACK's pod-identity webhook, and start-up stops naming whichever is
         * missing. Any other source is used only when named here, so a pod without RRSA never
         * signs as its node's instance role by accident.
         */
        @WithDefault("rrsa")
        Identity identity();
    }

    /**
     * {@code none}: no STS and no identity at all, only for {@code broker.injector.only=true} (and
     * required by it), so an injector replica provably holds no credential.
     */
    enum Provider { embedded, alibaba, none }

    /**
     * The broker's own identity sources, configured by their hyphenated names
     * ({@code rrsa}, {@code static}, {@code ecs-ram-role}, {@code default-chain}).
     */
    enum Identity {
        /** RRSA: {@code ALIBABA_CLOUD_ROLE_ARN}, {@code ALIBABA_CLOUD_OIDC_PROVIDER_ARN}, {@code ALIBABA_CLOUD_OIDC_TOKEN_FILE}. */
        RRSA,
        /** An AccessKey from {@code ALIBABA_CLOUD_ACCESS_KEY_ID}/{@code _SECRET} (and optional {@code ALIBABA_CLOUD_SECURITY_TOKEN}). */
        STATIC,
        /** The ECS instance RAM role from the metadata service at 100.100.100.200 (the node's identity). */
        ECS_RAM_ROLE,
        /** credentials-java's whole default chain, first source found wins (ends with the ECS instance role). */
        DEFAULT_CHAIN;

        /** The name as configured. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    interface EmbeddedSts {
        /** Loopback port of the embedded STS. Default 8090; 0 picks a free port. */
        @WithDefault("8090")
        int port();

        /** AccessKeyId the embedded STS accepts; random when unset. */
        Optional<String> accessKeyId();

        /** AccessKeySecret the embedded STS verifies signatures with; random when unset. */
        Optional<String> accessKeySecret();

        /** Key that signs the embedded STS's self-verifying security tokens (base64 or text); random when unset. */
        Optional<String> tokenKey();
    }

    interface Cache {
        /** A credential with less than this left is never handed out. Default 20m, above credentials-java's 15-minute stale window. */
        @WithDefault("20m")
        Duration minRemaining();

        /** With less than this left, the cached credential is still served and one background refresh starts. Default 30m. */
        @WithDefault("30m")
        Duration refreshAhead();

        /** Upper bound on cached (role, caller, ...) entries. Default 100000. */
        @WithDefault("100000")
        long maxEntries();

        /**
         * How long a permanent STS refusal ({@code NoPermission}, {@code EntityNotExist.Role},
         * {@code InvalidAccessKeyId.*}, bad parameters) is remembered for the same cache key and
         * answered without calling STS again. Default 10s; 0 disables it.
         */
        @WithDefault("10s")
        Duration failureTtl();

        /**
         * Distinct (durationSeconds, policy) variants of one role that one caller may hold at once,
         * counting those being minted; a request for one more gets 429 {@code Throttling} until one
         * of them leaves the cache at its floor. In cluster mode counted across all replicas (each
         * replica's own count while it cannot reach Redis). Default 10.
         */
        @WithDefault("10")
        int maxVariantsPerCaller();
    }

    interface Audit {
        /** Also audit every cached hand-out, not only mints and denials. Default false (it dominates the cost at high rates). */
        @WithDefault("false")
        boolean handOuts();

        /**
         * How audit records reach standard output: {@code log} through the application's log
         * handlers and format (in plain text, after the usual prefix), or {@code lines}, each
         * record's JSON object as a bare line of its own, whatever format the other logs use (so
         * with JSON logs the record is an object, not a string inside a log line). Default
         * {@code log}; the prod profile sets {@code lines}.
         */
        @WithDefault("log")
        AuditConsole console();

        /** The values of {@code broker.audit.console}. */
        enum AuditConsole {
            /** Through the application's log handlers and format. */
            LOG,
            /** Each record's JSON object as a bare line on standard output. */
            LINES
        }

        /**
         * Also write every audit record to this file, one JSON object per line (the schema in
         * docs/OPERATIONS.md, "Audit records"), for a log shipper that reads files. Rotated by size:
         * at {@code file-max-size} the file is renamed {@code <file>.1} (older ones shifted up to
         * {@code <file>.<file-backups>}, the oldest dropped), so the files never hold more than
         * {@code (file-max-size + one record) x (file-backups + 1)} (a record is a few hundred bytes). The directory must exist and be writable.
         * Unset by default: audit records go to the console only.
         */
        Optional<String> file();

        /** Size at which {@code broker.audit.file} is rotated. Default 10M. */
        @WithDefault("10M")
        MemorySize fileMaxSize();

        /** Rotated files of {@code broker.audit.file} kept beside the current one. Default 4. */
        @WithDefault("4")
        int fileBackups();
    }

    interface Usage {
        /** The rolling window {@code GET /v1/admin/usage} reports, in whole minutes (1m to 24h). Default 60m. */
        @WithDefault("60m")
        Duration window();

        /**
         * The most caller identities counted at once; beyond it the least used are dropped with their
         * counts. Memory is at most about {@code max-callers x (44 x window-minutes + 300)} bytes. Default 5000.
         */
        @WithDefault("5000")
        int maxCallers();
    }

    interface RateLimit {
        /** Requests per second one caller identity may make to the credential endpoints, with bursts of as many. Default 100. */
        @WithDefault("100")
        int perCaller();

        /**
         * Per-identity exceptions to {@code per-caller}, keyed by the full identity. Identities hold
         * colons (and may hold dots), so set them in YAML as quoted map keys:
         * {@code callers: {"system:serviceaccount:ns:sa": 500}}.
         */
        Map<String, Integer> callers();

        /** Upper bound on identities whose buckets are kept at once (idle buckets expire anyway). Default 100000. */
        @WithDefault("100000")
        long maxCallers();

        /**
         * New credentials (AssumeRole calls that are not refreshes) one caller identity may cause per
         * minute, as a bucket of this many refilled evenly over a minute; beyond it 429
         * {@code Throttling} with {@code Retry-After}. Requests answered from the cache, joining a
         * mint in progress, and background refreshes never count. In cluster mode one bucket for all
         * replicas (each replica's own while it cannot reach Redis). Default 20.
         */
        @WithDefault("20")
        int mintsPerCaller();
    }

    /**
     * Cluster mode (README "Running several replicas"). Redis itself is configured by Quarkus's own
     * {@code quarkus.redis.*} settings (hosts, password or ACL user, TLS). Checked at start-up by
     * {@link BrokerConfigValidator}; secrets are never printed.
     */
    interface Cluster {
        /** Share the credential cache, the AssumeRole budget and invalidations through Redis. Default false. */
        @WithDefault("false")
        boolean enabled();

        /** AES-256-GCM key that encrypts every shared entry: base64 of 32 bytes, from a Secret. No default; required when enabled. */
        Optional<String> encryptionKey();

        /** Earlier encryption keys (base64 of 32 bytes each), still read but never written, during a key rotation. Empty by default. */
        Optional<List<String>> previousEncryptionKeys();

        /**
         * HMAC-SHA256 key for every Redis key name, lock, limit key and pub/sub message derived from
         * a caller identity: base64 of at least 32 bytes, distinct from the encryption keys, and not
         * rotated with them (rotating it orphans every shared entry). No default; required when enabled.
         */
        Optional<String> keySecret();

        /** Prefix of every Redis key the broker writes, so several brokers can share one Redis. Default {@code sts-broker:}. */
        @WithDefault("sts-broker:")
        String keyPrefix();

        /**
         * AssumeRole calls per second for the whole cluster, charged when a call is sent (on top of
         * {@code broker.sts.max-calls-per-second}, which stays a cap per replica). Default 50.
         */
        @WithDefault("50")
        int maxCallsPerSecond();

        /**
         * The most replicas that can run at once (the autoscaler's maximum plus a rollout's surge).
         * While Redis is unreachable each replica allows itself {@code max-calls-per-second} divided
         * by this, so degraded replicas together stay within the budget. Default 7.
         */
        @WithDefault("7")
        int maxReplicas();

        /**
         * How long a replica minting a credential holds the cluster-wide lock for its key; a crashed
         * holder delays the others by at most this. Must exceed {@code broker.request-timeout}. Default 10s.
         */
        @WithDefault("10s")
        Duration lockTtl();

        /**
         * How often each replica compares the invalidation generation in Redis with the last one it
         * applied (catching up on pub/sub messages lost across a reconnect), and probes a Redis it
         * lost. Default 1s.
         */
        @WithDefault("1s")
        Duration syncInterval();

        /**
         * How long one Redis command may take; the request that waited goes on without the shared
         * tier, and three such timeouts in a row (or one lost connection) make the replica degraded.
         * Default 2s.
         */
        @WithDefault("2s")
        Duration commandTimeout();
    }

    interface Injector {
        /**
         * Serve the admission webhook {@code POST /v1/admission/mutate} beside the credential API.
         * Default false: the route does not exist (404).
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * Injector-only mode: serve admission and health, nothing else (every other path is 404),
         * holding no credentials. Requires {@code enabled=true}, {@code broker.sts.provider=none}
         * and no {@code broker.api-keys}; start-up stops naming whichever is wrong. Default false.
         */
        @WithDefault("false")
        boolean only();

        /**
         * The largest AdmissionReview body accepted (413 above it). Its own limit: the API's
         * {@code quarkus.http.limits.max-body-size} (16K) stays for the credential API. A review
         * carries the object (and on update the old one), each at most about 1.5 MiB in etcd.
         * Default 4M.
         */
        @WithDefault("4194304")
        long maxBodySize();

        /** The broker URL the injected sidecar calls ({@code STS_BROKER_URL}). Required when enabled. */
        Optional<String> brokerUrl();

        /**
         * A PEM file with the CA that signed the broker's certificate, injected inline
         * ({@code STS_BROKER_CA_PEM}) because a ConfigMap cannot be mounted across namespaces. Read
         * at every review, so a rotated CA reaches new pods. Unset: the sidecar trusts its JRE's CAs.
         */
        Optional<String> brokerCaFile();

        /** The sidecar image injected unless a pod names another ({@code sts-broker.io/image}). Required when enabled. */
        Optional<String> sidecarImage();

        /** Loopback port of the sidecar unless a pod names another ({@code sts-broker.io/port}). Default 9911. */
        @WithDefault("9911")
        int sidecarPort();

        /**
         * Namespaces whose pods are never injected, besides {@code kube-system}; the shipped
         * manifests name the broker's and the injector's own. Default: none.
         */
        Optional<List<String>> excludedNamespaces();
    }
}
