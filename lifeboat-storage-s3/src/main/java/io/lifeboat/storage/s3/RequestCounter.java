package io.lifeboat.storage.s3;

import io.lifeboat.core.storage.RequestCounts;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every request the S3 client transmits, by the class AWS bills it in. Runs once per
 * attempt (just before the bytes go out), so a request that fails counts too. Thread safe.
 *
 * <ul>
 *   <li>PUT: PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload</li>
 *   <li>GET: GetObject (whole or ranged)</li>
 *   <li>LIST: each ListObjectsV2 page</li>
 *   <li>DELETE: DeleteObject, AbortMultipartUpload</li>
 *   <li>HEAD: HeadObject</li>
 * </ul>
 */
final class RequestCounter implements ExecutionInterceptor {
    private final LongAdder put = new LongAdder();
    private final LongAdder get = new LongAdder();
    private final LongAdder list = new LongAdder();
    private final LongAdder delete = new LongAdder();
    private final LongAdder head = new LongAdder();
    private volatile boolean signedRequestAccepted;

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counterOf(operation == null ? "" : operation, context.httpRequest().method().name()).increment();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        int status = context.httpResponse().statusCode();
        if (status < 300 || status == 304 || status == 404 || status == 412) {
            signedRequestAccepted = true;
        }
    }

    /**
     * Whether the server has accepted a signed request of this client (any success, or an answer
     * such as 404 that it gives only after checking the signature): the keys work, so a later
     * signature mismatch on an upload comes from changed bytes, not from wrong keys.
     */
    boolean signedRequestAccepted() {
        return signedRequestAccepted;
    }

    private LongAdder counterOf(String operation, String method) {
        return switch (operation) {
            case "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload" -> put;
            case "GetObject" -> get;
            case "ListObjectsV2", "ListObjects" -> list;
            case "DeleteObject", "AbortMultipartUpload" -> delete;
            case "HeadObject" -> head;
            default -> switch (method) {
                case "GET" -> get;
                case "HEAD" -> head;
                case "DELETE" -> delete;
                default -> put;
            };
        };
    }

    RequestCounts snapshot() {
        return new RequestCounts(put.sum(), get.sum(), list.sum(), delete.sum(), head.sum());
    }
}
