package io.stsbroker.client.internal;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body subscriber that keeps at most {@code limit} bytes and can be aborted from
 * another thread, so a body that is too large or never ends cannot hold a caller.
 *
 * <p>Past the limit it cancels the subscription (the connection is dropped) and completes with the
 * first {@code limit} bytes plus a flag saying it was cut. {@link #abort()} cancels it the same way
 * and fails the body, which is how a caller's deadline ends a body that stalls mid-way.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Bytes> {

    /** The bytes received, and whether more were sent than were kept. */
    public record Bytes(byte[] data, boolean truncated) {
    }

    private final int limit;
    private final CompletableFuture<Bytes> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    public BoundedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<Bytes> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (result.isDone()) {
            subscription.cancel();
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        synchronized (buffer) {
            for (ByteBuffer item : items) {
                int room = limit - buffer.size();
                int take = Math.min(room, item.remaining());
                byte[] chunk = new byte[take];
                item.get(chunk);
                buffer.write(chunk, 0, take);
                if (item.hasRemaining()) {
                    cancel();
                    result.complete(new Bytes(buffer.toByteArray(), true));
                    return;
                }
            }
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        synchronized (buffer) {
            result.complete(new Bytes(buffer.toByteArray(), false));
        }
    }

    /** Stops reading: drops the connection and fails the body if it is not complete yet. */
    public void abort() {
        result.completeExceptionally(new java.util.concurrent.CancellationException("body aborted"));
        cancel();
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
