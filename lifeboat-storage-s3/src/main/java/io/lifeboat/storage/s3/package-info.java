/**
 * Repositories in S3 and S3-compatible object stores: {@link io.lifeboat.storage.s3.S3Storage},
 * its config, and its factory for {@code s3://BUCKET/PREFIX} locations.
 *
 * <h2>Layout</h2>
 * An object lives at the key {@code PREFIX/<Handle.path()>}: {@code PREFIX/config},
 * {@code PREFIX/keys/<id>}, {@code PREFIX/data/<first 2 chars>/<id>}, … — the same paths as in a
 * local repository, so a repository can be moved between the two with any sync tool.
 *
 * <h2>Options</h2>
 * From the location's query ({@code s3://b/p?region=eu-west-1&sse=aws:kms}) or, when the query
 * lacks them, from the environment:
 * <table>
 *   <caption>S3 options</caption>
 *   <tr><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code endpoint}</td><td>{@code LIFEBOAT_S3_ENDPOINT}, {@code AWS_ENDPOINT_URL_S3},
 *       {@code AWS_ENDPOINT_URL}</td><td>AWS</td></tr>
 *   <tr><td>{@code path_style}</td><td>{@code LIFEBOAT_S3_PATH_STYLE}</td><td>true with an
 *       endpoint, else false</td></tr>
 *   <tr><td>{@code region}</td><td>{@code AWS_REGION}, {@code AWS_DEFAULT_REGION}</td>
 *       <td>{@code us-east-1}</td></tr>
 *   <tr><td>{@code profile}</td><td>{@code AWS_PROFILE}</td><td>keys from the environment</td></tr>
 *   <tr><td>{@code credentials_file}</td><td>{@code AWS_SHARED_CREDENTIALS_FILE}</td>
 *       <td>{@code ~/.aws/credentials}</td></tr>
 *   <tr><td>{@code sse}</td><td>{@code LIFEBOAT_S3_SSE}</td><td>none; {@code AES256} or
 *       {@code aws:kms}</td></tr>
 *   <tr><td>{@code sse_kms_key_id}</td><td>{@code LIFEBOAT_S3_SSE_KMS_KEY_ID}</td><td>the
 *       bucket's KMS key</td></tr>
 *   <tr><td>{@code storage_class}</td><td>{@code LIFEBOAT_S3_STORAGE_CLASS}</td><td>the bucket's;
 *       applies to data packs only</td></tr>
 *   <tr><td>{@code part_size}</td><td>{@code LIFEBOAT_S3_PART_SIZE}</td><td>8 (MiB)</td></tr>
 *   <tr><td>{@code multipart_threshold}</td><td>{@code LIFEBOAT_S3_MULTIPART_THRESHOLD}</td><td>32 (MiB):
 *       larger objects go up in parts, smaller ones (default packs) in one PUT</td></tr>
 *   <tr><td>{@code parallel_parts}</td><td>{@code LIFEBOAT_S3_PARALLEL_PARTS}</td><td>4</td></tr>
 *   <tr><td>{@code create}</td><td>{@code LIFEBOAT_S3_CREATE}</td><td>{@code conditional}
 *       ({@code If-None-Match: *}); {@code check-then-put} for servers without it</td></tr>
 *   <tr><td>{@code timeout}</td><td>{@code LIFEBOAT_S3_TIMEOUT}</td><td>60 (seconds without a
 *       byte before a request fails)</td></tr>
 * </table>
 * Keys: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}
 * (environment only), a profile, or the SDK's default chain (instance roles).
 */
package io.lifeboat.storage.s3;
