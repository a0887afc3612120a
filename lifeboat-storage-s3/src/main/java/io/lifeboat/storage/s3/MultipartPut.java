package io.lifeboat.storage.s3;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Uploads one object in parts: start → parts (up to {@link S3StorageConfig#partConcurrency()}
 * at a time, on virtual threads, each with its Content-MD5) → complete. Nothing is visible
 * until the completion; when any step fails, the upload is aborted (so the server frees the parts
 * and bills no storage for them) and the failure is thrown: the caller's retry uploads the whole
 * object again, which for a pack of 16-24 MiB costs less than bookkeeping per part would save.
 *
 * <p>Parts all have the configured size except the last (R2 requires equal parts). An upload
 * left behind by a killed process is invisible to readers and listings; a bucket lifecycle rule
 * ({@code AbortIncompleteMultipartUpload} after a day) removes its parts, as the README advises.
 */
final class MultipartPut {
    private final S3Client client;
    private final S3StorageConfig config;
    private final RequestCounter counter;

    MultipartPut(S3Client client, S3StorageConfig config, RequestCounter counter) {
        this.client = client;
        this.config = config;
        this.counter = counter;
    }

    void upload(String key, byte[] content, boolean dataPack, String action) {
        String uploadId;
        try {
            CreateMultipartUploadRequest.Builder start = CreateMultipartUploadRequest.builder()
                    .bucket(config.bucket()).key(key).contentType("application/octet-stream");
            String storageClass = config.storageClassFor(dataPack);
            if (storageClass != null) {
                start.storageClass(storageClass);
            }
            switch (config.sse()) {
                case NONE -> {}
                case S3 -> start.serverSideEncryption(ServerSideEncryption.AES256);
                case KMS -> {
                    start.serverSideEncryption(ServerSideEncryption.AWS_KMS);
                    if (config.kmsKeyId() != null) {
                        start.ssekmsKeyId(config.kmsKeyId());
                    }
                }
            }
            uploadId = client.createMultipartUpload(start.build()).uploadId();
        } catch (SdkException e) {
            throw S3Failure.of(e, action + " (start multipart upload)", config);
        }
        try {
            List<CompletedPart> parts = uploadParts(key, uploadId, content, action);
            client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            LifeboatException failure = S3Failure.ofUpload(e, action + " (multipart upload)", config,
                    counter.signedRequestAccepted());
            abort(key, uploadId, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            abort(key, uploadId, e);
            throw e;
        }
    }

    private List<CompletedPart> uploadParts(String key, String uploadId, byte[] content, String action) {
        int partSize = config.partSize();
        int count = (int) ((content.length + (long) partSize - 1) / partSize);
        Semaphore slots = new Semaphore(config.partConcurrency());
        List<Future<CompletedPart>> futures = new ArrayList<>(count);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (int i = 0; i < count; i++) {
                    int number = i + 1;
                    int offset = i * partSize;
                    int length = Math.min(partSize, content.length - offset);
                    acquire(slots);
                    futures.add(threads.submit(() -> {
                        try {
                            return uploadPart(key, uploadId, number, content, offset, length);
                        } finally {
                            slots.release();
                        }
                    }));
                }
                List<CompletedPart> parts = new ArrayList<>(count);
                for (Future<CompletedPart> f : futures) {
                    parts.add(await(f, action));
                }
                return parts;
            } catch (RuntimeException | Error e) {
                futures.forEach(f -> f.cancel(true));
                throw e;
            }
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, byte[] content, int offset, int length) {
        UploadPartRequest.Builder b = UploadPartRequest.builder().bucket(config.bucket()).key(key).uploadId(uploadId)
                .partNumber(number).contentLength((long) length);
        if (!config.payloadSigned()) {
            b.contentMD5(S3Storage.md5(content, offset, length));
        }
        UploadPartRequest request = b.build();
        String etag = client.uploadPart(request, RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(content, offset, length), length, "application/octet-stream"))
                .eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private static CompletedPart await(Future<CompletedPart> f, String action) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while trying to " + action,
                    "nothing was committed by the interrupted call; run the command again", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw sdk;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void acquire(Semaphore slots) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while uploading parts", null, e);
        }
    }

    /** Best effort: an abort that fails leaves parts a lifecycle rule removes; the first failure wins. */
    private void abort(String key, String uploadId, Throwable failure) {
        try {
            client.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(config.bucket()).key(key)
                    .uploadId(uploadId).build());
        } catch (SdkException e) {
            failure.addSuppressed(e);
        }
    }
}
