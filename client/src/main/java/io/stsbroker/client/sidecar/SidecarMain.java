package io.stsbroker.client.sidecar;

import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.BrokerCredentials;
import io.stsbroker.client.BrokerException;
import io.stsbroker.client.BrokerUnavailableException;
import io.stsbroker.client.internal.BoundedFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The executable jar: {@code serve --role <role>} (the sidecar), and the one-shot commands
 * {@code exec}, {@code export} and {@code process} ({@link CredentialCommands}).
 *
 * <p>Exit status ({@link ExitStatus}): 0 after {@code --help} or a clean shutdown, 2 for a bad
 * command line; {@code serve} ends at once when serving would be pointless: 1 for configuration
 * missing or unusable or the port in use, 3, 4 or 6 when the broker refuses the first request (401,
 * 403, any other non-retryable answer). A broker that is merely unreachable or busy at start-up is
 * not fatal to {@code serve}: clients get 503 until it answers.
 */
public final class SidecarMain {
    static final int OK = ExitStatus.OK;
    static final int FAILED = ExitStatus.FAILED;
    static final int USAGE = ExitStatus.USAGE;

    /** What to do with the running server; {@code main} waits for shutdown, tests return at once. */
    @FunctionalInterface
    interface Await {
        void await(SidecarServer server) throws InterruptedException;
    }

    private SidecarMain() {
    }

    public static void main(String[] args) {
        int status = run(args, System::getenv, System.out, System.err, server -> {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sts-broker-sidecar-shutdown"));
            server.awaitClosed();
        });
        System.exit(status);
    }

    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err, Await await) {
        if (args.length > 0 && CredentialCommandArgs.handles(args[0])) {
            return CredentialCommands.run(args, env, out, err);
        }
        SidecarArgs parsed;
        try {
            parsed = SidecarArgs.parse(args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        if (parsed.help()) {
            out.print(SidecarArgs.usage());
            return OK;
        }
        BrokerCredentials credentials;
        try {
            BrokerClient client = BrokerClient.builder().environment(env).build();
            credentials = client.credentials(parsed.role());
            err.println("sts-broker sidecar: broker " + client.baseUrl() + ", token from "
                    + client.tokenSource().description());
        } catch (BrokerException e) {
            err.println("error: " + e.getMessage());
            return ExitStatus.of(e);
        }
        try (credentials) {
            return serve(parsed, credentials, err, await);
        }
    }

    private static int serve(SidecarArgs args, BrokerCredentials credentials, PrintStream err, Await await) {
        String pathToken;
        try {
            pathToken = pathToken(args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        SidecarServer.Builder builder = SidecarServer.builder(credentials).bind(args.bind()).port(args.port())
                .allowedHosts(args.allowedHosts()).clock(credentials.clock());
        if (pathToken != null) {
            builder.pathToken(pathToken);
        }
        // Listen first: a broker that is slow or down must not keep the port (and liveness) closed.
        try (SidecarServer server = builder.start()) {
            try {
                server.prime();
            } catch (BrokerUnavailableException e) {
                err.println("warning: the broker is unreachable now; serving anyway, /health answers 503 and clients"
                        + " get 503 until it answers: " + e.getMessage());
            } catch (BrokerException e) {
                err.println("error: " + e.getMessage());
                return ExitStatus.of(e);
            }
            if (!args.loopbackOnly()) {
                err.println("warning: listening on " + args.bind().getHostAddress() + ", beyond loopback: anyone who"
                        + " can reach this port " + (pathToken == null ? "" : "and knows the path token ")
                        + "gets the credentials for role '" + args.role() + "'.");
            }
            // A generated token is printed once, as the URI to use; one read from a file stays in that file.
            String uri = args.pathTokenFile() != null
                    ? server.credentialsUriShown("<token from " + args.pathTokenFile() + ">")
                    : server.credentialsUri().toString();
            err.println("sts-broker sidecar: serving role '" + args.role() + "' at " + uri
                    + " (set ALIBABA_CLOUD_CREDENTIALS_URI to this URL)");
            await.await(server);
            return OK;
        } catch (BindException e) {
            err.println("error: cannot listen on " + args.bind().getHostAddress() + ":" + args.port() + " ("
                    + e.getMessage() + "). Choose another --port, or a local --bind address.");
            return FAILED;
        } catch (IOException e) {
            err.println("error: cannot start the sidecar: " + e);
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OK;
        }
    }

    /** The path token from --path-token-file or --generate-path-token, or null. */
    static String pathToken(SidecarArgs args) throws UsageException {
        if (args.generatePathToken()) {
            return SidecarServer.newPathToken();
        }
        if (args.pathTokenFile() == null) {
            return null;
        }
        String token;
        try {
            token = new String(BoundedFiles.read(args.pathTokenFile(), 1024), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UsageException("cannot read the path token file " + args.pathTokenFile() + ": "
                    + (e instanceof BoundedFiles.Refused ? e.getMessage() : e.toString()));
        }
        if (!SidecarServer.PATH_TOKEN.matcher(token).matches()) {
            // Never quote the file: it is a secret.
            throw new UsageException("the path token file " + args.pathTokenFile()
                    + " must hold 22-256 characters of A-Z a-z 0-9 _ - (e.g. 32 random bytes, base64url)");
        }
        return token;
    }
}
