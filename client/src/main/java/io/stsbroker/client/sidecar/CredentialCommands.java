package io.stsbroker.client.sidecar;

import io.stsbroker.client.BrokerClient;
import io.stsbroker.client.BrokerException;
import io.stsbroker.client.CredentialsRequest;
import io.stsbroker.client.TemporaryCredentials;
import io.stsbroker.client.TokenSources;
import io.stsbroker.client.internal.BoundedFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * {@code exec}, {@code export} and {@code process}: one broker request, then the credential handed
 * on. They share {@code serve}'s configuration (the environment, read by {@link BrokerClient}) and
 * its error messages; exit statuses are {@link ExitStatus}'s.
 */
final class CredentialCommands {
    /** Policy files are read up to this size; the broker itself accepts 2048 characters. */
    private static final int MAX_POLICY_BYTES = 16 * 1024;
    /** Bearer-token variables the command must not inherit: it gets the credential, not what obtains it. */
    static final List<String> NOT_INHERITED = List.of(TokenSources.TOKEN_ENV, TokenSources.API_KEY_ENV);

    private CredentialCommands() {
    }

    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        CredentialCommandArgs parsed;
        CredentialsRequest request;
        try {
            parsed = CredentialCommandArgs.parse(args);
            if (parsed.help()) {
                out.print(CredentialCommandArgs.usage(parsed.command()));
                return ExitStatus.OK;
            }
            request = request(parsed);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for usage.");
            return ExitStatus.USAGE;
        }
        TemporaryCredentials credentials;
        try {
            credentials = BrokerClient.builder().environment(env).build().fetch(request);
        } catch (BrokerException e) {
            err.println("error: " + e.getMessage());
            return ExitStatus.of(e);
        }
        return switch (parsed.command()) {
            case PROCESS -> print(out, CredentialOutput.process(credentials));
            case EXPORT -> print(out, parsed.format() == CredentialCommandArgs.Format.JSON
                    ? CredentialOutput.json(credentials) : CredentialOutput.exportLines(credentials));
            case EXEC -> exec(parsed.commandLine(), credentials, err);
        };
    }

    private static CredentialsRequest request(CredentialCommandArgs args) throws UsageException {
        CredentialsRequest request = CredentialsRequest.of(args.role());
        if (args.duration().isPresent()) {
            request = request.withDuration(args.duration().get());
        }
        if (args.policyFile() != null) {
            request = request.withPolicy(policy(args));
        }
        return request;
    }

    private static String policy(CredentialCommandArgs args) throws UsageException {
        byte[] bytes;
        try {
            bytes = BoundedFiles.read(args.policyFile(), MAX_POLICY_BYTES);
        } catch (IOException e) {
            throw new UsageException("cannot read the policy file " + args.policyFile() + ": "
                    + (e instanceof BoundedFiles.Refused ? e.getMessage() : e.toString()));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString().strip();
        } catch (CharacterCodingException e) {
            throw new UsageException("the policy file " + args.policyFile() + " is not UTF-8 text");
        }
        if (text.isEmpty()) {
            throw new UsageException("the policy file " + args.policyFile() + " is empty");
        }
        return text;
    }

    private static int print(PrintStream out, String text) {
        out.print(text);
        out.flush();
        return out.checkError() ? ExitStatus.FAILED : ExitStatus.OK;
    }

    private static int exec(List<String> command, TemporaryCredentials credentials, PrintStream err) {
        try {
            return ChildProcess.run(command, CredentialOutput.environment(credentials), NOT_INHERITED);
        } catch (IOException e) {
            // The JDK says "error=2, No such file or directory" or "error=13, Permission denied".
            String why = String.valueOf(e.getMessage());
            boolean notFound = why.contains("error=2,");
            err.println("error: cannot run '" + printable(command.get(0)) + "': "
                    + (notFound ? "command not found" : printable(why)));
            return notFound ? ExitStatus.NOT_FOUND : ExitStatus.CANNOT_EXECUTE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitStatus.FAILED;
        }
    }

    private static String printable(String text) {
        return ArgText.printable(text, 200);
    }
}
