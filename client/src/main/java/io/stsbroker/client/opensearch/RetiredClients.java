package io.stsbroker.client.opensearch;

import com.aliyun.opensearch.OpenSearchClient;
import com.aliyun.opensearch.util.HttpClientFactory;
import com.aliyun.opensearch.util.HttpClientManager;

import java.lang.reflect.Field;

/**
 * Frees what an {@link OpenSearchClient} holds once it is no longer handed out: its connection
 * pool and its idle-connection monitor thread.
 *
 * <p>Why: every SDK 5.1.0 client starts a daemon monitor thread that runs for the life of the
 * JVM, so rebuilding a client on each credential rotation would otherwise leak one thread and one
 * pool per rotation. The SDK exposes the pool but not the monitor, which is reached by
 * reflection; if a future SDK moves it, only the pool is released.
 */
final class RetiredClients {
    private static final System.Logger LOG = System.getLogger(RetiredClients.class.getName());

    private RetiredClients() {
    }

    static void release(OpenSearchClient client) {
        HttpClientManager manager = client.getHttpClientManager();
        try {
            Field field = HttpClientManager.class.getDeclaredField("httpClientFactory");
            field.setAccessible(true);
            ((HttpClientFactory) field.get(manager)).shutdownIdleConnectionMonitor();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot stop the OpenSearch SDK's idle-connection monitor", e);
        }
        try {
            manager.getConnectionManager().shutdown();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot shut down a retired OpenSearch connection pool", e);
        }
    }
}
