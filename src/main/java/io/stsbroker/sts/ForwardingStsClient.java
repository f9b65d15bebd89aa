package io.stsbroker.sts;

/**
 * An {@link StsClient} that adds something around another client's calls and forwards everything
 * else to it unchanged: the provider's name, readiness, closing and its description.
 */
abstract class ForwardingStsClient implements StsClient, AutoCloseable {

    protected final StsClient delegate;

    ForwardingStsClient(StsClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public String providerName() {
        return delegate.providerName();
    }

    @Override
    public boolean ready() {
        return delegate.ready();
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
