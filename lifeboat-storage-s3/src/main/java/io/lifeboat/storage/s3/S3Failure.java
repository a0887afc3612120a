package io.lifeboat.storage.s3;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns a failure of the AWS SDK into the {@link LifeboatException} the storage contract asks
 * for: {@code STORAGE_IO} naming the object and the repository, with a hint, and
 * {@link LifeboatException#retryable()} telling {@link io.lifeboat.core.storage.RetryingStorage}
 * whether another attempt may succeed. The SDK's own retries are off, so this is the one place
 * that decides.
 *
 * <h2>Retryable</h2>
 * Throttling (503 SlowDown, 429), server errors (500, 502, 503, 504), request timeouts (408, and
 * 400 RequestTimeout, which S3 sends when the client stalls), 409 conflicts of concurrent
 * conditional writes, and every client-side I/O failure: connection refused or reset, a response
 * cut short, a socket timeout.
 *
 * <p>Uploads add the answers a server gives when the bytes it received are not the bytes that were
 * sent (400 BadDigest, XAmzContentSHA256Mismatch, IncompleteBody), and 403 SignatureDoesNotMatch
 * once the same client has had a signed request accepted: the keys work, so the payload's
 * signature failed because bytes changed on the way ({@link #ofUpload}).
 *
 * <h2>Not retryable</h2>
 * Every other 4xx: wrong keys (403 InvalidAccessKeyId, SignatureDoesNotMatch), missing
 * permissions (403 AccessDenied), a missing bucket (404 NoSuchBucket), bad requests. They stay
 * until a person acts, so retrying only delays the error.
 *
 * <p>Messages carry the status, the S3 error code and the server's text, never a request
 * signature or key: the SDK's messages contain neither, and the key id appears in no message this
 * class builds.
 */
final class S3Failure {
    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable", "OperationAborted",
            "ConditionalRequestConflict", "RequestLimitExceeded", "TooManyRequests");
    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed",
            "InvalidSecurity");

    /** Answers to an upload whose bytes arrived changed. */
    private static final Set<String> CORRUPTED_UPLOAD_CODES = Set.of("BadDigest", "XAmzContentSHA256Mismatch",
            "IncompleteBody", "InvalidDigest");

    private S3Failure() {}

    /**
     * The failure of an upload: as {@link #of}, but retryable when the server says the bytes it
     * received differ from those sent, which a new attempt sends again.
     *
     * @param keysWork whether the server has accepted a signed request from this client before
     */
    static LifeboatException ofUpload(SdkException e, String action, S3StorageConfig config, boolean keysWork) {
        LifeboatException failure = of(e, action, config);
        String code = errorCode(e);
        if (!failure.retryable() && (CORRUPTED_UPLOAD_CODES.contains(code)
                || keysWork && code.equals("SignatureDoesNotMatch"))) {
            return new LifeboatException(failure.code(), failure.getMessage() + " (the bytes changed on the way)",
                    "the upload is retried; if this repeats, check the network path to the S3 server (proxies, NICs)",
                    e, true);
        }
        return failure;
    }

    /**
     * The failure of {@code action} (e.g. {@code "write data/3f/3fa2…"}) on the repository
     * described by {@code config}.
     */
    static LifeboatException of(SdkException e, String action, S3StorageConfig config) {
        String where = config.location();
        if (e instanceof AbortedException || hasCause(e, ClosedByInterruptException.class)
                || Thread.currentThread().isInterrupted()) {
            return new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while trying to " + action + " in " + where,
                    "nothing was committed by the interrupted call; run the command again", e);
        }
        if (e instanceof AwsServiceException s) {
            return ofService(s, action, config);
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SdkClientException && text.toLowerCase(Locale.ROOT).contains("unable to load credentials")) {
            return new LifeboatException(ErrorCode.USAGE, "cannot " + action + " in " + where
                    + ": no S3 credentials found (" + config.credentials().describe() + ")",
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a credentials file", e, false);
        }
        return new LifeboatException(ErrorCode.STORAGE_IO, "cannot " + action + " in " + where + ": " + firstLine(text),
                "check that the S3 endpoint is reachable" + (config.endpoint() == null ? "" : " (" + config.endpoint() + ")")
                        + "; the call is retried with backoff, and this error means every attempt failed",
                e, true);
    }

    /** Whether the server answered with {@code status}. */
    static boolean hasStatus(SdkException e, int status) {
        return e instanceof AwsServiceException s && s.statusCode() == status;
    }

    /** The S3 error code of a server answer ("NoSuchKey"), or empty. */
    static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return "";
    }

    private static LifeboatException ofService(AwsServiceException s, String action, S3StorageConfig config) {
        int status = s.statusCode();
        String code = errorCode(s);
        String server = s.awsErrorDetails() == null || s.awsErrorDetails().errorMessage() == null ? ""
                : ": " + firstLine(s.awsErrorDetails().errorMessage());
        String message = "cannot " + action + " in " + config.location() + ": HTTP " + status
                + (code.isEmpty() ? "" : " " + code) + server;
        boolean retryable = status >= 500 || status == 429 || status == 408 || status == 409
                || RETRYABLE_CODES.contains(code);
        String hint;
        if (CREDENTIAL_CODES.contains(code)) {
            hint = "the server does not accept the S3 access key (" + config.credentials().describe()
                    + "): check the key id and secret, and the region (" + config.region() + ")";
        } else if (status == 403) {
            hint = "the access key lacks permission: allow s3:GetObject, s3:PutObject, s3:DeleteObject and"
                    + " s3:ListBucket on bucket " + config.bucket() + " (and kms:GenerateDataKey/kms:Decrypt with SSE-KMS)";
        } else if (code.equals("NoSuchBucket")) {
            hint = "create the bucket " + config.bucket() + " first (Lifeboat never creates buckets), or fix the location";
        } else if (status == 301 || code.equals("PermanentRedirect") || code.equals("AuthorizationHeaderMalformed")) {
            hint = "the bucket lives in another region: set AWS_REGION or region=… to the bucket's region";
        } else if (status == 501 || code.equals("NotImplemented")) {
            hint = "the server lacks a feature Lifeboat uses; for exclusive creates try create=check-then-put"
                    + " (LIFEBOAT_S3_CREATE=check-then-put)";
        } else if (retryable) {
            hint = "the server is overloaded or failing; the call was retried with backoff — try again later";
        } else {
            hint = "check the S3 options of the location (endpoint, path style, region, encryption, storage class)";
        }
        return new LifeboatException(ErrorCode.STORAGE_IO, message, hint, s, retryable);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
